/**
 * The bounded execution profile: every budget the device interpreter enforces for one module on
 * one target, bound to both by hashes. Plain data; the JSON form is this object, the binary form
 * (binary.ts) carries the same numbers for a device.
 */
import type { AsilLevel } from '../foundation/asil.js';
import type { ErrorCode } from '../core/error-codes.js';
import type { JsonDocumentKind } from '../core/output.js';
import type { DebugLevel } from '../limits/types.js';
import type { TargetFirmwareComponent } from '../targets/types.js';

/** The profile's JSON form (`profile --json`, `-o x.json`, read back by --profile). */
export const PROFILE_DOCUMENT: JsonDocumentKind = { name: 'profile', version: 1 };

/** How the linear memory was sized. */
export type MemoryRule = 'no-memory' | 'declared-pages' | 'truncated-to-heap-base';

export interface ProfileMemory {
  readonly initialPages: number;
  /** The most pages the memory may ever have; memory.grow past it returns -1. */
  readonly maximumPages: number;
  /** Bytes the arena gives the memory: maximumPages × 64 KiB, or fewer when truncated. */
  readonly bytes: number;
  readonly truncated: boolean;
  readonly rule: MemoryRule;
}

/** The trace ring and the breakpoint set the device lays out in its arena's `trace` region. */
export interface ProfileDebugBudget {
  readonly traceEntries: number;
  readonly breakpoints: number;
}

/** What the device does with a call of an import (docs/host-calls.md): run it, refuse it (a trap naming the import), or run and trace it. */
export type ImportPolicy = 'allow' | 'deny' | 'log';
export const IMPORT_POLICIES: readonly ImportPolicy[] = ['allow', 'deny', 'log'];

export interface ProfileImport {
  readonly module: string;
  readonly name: string;
  /** Calls per invocation; null = unlimited. */
  readonly budget: number | null;
  readonly policy: ImportPolicy;
}

export interface ArenaRegion {
  /** The interpreter's region names (wrt_region_name): meta, code, control, stack, frames, memory, tables, globals, trace; plus "runtime". */
  readonly name: string;
  readonly offset: number;
  readonly bytes: number;
}

export type HardwareCfiFeature = 'shstk' | 'ibt' | 'pac' | 'bti';
export type FeatureState = 'yes' | 'no' | 'unknown';

export interface ProfileCfi {
  /** Always on in the interpreter, at every level. */
  readonly software: readonly string[];
  /** Hardware features the chosen level requires of this target (empty: none). */
  readonly hardwareRequired: readonly HardwareCfiFeature[];
  readonly hardwareSource: string;
}

/** One number of the profile and how it was reached: what --explain prints. */
export interface Derivation {
  readonly budget: string;
  readonly value: string;
  readonly rule: string;
  readonly source: string;
}

/** The signature a profile requires (docs/signing.md): by one named Ed25519 key. */
export interface ProfileSignature {
  /** The key's name (its file name without `.pub`), for people; the device compares the key itself. */
  readonly keyName: string;
  /** The Ed25519 public key, 64 hex digits. */
  readonly publicKey: string;
}

export interface Profile {
  /** SHA-256 (hex) of the module without any wrt.profile custom section. */
  readonly moduleSha256: string;
  readonly moduleBytes: number;
  readonly target: { readonly id: string; readonly pointerBits: 32 | 64; readonly host: boolean };
  readonly toolchain: string;
  readonly asil: AsilLevel;
  readonly debug: DebugLevel;
  /**
   * What the debug level gives on this target (docs/limits.md): function entries the trace ring
   * keeps and breakpoints at once; both 0 at `none`. Absent in a JSON profile written before
   * them: none of either.
   */
  readonly debugBudget: ProfileDebugBudget;
  readonly memory: ProfileMemory;
  readonly tables: { readonly elements: number; readonly elementsMax: number };
  readonly globals: { readonly slots: number };
  readonly stack: {
    /** Value-stack region in 8-byte slots. */
    readonly valueSlots: number;
    /** Most active wasm frames, the invoked function counting as one. */
    readonly callDepth: number;
    readonly controlDepth: number;
    readonly locals: number;
  };
  /** Executed-instruction budget per invocation; null = unlimited. */
  /** Instructions per invocation; a bigint because a budget may be any u64 (2^64-1 included). */
  readonly fuel: bigint | null;
  readonly imports: readonly ProfileImport[];
  readonly arena: {
    readonly regions: readonly ArenaRegion[];
    readonly totalBytes: number;
    readonly budgetBytes: number;
    readonly budgetSource: string;
  };
  readonly cfi: ProfileCfi;
  /** The signature the module must carry; null: none required. */
  readonly signature: ProfileSignature | null;
  readonly components: { readonly maxComponents: number; readonly maxInstances: number; readonly maxResources: number };
  /** A component's profile only (docs/profile.md, "The component block"); absent for a core module. */
  readonly component?: ProfileComponentBlock;
  readonly derivations: readonly Derivation[];
  /** SHA-256 (hex) of the binary encoding with this field zeroed and without the CRC. */
  readonly profileSha256: string;
}

/** One core instance of a component as the profile sized it: its share of each arena region. */
export interface ProfileComponentInstance {
  /** SHA-256 of the module as uploaded (imports renamed, ts/component/relink.ts), without custom sections. */
  readonly moduleSha256: string;
  readonly metaBytes: number;
  readonly codeBytes: number;
  readonly controlBytes: number;
  readonly memoryBytes: number;
  readonly tableElements: number;
  readonly globalSlots: number;
  readonly valueSlots: number;
  readonly callDepth: number;
}

/** What a component's profile adds to a core module's (binary flag 32). */
export interface ProfileComponentBlock {
  readonly componentSha256: string;
  readonly planSha256: string;
  readonly instances: readonly ProfileComponentInstance[];
  /** Component instances with a handle table, and handles in each. */
  readonly handleTables: number;
  readonly handlesPerTable: number;
  /** The device's component value buffer (encoded results, the longest string or list lifted). */
  readonly valueBufferBytes: number;
  /** Fused adapters open inside one another at most. */
  readonly nestingDepth: number;
  readonly adapters: number;
  readonly resourceTypes: number;
}

/** A budget the module cannot meet on this target under this level. */
export interface BudgetError {
  readonly code: ErrorCode;
  readonly budget: string;
  readonly needs: string;
  readonly gives: string;
  readonly source: string;
}

export type ProfileResult = { readonly ok: true; readonly profile: Profile } | { readonly ok: false; readonly errors: readonly BudgetError[] };

export interface Sourced<T> {
  readonly value: T;
  readonly source: string;
}

/** Values given on the command line or in a config, each with where it came from. */
export interface ProfileOverrides {
  readonly callDepth?: Sourced<number>;
  readonly valueSlots?: Sourced<number>;
  readonly fuel?: Sourced<bigint>;
  /** Calls per invocation for every import without its own entry. */
  readonly hostCalls?: Sourced<number>;
  /** "module.name" -> calls per invocation. */
  readonly hostCallsByImport?: ReadonlyMap<string, Sourced<number>>;
  /** "module.name" -> policy; every other import is allowed. */
  readonly hostPolicyByImport?: ReadonlyMap<string, Sourced<ImportPolicy>>;
  readonly allowedImports?: Sourced<readonly string[]>;
  readonly maxResources?: Sourced<number>;
  /** The key modules must be signed by (--signing-key); required from ASIL C up. */
  readonly signingKey?: Sourced<ProfileSignature>;
  /** always: truncate whenever a rule allows it; never; auto (default): only when the pages do not fit. */
  readonly truncateMemory?: 'auto' | 'always' | 'never';
}

/** What the profile needs to know about the target besides its resolved limits. */
export interface TargetFacts {
  readonly id: string;
  /** host and host-sim targets (and the probed host) run on a general-purpose CPU with an OS. */
  readonly host: boolean;
  readonly pointerBits: 32 | 64;
  /** "x86_64", "aarch64", "armv7-m", ... */
  readonly arch: string;
  readonly maxTableEntries: Sourced<number> | null;
  readonly hardwareCfi: {
    readonly features: Readonly<Record<HardwareCfiFeature, FeatureState>>;
    readonly source: string;
    /** Features a microcontroller target's firmware must carry at C and D (PAC and BTI on a pacbti target). */
    readonly required?: readonly HardwareCfiFeature[];
  };
  /** A board's component runtime as its definition sets it (firmware.component; absent: the engine header's defaults). */
  readonly firmwareComponent?: TargetFirmwareComponent;
  /** The defined targets whose firmware serves WASI 0.2 (a component refusal names them). */
  readonly wasi2Targets?: readonly string[];
}
