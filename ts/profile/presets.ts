/**
 * The ASIL presets of this project: which bounds a profile must carry at each level, with one
 * reason per rule. These are wrt-target's engineering choices, not a certification claim.
 */
import type { AsilLevel } from '../foundation/asil.js';
import type { DebugLevel } from '../limits/types.js';
import type { HardwareCfiFeature } from './types.js';

export interface AsilPreset {
  /** A fuel budget (--fuel) must be given: the only termination bound for loops. */
  readonly fuelRequired: boolean;
  /** Recursion needs an explicit --call-depth; otherwise the module is refused. */
  readonly recursionNeedsExplicitDepth: boolean;
  /** Depth given to a recursive module when no --call-depth is set (levels that allow it). */
  readonly defaultRecursionDepth: number;
  /** A memory or table that grows must declare a maximum within the budget (else it is capped). */
  readonly growthNeedsDeclaredMaximum: boolean;
  /** Elements beyond its initial size a table gets when it grows without a maximum (levels that allow it). */
  readonly defaultTableGrowth: number;
  /** Calls per invocation of each import when no --host-calls is set; null = unlimited. */
  readonly defaultHostCalls: number | null;
  /** Debug levels the preset refuses. */
  readonly refusedDebugLevels: readonly DebugLevel[];
  /** A host target must offer hardware CFI for the return edge. */
  readonly hostHardwareCfi: boolean;
  /** The module must be signed by a named key (--signing-key), checked on the host and the device. */
  readonly signatureRequired: boolean;
}

export const ASIL_PRESETS: Readonly<Record<AsilLevel, AsilPreset>> = {
  QM: {
    fuelRequired: false,
    recursionNeedsExplicitDepth: false,
    defaultRecursionDepth: 256,
    growthNeedsDeclaredMaximum: false,
    defaultTableGrowth: 1024,
    defaultHostCalls: null,
    refusedDebugLevels: [],
    hostHardwareCfi: false,
    signatureRequired: false,
  },
  A: {
    fuelRequired: true,
    recursionNeedsExplicitDepth: false,
    defaultRecursionDepth: 128,
    growthNeedsDeclaredMaximum: false,
    defaultTableGrowth: 256,
    defaultHostCalls: 1024,
    refusedDebugLevels: [],
    hostHardwareCfi: false,
    signatureRequired: false,
  },
  B: {
    fuelRequired: true,
    recursionNeedsExplicitDepth: false,
    defaultRecursionDepth: 64,
    growthNeedsDeclaredMaximum: false,
    defaultTableGrowth: 64,
    defaultHostCalls: 1024,
    refusedDebugLevels: [],
    hostHardwareCfi: false,
    signatureRequired: false,
  },
  C: {
    fuelRequired: true,
    recursionNeedsExplicitDepth: true,
    defaultRecursionDepth: 0,
    growthNeedsDeclaredMaximum: true,
    defaultTableGrowth: 0,
    defaultHostCalls: 256,
    refusedDebugLevels: ['full'],
    hostHardwareCfi: true,
    signatureRequired: true,
  },
  D: {
    fuelRequired: true,
    recursionNeedsExplicitDepth: true,
    defaultRecursionDepth: 0,
    growthNeedsDeclaredMaximum: true,
    defaultTableGrowth: 0,
    defaultHostCalls: 256,
    refusedDebugLevels: ['full'],
    hostHardwareCfi: true,
    signatureRequired: true,
  },
};

/** One line per rule, for docs/profile.md and --explain. */
export const PRESET_REASONS: Readonly<Record<keyof AsilPreset, string>> = {
  fuelRequired: 'from A: an instruction budget per invocation is the only bound on loops the interpreter can enforce',
  recursionNeedsExplicitDepth:
    'at C and D: a recursive call graph has no static depth, so a person must state one and own it; below C a preset depth applies',
  defaultRecursionDepth: 'below C: recursion runs to a preset depth (QM 256, A 128, B 64) and then traps "call stack exhausted"',
  growthNeedsDeclaredMaximum:
    'at C and D: memory.grow/table.grow need a declared maximum that fits, so the reservation is the module\'s own statement; below C the profile caps it',
  defaultTableGrowth:
    'below C: a table that uses table.grow without a declared maximum gets room for a preset number of elements beyond its initial size (QM 1024, A 256, B 64; a target cap wins), so table.grow succeeds until then and returns -1 after',
  defaultHostCalls: 'from A: every import gets a per-invocation call budget (A/B 1024, C/D 256) unless --host-calls sets one',
  refusedDebugLevels: 'at C and D: debug level full (breakpoints that patch code, memory writes) is refused; basic and none are allowed',
  hostHardwareCfi:
    'at C and D on a host target: the return edge must be protected in hardware (x86-64 shadow stack, AArch64 pointer authentication), else refused naming the feature',
  signatureRequired:
    'at C and D: the module must be signed by a named key (--signing-key KEY.pub), verified by the host before upload and by the device before it loads a byte; below C only when a key is named',
};

/** The hardware feature that protects the return edge on a host architecture. */
export function returnEdgeFeature(arch: string): HardwareCfiFeature | null {
  if (arch === 'x86_64' || arch === 'x64') return 'shstk';
  if (arch === 'aarch64' || arch === 'arm64') return 'pac';
  return null;
}

export const SOFTWARE_CFI = [
  'typed indirect calls (call_indirect checks the callee type at every call)',
  'structured control flow (branches resolved at load to block boundaries, no computed jumps)',
  'separate value and call stacks (return addresses are not in linear memory)',
] as const;
