/** The probe report as text for a person: sections of aligned columns, every value with its source. */
import { CUT_NOTE, fitTable, formatBytes, renderTable, TEXT_WIDTH, wrapText } from '../core/output.js';
import type { RlimitPair } from '../native/facts.js';
import { DERIVED_LABELS, LIMIT_SPECS, formatLimitValue } from '../limits/index.js';
import type { DerivedKey, LimitKey, ResolvedValue } from '../limits/types.js';
import { describeEvidence, type Detection } from './linux/evidence.js';
import type { CgroupLimitSummary, DeviceSection, HostSection, MemoryAdapterSection, ProbeReport, QnxSection, ReportFact, TargetSection } from './report.js';

const LIMIT_ORDER: readonly (LimitKey | DerivedKey)[] = [
  'platform',
  'maxMemory',
  'maxStack',
  'maxLinearMemory',
  'maxComponents',
  'maxInstances',
  'cpus',
  'asil',
  'debugLevel',
  'debugOverhead',
  'breakpoints',
  'traceBufferEntries',
  'runtimeReserve',
];

function labelOf(key: LimitKey | DerivedKey): string {
  return key in DERIVED_LABELS ? DERIVED_LABELS[key as DerivedKey] : LIMIT_SPECS[key as LimitKey].label;
}

function factText<T>(fact: ReportFact<T>, show: (value: T) => string): [string, string] {
  return fact.value === null ? [`unknown: ${'unknown' in fact ? fact.unknown : ''}`, fact.source] : [show(fact.value), fact.source];
}

function rlimitText(pair: RlimitPair): string {
  const one = (v: bigint | null): string => (v === null ? 'unlimited' : formatBytes(v));
  return `soft ${one(pair.soft)}, hard ${one(pair.hard)}`;
}

function countLimitText(pair: RlimitPair): string {
  const one = (v: bigint | null): string => (v === null ? 'unlimited' : v.toString());
  return `soft ${one(pair.soft)}, hard ${one(pair.hard)}`;
}

function cgroupText(summary: CgroupLimitSummary, show: (v: bigint | number) => string): [string, string] {
  if (summary.state === 'limited' && summary.value !== null) return [`${show(summary.value)} (cgroup v${summary.version})`, summary.source];
  return [summary.state, summary.source];
}

function detectionText(detection: Detection): string {
  if (!detection.detected) return 'not detected';
  return `yes (${detection.kinds.join(', ') || 'kind unknown'})`;
}

function hostRows(host: HostSection): string[][] {
  const bytes = (v: bigint | number): string => formatBytes(v);
  return [
    ['operating system', `${host.os} ${host.arch}`, host.addon.loaded ? 'native addon' : `process (${host.addon.detail})`],
    ['CPU', [host.cpu.vendor, host.cpu.model].filter((p) => p !== null).join(' ') || 'unknown', 'CPUID'],
    ['online CPUs', ...factText(host.cpu.onlineCpus, String)],
    ['MemTotal', ...factText(host.memory.memTotalBytes, bytes)],
    ['MemAvailable', ...factText(host.memory.memAvailableBytes, bytes)],
    ['page size', host.memory.pageSize === null ? 'unknown' : `${host.memory.pageSize} B`, 'sysconf(_SC_PAGESIZE)'],
    ['cgroup layout', ...factText(host.cgroup.layout, String)],
    ['cgroup memory', ...cgroupText(host.cgroup.memory, bytes)],
    ['cgroup CPU quota', ...cgroupText(host.cgroup.cpu, (v) => `${v} CPUs`)],
    ['cgroup pids', ...cgroupText(host.cgroup.pids, String)],
    ['RLIMIT_STACK', ...factText(host.rlimits.stack, rlimitText)],
    ['RLIMIT_AS', ...factText(host.rlimits.addressSpace, rlimitText)],
    ['RLIMIT_DATA', ...factText(host.rlimits.data, rlimitText)],
    ['RLIMIT_NOFILE', ...factText(host.rlimits.openFiles, countLimitText)],
    ['container', detectionText(host.container), evidenceText(host.container)],
    ['virtual machine', detectionText(host.vm), evidenceText(host.vm)],
    ...memoryAdapterRows(host.memoryAdapter),
  ];
}

/** The adapter's rows: kind and options, what it may lock, what a run keeps resident. */
function memoryAdapterRows(adapter: MemoryAdapterSection): string[][] {
  const o = adapter.options;
  const options =
    o === null
      ? ''
      : [o.lock ? 'lock' : null, o.populate ? 'populate' : null, o.hugepages ? 'hugepages' : null, o.typedMemoryName === null ? null : `typed memory ${o.typedMemoryName}`]
          .filter((word): word is string => word !== null)
          .join(', ') || 'no options';
  const rows = [['memory adapter', options === '' ? adapter.kind : `${adapter.kind} (${options})`, adapter.source]];
  if (adapter.lockLimit !== null) rows.push(['can lock (RLIMIT_MEMLOCK)', ...factText(adapter.lockLimit, rlimitText)]);
  if (adapter.locks !== null) rows.push(['locks', adapter.locks, adapter.source]);
  return rows;
}

function evidenceText(detection: Detection): string {
  return detection.evidence
    .filter((e) => e.outcome !== 'not found')
    .map((e) => `${e.source} ${describeEvidence(e)}`)
    .join('; ');
}

function targetRows(target: TargetSection): string[][] {
  const l = target.limits;
  const maybeBytes = (v: number | null): string => (v === null ? 'not declared' : formatBytes(v));
  return [
    // The title names the id.
    ['target', target.name, `${target.targetKind}, ${target.core}`],
    ['RAM', maybeBytes(l.totalRamBytes.value), l.totalRamBytes.source],
    ['firmware reserve', formatBytes(l.firmwareReservedRamBytes.value), l.firmwareReservedRamBytes.source],
    ['module memory', formatBytes(l.moduleMemoryBytes.value), l.moduleMemoryBytes.source],
    ['stack', formatBytes(l.stackBytes.value), l.stackBytes.source],
    ['CPUs', String(l.cpus.value), l.cpus.source],
    ['clock', l.clockHz.value === null ? 'not declared' : `${l.clockHz.value / 1e6} MHz`, l.clockHz.source],
    ['FPU', l.fpu.value, l.fpu.source],
    ['MPU', l.mpu.value ? 'yes' : 'no', l.mpu.source],
    ['PACBTI', l.pacbti.value ? 'yes' : 'no', l.pacbti.source],
    ['UART', l.uart.value, l.uart.source],
    ['flash method', l.flashMethod.value, l.flashMethod.source],
    ...memoryAdapterRows(target.memoryAdapter),
  ];
}

function qnxRows(qnx: QnxSection): string[][] {
  const from = `${qnx.source === 'pidin' ? 'pidin syspage=asinfo' : 'SYSPAGE'}${qnx.origin === null ? '' : ` of ${qnx.origin}`}`;
  return [
    ['QNX', `${qnx.qnxVersion} ${qnx.arch}`, from],
    ['CPUs', String(qnx.numCpu), from],
    ['usable memory', formatBytes(qnx.usableMemoryBytes), `${from}: sum of ${qnx.sysramEntries} sysram entries`],
    ['CFI flags', 'none in the system page', qnx.cfi.note],
    ...memoryAdapterRows(qnx.memoryAdapter),
    ...qnx.asinfo.map((entry) => [`  ${entry.path}`, `0x${entry.start.toString(16)}-0x${entry.end.toString(16)}`, `asinfo offset 0x${entry.offset.toString(16)}`]),
  ];
}

function deviceRows(device: DeviceSection): string[][] {
  const from = `HELLO on ${device.port}`;
  return [
    ['device', device.deviceId, device.target === null ? 'no target definition of that id' : `target definition ${device.target}`],
    ['interpreter', `${device.interpreterVersion} (protocol ${device.protocolVersion})`, from],
    ['arena', formatBytes(device.arenaBytes), `${from}: what a module's profile may use`],
    ['RAM', formatBytes(device.ramBytes), `${from}: the firmware's own buffers`],
    ['upload capacity', formatBytes(device.uploadCapacity), from],
    ['profile capacity', formatBytes(device.profileCapacity), from],
    ['features', device.features.join(', ') || 'none', from],
    ['boot id', String(device.bootId), from],
  ];
}

function limitRows(report: ProbeReport): string[][] {
  return LIMIT_ORDER.map((key) => {
    const resolved = report.limits[key] as ResolvedValue<unknown>;
    const overrides =
      resolved.overrides.length === 0
        ? ''
        : ` (overrides ${resolved.overrides.map((c) => `${c.source}: ${formatLimitValue(key, c.value)}`).join('; ')})`;
    return [labelOf(key), formatLimitValue(key, resolved.value), `${resolved.source}${overrides}`];
  });
}

export interface ProbeRenderOptions {
  /** Every source in full, however wide the table gets; otherwise the tables fit TEXT_WIDTH. */
  readonly verbose?: boolean;
}

/**
 * A source without the `target ID: ` its title already names: within 80 columns the field and
 * the document it cites are what is worth the room.
 */
function withoutSubject(row: readonly string[], subjectPrefix: string | null): string[] {
  const [label = '', value = '', source = ''] = row;
  return [label, value, subjectPrefix === null ? source : source.split(subjectPrefix).join('')];
}

export function renderProbeReport(report: ProbeReport, options: ProbeRenderOptions = {}): string {
  const subject = report.subject;
  const facts =
    subject.kind === 'host'
      ? hostRows(subject)
      : subject.kind === 'target'
        ? targetRows(subject)
        : subject.kind === 'device'
          ? deviceRows(subject)
          : qnxRows(subject);
  const title =
    subject.kind === 'host'
      ? 'This machine'
      : subject.kind === 'target'
        ? `Target ${subject.id}`
        : subject.kind === 'device'
          ? `Device ${subject.deviceId} on ${subject.port}`
          : 'QNX system';
  const verbose = options.verbose === true;
  const subjectPrefix = !verbose && subject.kind === 'target' ? `target ${subject.id}: ` : null;
  let cut = false;
  const table = (header: readonly string[], rows: readonly (readonly string[])[]): string => {
    if (verbose) return renderTable(header, rows);
    // The source gives way first, then the value (a value is what a reader came for).
    const fitted = fitTable(header, rows.map((row) => withoutSubject(row, subjectPrefix)), {
      width: TEXT_WIDTH,
      shrink: [
        [2, 20],
        [1, 30],
        [2, 10],
      ],
    });
    cut ||= fitted.cut;
    return fitted.text;
  };
  const parts = [
    `${title}`,
    table(['fact', 'value', 'source'], facts),
    '',
    `Limits for a WebAssembly module (cli > env > config${report.configFile === null ? '' : ` ${report.configFile}`} > discovered > default)`,
    table(['limit', 'value', 'source'], limitRows(report)),
  ];
  if (cut) parts.push(CUT_NOTE);
  if (report.gaps.length > 0) parts.push('', 'Unknown:', ...report.gaps.map((g) => `  - ${g}`));
  if (report.warnings.length > 0) parts.push('', 'Warnings:', ...report.warnings.map((w) => `  - ${w}`));
  const text = parts.join('\n');
  return verbose ? text : wrapText(text, TEXT_WIDTH, 4);
}
