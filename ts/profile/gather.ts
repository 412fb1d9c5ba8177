/**
 * The I/O edge of `profile`: reads the module, resolves the limits through probe (the same path as
 * `wrt-target probe`, so --target, QNX dumps and the host give the same numbers), reads the
 * target's facts and hands plain data to the pure compiler.
 */
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { TOOL_VERSION } from '../core/version.js';
import type { ResolvedLimits } from '../limits/types.js';
import { type ProbeDeps, probe } from '../probe/gather.js';
import type { SubjectSection } from '../probe/report.js';
import type { TargetDefinition } from '../targets/types.js';
import type { NativesFile } from '../targets/host-functions.js';
import type { WasmReport } from '../wasm/report.js';
import { validateWasm } from '../wasm/validate.js';
import { compileProfile } from './compile.js';
import { moduleSha256, stripProfileSection } from './section.js';
import type { FeatureState, HardwareCfiFeature, ProfileOverrides, ProfileResult, TargetFacts } from './types.js';

export interface ProfileRequest {
  /** The module file, as errors name it. */
  readonly file: string;
  /** The module's bytes when the caller has them already (then `file` is only its name). */
  readonly bytes?: Uint8Array;
  /** The validator's report of those bytes when the caller has it (a `run` validates once). */
  readonly analysis?: WasmReport;
  readonly target?: string;
  readonly syspage?: string;
  readonly pidin?: string;
  /** A device asked over its serial port: the profile is compiled for its arena and its target id. */
  readonly device?: string;
  /** Its line speed (--baud); default: the one every target's UART names. */
  readonly baud?: number;
  /** The firmware image the target runs (deploy passes the one it flashes); default: its local build or the shipped one. */
  readonly firmware?: string;
  readonly overrides: ProfileOverrides;
  /** A `--natives FILE.c` built into the target's firmware or native-sim: its natives are offered too. */
  readonly natives?: NativesFile;
  /** Imports the host serves over the wire (`--host FILE.mjs`), as module.field: the target need not offer them. */
  readonly hostServed?: readonly string[];
  /** The firmware's executor (deploy --executor): `small` compiles to more code cells. */
  readonly executor?: 'fast' | 'small';
  /** The native-sim that measures (a --natives build has the same core); default the tool's own. */
  readonly simBinary?: string;
  /** Limit flags (--max-memory, ...) and --config, as probe takes them. */
  readonly options: Readonly<Record<string, unknown>>;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

export interface ProfileDeps extends ProbeDeps {
  /** The host's hardware CFI (cfi-report's process level); tests pass recorded states. */
  readonly hostCfi?: () => Promise<TargetFacts['hardwareCfi']>;
}

export interface GatheredProfile {
  readonly module: Uint8Array;
  readonly result: ProfileResult;
  readonly limits: ResolvedLimits;
}

const NO_CFI: Readonly<Record<HardwareCfiFeature, FeatureState>> = { shstk: 'no', ibt: 'no', pac: 'no', bti: 'no' };

function hostArch(): string {
  return process.arch === 'x64' ? 'x86_64' : process.arch === 'arm64' ? 'aarch64' : process.arch;
}

async function liveHostCfi(): Promise<TargetFacts['hardwareCfi']> {
  const { gatherHost } = await import('../cfi/gather.js');
  const { assessHost } = await import('../cfi/host-levels.js');
  const report = assessHost((await gatherHost()).inputs);
  const features: Record<HardwareCfiFeature, FeatureState> = { shstk: 'unknown', ibt: 'unknown', pac: 'unknown', bti: 'unknown' };
  for (const f of report.features) {
    if (f.id !== 'shstk' && f.id !== 'ibt' && f.id !== 'pac' && f.id !== 'bti') continue;
    const state = f.process.state;
    features[f.id] = state === 'yes' ? 'yes' : state === 'no' ? 'no' : 'unknown';
  }
  return { features, source: `cfi-report of this host (${report.arch}), process level` };
}

/**
 * A PACBTI target's CFI as its firmware image carries it: the image deploy flashes, else the local
 * build, else the one the package ships; none of them is "unknown", which C and D refuse.
 */
async function firmwareHardwareCfi(def: TargetDefinition, request: ProfileRequest): Promise<TargetFacts['hardwareCfi']> {
  const [{ firmwareCfiFacts, readFirmwareCfi }, { firmwareImagePath }, { prebuiltFirmwarePath }] = await Promise.all([
    import('../cfi/firmware-cfi.js'),
    import('../deploy/firmware.js'),
    import('../core/prebuilds.js'),
  ]);
  const local = firmwareImagePath(def.id, def.firmware?.board, request.env);
  const shipped = def.firmware === undefined ? undefined : prebuiltFirmwarePath(def.firmware.board, def.firmware.app);
  const image = request.firmware ?? [local, shipped].find((file) => file !== undefined && existsSync(file));
  const missing = `no firmware image to read its marks from (build it: make -C targets/firmware image BOARD=${def.firmware?.board ?? def.id} APP=${def.firmware?.app ?? 'interp'}; deploy builds it too)`;
  if (image === undefined) return firmwareCfiFacts(def, null, missing);
  const shown = relative(request.cwd, image);
  return firmwareCfiFacts(def, await readFirmwareCfi(image, request.cwd, shown.startsWith('..') ? image : shown), missing);
}

async function targetFacts(request: ProfileRequest, subject: SubjectSection, deps: ProfileDeps): Promise<TargetFacts> {
  const hostCfi = deps.hostCfi ?? liveHostCfi;
  if (subject.kind === 'qnx') {
    // SYSPAGE says nothing of CET or BTI; on QNX 8 AArch64 it flags pointer authentication per CPU.
    const pauth = subject.cfi.pointerAuthCpus;
    const pac: FeatureState = pauth === null ? 'unknown' : pauth > 0 && pauth === subject.numCpu ? 'yes' : 'no';
    return {
      id: 'qnx',
      host: true,
      pointerBits: 64,
      arch: subject.arch,
      maxTableEntries: null,
      hardwareCfi: { features: { shstk: 'unknown', ibt: 'unknown', pac, bti: 'unknown' }, source: `QNX SYSPAGE: ${subject.cfi.note}` },
    };
  }
  if (subject.kind === 'device' && subject.target === null) {
    // A device no definition describes: a microcontroller as far as anyone can tell (32-bit, no CFI).
    return {
      id: subject.deviceId,
      host: false,
      pointerBits: 32,
      arch: 'unknown',
      maxTableEntries: null,
      hardwareCfi: { features: NO_CFI, source: `device ${subject.deviceId}: HELLO reports no CFI and no definition names it` },
    };
  }
  const targetId = subject.kind === 'device' ? subject.target : request.target;
  if (targetId === undefined || targetId === null) {
    return { id: 'host', host: true, pointerBits: 64, arch: hostArch(), maxTableEntries: null, hardwareCfi: await hostCfi() };
  }
  const [{ listTargets, loadTarget }, { targetLimits }] = await Promise.all([import('../targets/load.js'), import('../targets/limits.js')]);
  const def = loadTarget(targetId);
  const limits = targetLimits(def);
  const host = def.kind === 'host' || def.kind === 'host-sim';
  const cfi = def.features.hardwareCfi;
  const declared = `target ${def.id}: features.hardwareCfi ${cfi}`;
  const hardwareCfi: TargetFacts['hardwareCfi'] =
    cfi === 'host'
      ? await hostCfi()
      : cfi === 'pacbti'
        ? await firmwareHardwareCfi(def, request)
        : cfi === 'cet'
          ? { features: { ...NO_CFI, shstk: 'yes', ibt: 'yes' }, source: declared }
          : cfi === 'bti-pac'
            ? { features: { ...NO_CFI, pac: 'yes', bti: 'yes' }, source: declared }
            : { features: NO_CFI, source: declared };
  const arch = def.cpu.arch === 'host' ? hostArch() : def.cpu.arch;
  const entries = limits.maxTableEntries;
  return {
    id: def.id,
    host,
    pointerBits: host && (arch === 'x86_64' || arch === 'aarch64') ? 64 : 32,
    arch,
    maxTableEntries: entries.value === null ? null : { value: entries.value, source: entries.source },
    hardwareCfi,
    ...(def.firmware?.component === undefined ? {} : { firmwareComponent: def.firmware.component }),
    wasi2Targets: listTargets()
      .filter((t) => t.firmware?.component?.wasi2 === true)
      .map((t) => t.id),
  };
}


/** The module file, refused unread when it cannot fit the named target's upload buffer. */
async function readModuleFor(request: ProfileRequest): Promise<Uint8Array> {
  const { readModuleFile, uploadCapacityOf } = await import('../targets/upload-capacity.js');
  if (request.target === undefined) return readModuleFile(request.file, request.cwd, undefined);
  const { loadTarget } = await import('../targets/load.js');
  return readModuleFile(request.file, request.cwd, uploadCapacityOf(loadTarget(request.target)));
}

/** The limits (through probe) and facts of the target a profile is compiled for. */
export async function profileContext(request: ProfileRequest, deps: ProfileDeps = {}): Promise<{ readonly limits: ResolvedLimits; readonly target: TargetFacts }> {
  const report = await probe(
    {
      ...(request.target !== undefined ? { target: request.target } : {}),
      ...(request.syspage !== undefined ? { syspage: request.syspage } : {}),
      ...(request.pidin !== undefined ? { pidin: request.pidin } : {}),
      ...(request.device !== undefined ? { device: request.device } : {}),
      ...(request.baud !== undefined ? { baud: request.baud } : {}),
      options: request.options,
      env: request.env,
      cwd: request.cwd,
    },
    deps,
  );
  return { limits: report.limits, target: await targetFacts(request, report.subject, deps) };
}

export async function gatherProfile(request: ProfileRequest, deps: ProfileDeps = {}): Promise<GatheredProfile> {
  const bytes = request.bytes ?? (await readModuleFor(request));
  const module = stripProfileSection(bytes, request.file);
  const analysis = request.analysis ?? validateWasm(module, { file: request.file });
  if (request.target !== undefined) {
    // A profile is for a module the target can link: every import must be one it offers.
    const [{ loadTarget }, { checkImportsOffered }] = await Promise.all([import('../targets/load.js'), import('../targets/host-functions.js')]);
    checkImportsOffered(analysis.imports, loadTarget(request.target), request.file, request.natives, request.hostServed);
  }
  const { limits, target } = await profileContext(request, deps);
  const { measureLoadRegions } = await import('./load-regions.js');
  const result = compileProfile({
    loadRegions: measureLoadRegions(module, request.file, target.pointerBits, request.env, request.executor, request.simBinary),
    analysis,
    moduleSha256: moduleSha256(module),
    limits,
    target,
    // ASIL and debug level resolve like every limit (--asil/--debug-level, WRT_ASIL_LEVEL, config).
    asil: limits.asil.value,
    debug: limits.debugLevel.value,
    overrides: request.overrides,
    toolchain: TOOL_VERSION,
  });
  return { module, result, limits };
}
