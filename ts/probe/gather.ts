/**
 * The I/O edge of `probe`: reads the subject (this host, a target definition, a QNX dump),
 * then resolves the limits through every layer. Everything it calls below is pure. Each kind of
 * subject's code loads only when that subject is probed (a `run` probes a target, never the host).
 */
import { resolve } from 'node:path';
import { WrtError } from '../core/errors.js';
import { TOOL_VERSION } from '../core/version.js';
import { gatherLimitInputs, resolveLimits } from '../limits/index.js';
import type { Platform } from '../limits/types.js';
import { platformOf } from '../limits/value-syntax.js';
import type { NativeFacts } from '../native/facts.js';
import { type AddonLoad, loadAddon } from '../native/load.js';
import { type DiscoveredLayer, linuxDiscovered, qnxDiscovered, targetDiscovered } from './discovered.js';
import type { HelloInfo } from '../device/messages.js';
import type { LinuxHostFacts } from './linux/host-facts.js';
import { type ProbeReport, type SubjectSection, hostSection, memoryAdapterSection, qnxSection, targetSection } from './report.js';
import type { Fact } from './linux/fact.js';
import type { RlimitPair } from '../native/facts.js';

export interface ProbeRequest {
  readonly target?: string;
  /** A device running the interpreter firmware (or native-sim --pty): its serial port or pty. */
  readonly device?: string;
  /** The speed of the device's serial line (--baud); default: the one every target's UART names. */
  readonly baud?: number;
  readonly syspage?: string;
  readonly pidin?: string;
  /** Commander's parsed options: the limit flags and --config. */
  readonly options: Readonly<Record<string, unknown>>;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

/** Seams for tests: recorded host facts instead of this machine's. */
export interface ProbeDeps {
  readonly hostFacts?: () => LinuxHostFacts;
  /** Asks the device on `port` (a serial line at `baud`) for its HELLO (tests pass a recorded answer). */
  readonly askDevice?: (port: string, baud: number) => Promise<HelloInfo>;
  readonly nativeFacts?: () => { facts: NativeFacts | null; detail: string };
  /** Loads the addon whose gatherFacts the live paths call (tests pass a stand-in with recorded answers). */
  readonly loadAddon?: () => AddonLoad;
}

function addonFacts(load: AddonLoad): { facts: NativeFacts | null; detail: string } {
  if (!load.loaded) return { facts: null, detail: load.reason };
  return { facts: load.addon.gatherFacts(), detail: `loaded from ${load.path}` };
}

function nativeFactsOf(deps: ProbeDeps): { facts: NativeFacts | null; detail: string } {
  return deps.nativeFacts !== undefined ? deps.nativeFacts() : addonFacts((deps.loadAddon ?? loadAddon)());
}

function hostPlatform(native: NativeFacts | null): Platform {
  return platformOf(native?.os ?? process.platform) ?? 'linux';
}

interface Subject {
  readonly section: SubjectSection;
  readonly discovered: DiscoveredLayer;
}

/** Where the live copy is named in sources and errors: `SYSPAGE num_cpu of live system page (…)`. */
function liveSyspageOrigin(detail: string): string {
  return `live system page (addon ${detail})`;
}

/**
 * A QNX host: the addon's copy of `_syspage_ptr` goes through the decoder `--syspage` dumps use,
 * so the same bytes give the same limits whichever way they arrive.
 */
async function probeQnxHost(native: { facts: NativeFacts | null; detail: string }): Promise<Subject> {
  const bytes = native.facts?.qnxSyspage ?? null;
  if (bytes === null) {
    throw new WrtError(
      'HOST_READ_FAILED',
      `the addon on this QNX host gave no system page (${native.detail}); save one with a copy of _syspage_ptr and use --syspage FILE, or --pidin FILE with the output of pidin syspage=asinfo`,
      { field: 'qnxSyspage' },
    );
  }
  const { parseQnxSyspage, qnxLimitsFromSyspage } = await import('./qnx/index.js');
  const info = parseQnxSyspage(bytes, { source: liveSyspageOrigin(native.detail) });
  return { section: qnxSection(info), discovered: qnxDiscovered(qnxLimitsFromSyspage(info)) };
}

async function probeHost(deps: ProbeDeps): Promise<Subject> {
  const native = nativeFactsOf(deps);
  const platform = hostPlatform(native.facts);
  if (platform === 'qnx' && deps.hostFacts === undefined) return probeQnxHost(native);
  const [{ probeLinuxHost }, { discoverLinuxLimits }] = await Promise.all([import('./linux/host-facts.js'), import('./linux/discover.js')]);
  if (platform !== 'linux' && deps.hostFacts === undefined) {
    throw new WrtError('HOST_READ_FAILED', `probing a ${platform} host is not supported (only Linux and QNX hosts are read); use --target, --syspage or --pidin`, {
      field: 'host',
    });
  }
  const facts = (deps.hostFacts ?? (() => probeLinuxHost()))();
  return {
    section: hostSection(facts, native.facts, native.detail),
    discovered: linuxDiscovered(discoverLinuxLimits(facts, native.facts), platform),
  };
}

/** RLIMIT_MEMLOCK of this process (/proc/self/limits), or of the recorded host facts a test gives. */
async function hostLockLimit(deps: ProbeDeps): Promise<Fact<RlimitPair>> {
  if (deps.hostFacts !== undefined) return deps.hostFacts().processLimits.lockedMemory;
  const [{ readLockedMemoryLimit }, { rootedHostFiles }] = await Promise.all([import('./linux/host-facts.js'), import('./linux/host-files.js')]);
  return readLockedMemoryLimit(rootedHostFiles());
}

async function probeTarget(id: string, deps: ProbeDeps): Promise<Subject> {
  // YAML and the schema checker load only when a target is asked for: plain `probe` starts faster.
  const [{ loadTarget }, { targetLimits }, { memoryAdapterOf }] = await Promise.all([
    import('../targets/load.js'),
    import('../targets/limits.js'),
    import('../targets/memory-adapter.js'),
  ]);
  const def = loadTarget(id);
  const limits = targetLimits(def);
  // A host-sim target runs on this machine: its platform is the host's, its memory the arena.
  const onHost = def.kind === 'host-sim' || def.kind === 'host';
  const platform: Platform = onHost ? hostPlatform(nativeFactsOf(deps).facts) : 'embedded';
  // What its adapter may lock is this host's RLIMIT_MEMLOCK; a board's RAM never pages.
  const lockLimit = onHost ? await hostLockLimit(deps) : undefined;
  const adapter = memoryAdapterSection(memoryAdapterOf(def), limits.moduleMemoryBytes.value, lockLimit);
  return { section: targetSection(def, limits, adapter), discovered: targetDiscovered(limits, platform) };
}

/**
 * HELLO over the port, opened as `deploy --port` opens it: a pty as it is, any other node through
 * serialport at `baud`, 8N1. The port is closed after.
 */
async function liveAskDevice(port: string, baud: number): Promise<HelloInfo> {
  const [{ openDeviceLink }, { ProtocolClient }] = await Promise.all([import('../device/serial-link.js'), import('../device/client.js')]);
  const transport = await openDeviceLink(port, baud, { description: `serial ${port}` });
  const client = new ProtocolClient(transport, { helloTimeoutMs: 5000 });
  try {
    return await client.hello();
  } finally {
    client.close();
    await transport.close();
  }
}

/**
 * The line speed to open a device at before it has said which target it is: --baud, else the one
 * speed every target definition's UART names (115200 on all of them today); when they disagree the
 * user must say.
 */
export function deviceBaud(port: string, given: number | undefined, uartBauds: readonly (number | undefined)[]): number {
  if (given !== undefined) return given;
  const speeds = [...new Set(uartBauds.filter((baud): baud is number => baud !== undefined))].sort((a, b) => a - b);
  const [only] = speeds;
  if (only !== undefined && speeds.length === 1) return only;
  throw new WrtError('USAGE', `--device ${port}: the target definitions' UARTs run at ${speeds.join(', ') || 'no set speed'} baud, so the line's speed is not known`, {
    field: '--baud',
    limit: 'name the speed of the device\'s serial line: --baud N',
  });
}

async function probeDevice(port: string, baud: number | undefined, deps: ProbeDeps): Promise<Subject> {
  const [{ listTargets }, { targetLimits }, { deviceDiscovered, deviceSection }] = await Promise.all([
    import('../targets/load.js'),
    import('../targets/limits.js'),
    import('./device.js'),
  ]);
  const hello = await (deps.askDevice ?? liveAskDevice)(port, deviceBaud(port, baud, listTargets().map((t) => t.uart.baud)));
  const def = listTargets().find((t) => t.id === hello.deviceId);
  const section = deviceSection(port, hello, def?.id ?? null);
  const hostLike = def !== undefined && (def.kind === 'host-sim' || def.kind === 'host');
  const platform: Platform = hostLike ? hostPlatform(nativeFactsOf(deps).facts) : 'embedded';
  return { section, discovered: deviceDiscovered(section, def === undefined ? undefined : targetLimits(def), platform) };
}

async function probeQnx(request: ProbeRequest): Promise<Subject> {
  const { qnxLimitsFromSyspage, readPidinFile, readQnxDump } = await import('./qnx/index.js');
  const info =
    request.syspage !== undefined
      ? await readQnxDump(resolve(request.cwd, request.syspage))
      : await readPidinFile(resolve(request.cwd, request.pidin ?? ''));
  return { section: qnxSection(info), discovered: qnxDiscovered(qnxLimitsFromSyspage(info)) };
}

export async function probe(request: ProbeRequest, deps: ProbeDeps = {}): Promise<ProbeReport> {
  const chosen = [
    request.target !== undefined ? '--target' : null,
    request.syspage !== undefined ? '--syspage' : null,
    request.pidin !== undefined ? '--pidin' : null,
    request.device !== undefined ? '--device' : null,
  ].filter((flag): flag is string => flag !== null);
  if (chosen.length > 1) {
    throw new WrtError('USAGE', `${chosen.join(' and ')} name different subjects: give one`, { field: chosen.join(', ') });
  }
  if (request.baud !== undefined && request.device === undefined) {
    throw new WrtError('USAGE', '--baud sets the speed of a device\'s serial line: it needs --device', { field: '--baud', limit: '--device PORT --baud N' });
  }
  const subject =
    request.device !== undefined
      ? await probeDevice(request.device, request.baud, deps)
      : request.target !== undefined
      ? await probeTarget(request.target, deps)
      : request.syspage !== undefined || request.pidin !== undefined
        ? await probeQnx(request)
        : await probeHost(deps);
  const inputs = await gatherLimitInputs({
    options: request.options,
    env: request.env,
    cwd: request.cwd,
    discovered: subject.discovered.layer,
  });
  const limits = resolveLimits(inputs);
  return {
    toolVersion: TOOL_VERSION,
    subject: subject.section,
    limits,
    configFile: inputs.configFile?.file ?? null,
    gaps: subject.discovered.gaps,
    warnings: limits.warnings,
  };
}
