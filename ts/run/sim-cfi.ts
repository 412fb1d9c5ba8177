/**
 * The CFI state of what a `run` actually runs: native-sim, not the Node process that starts it.
 * Two kinds of fact, each with its source: the marks in native-sim's own ELF (the GNU property
 * note cfi-report reads) and, while the process is alive, what its kernel says it enforces
 * (/proc/PID/status x86_Thread_features and x86_Thread_features_locked, printed only by kernels
 * built with user shadow stack support).
 */
import { parseThreadFeatures } from '../cfi/host-levels.js';
import type { FileReport } from '../cfi/file-report.js';
import type { TextSource } from '../cfi/host-levels.js';

/** One fact and where it came from; `value` null means unknown, and `source` says why. */
export interface RunCfiFact<T> {
  readonly value: T | null;
  readonly source: string;
}

export interface RunCfi {
  /** The native-sim binary that ran; null when the caller opened the link itself. */
  readonly binary: string | null;
  readonly pid: number | null;
  /** IBT and SHSTK marks (GNU_PROPERTY_X86_FEATURE_1_AND): what -fcf-protection=full leaves. */
  readonly elf: { readonly ibt: RunCfiFact<boolean>; readonly shstk: RunCfiFact<boolean> };
  /** What the kernel enforces on the running native-sim. */
  readonly process: {
    readonly shadowStack: RunCfiFact<boolean>;
    readonly features: RunCfiFact<readonly string[]>;
    readonly locked: RunCfiFact<readonly string[]>;
  };
}

/** The ELF half: a file report from cfi-report's reader, or why none was read. */
export type SimElf = { readonly report: FileReport } | { readonly unread: string };

function elfFacts(elf: SimElf): RunCfi['elf'] {
  if ('unread' in elf) {
    const unknown = { value: null, source: elf.unread };
    return { ibt: unknown, shstk: unknown };
  }
  const mark = (feature: 'ibt' | 'shstk'): RunCfiFact<boolean> => {
    const found = elf.report.marks.find((m) => m.feature === feature);
    if (found === undefined) return { value: null, source: `${elf.report.file}: a ${elf.report.machineName} file carries no ${feature.toUpperCase()} mark` };
    return { value: found.state === 'present', source: `${elf.report.file}: ${found.detail}` };
  };
  return { ibt: mark('ibt'), shstk: mark('shstk') };
}

function processFacts(status: TextSource | null): RunCfi['process'] {
  if (status === null) {
    const unknown = { value: null, source: 'no native-sim process of this run to read (the link was opened by the caller)' };
    return { shadowStack: unknown, features: unknown, locked: unknown };
  }
  if (status.text === null) {
    const unknown = { value: null, source: `${status.path}: unreadable (${status.reason})` };
    return { shadowStack: unknown, features: unknown, locked: unknown };
  }
  const words = parseThreadFeatures(status.text);
  if (words.enabled === null) {
    const unknown = { value: null, source: `${status.path} has no x86_Thread_features line: the kernel has no user shadow stack support (or is not x86)` };
    return { shadowStack: unknown, features: unknown, locked: unknown };
  }
  const from = (line: string): string => `${status.path} ${line} while native-sim ran`;
  return {
    shadowStack: { value: words.enabled.includes('shstk'), source: from('x86_Thread_features') },
    features: { value: words.enabled, source: from('x86_Thread_features') },
    locked: words.locked === null ? { value: null, source: `${status.path} has no x86_Thread_features_locked line` } : { value: words.locked, source: from('x86_Thread_features_locked') },
  };
}

/** Pure: the run's CFI block from what the edge read. */
export function runCfi(binary: string | null, pid: number | null, elf: SimElf, status: TextSource | null): RunCfi {
  return { binary, pid, elf: elfFacts(elf), process: processFacts(status) };
}
