/**
 * The two numbers `wrt-target probe` takes from a QNX system page, each with the words that say
 * where it came from, so a report can show "16 CPUs (SYSPAGE num_cpu of box.dump)".
 */
import type { QnxLimits, QnxSourcedValue, QnxSyspageInfo } from './types.js';

function sourceLabel(info: QnxSyspageInfo): string {
  return info.source === 'pidin' ? 'pidin syspage=asinfo' : 'SYSPAGE';
}

function ofOrigin(info: QnxSyspageInfo): string {
  return info.origin === null ? '' : ` of ${info.origin}`;
}

export function qnxLimitsFromSyspage(info: QnxSyspageInfo): QnxLimits {
  const gaps: string[] = [];
  let usableMemoryBytes: QnxSourcedValue<bigint> | null = null;
  if (info.sysramEntryCount > 0) {
    const entries = info.sysramEntryCount === 1 ? '1 sysram entry' : `${info.sysramEntryCount} sysram entries`;
    usableMemoryBytes = {
      value: info.usableMemoryBytes,
      source: `${sourceLabel(info)}${ofOrigin(info)} (sum of ${entries})`,
    };
  } else {
    gaps.push(`${sourceLabel(info)}${ofOrigin(info)}: no asinfo entry named sysram, so the memory given to the OS is unknown`);
  }

  const cpuField = info.source === 'pidin' ? 'header #Cpu' : 'num_cpu';
  const cpuCount: QnxSourcedValue<number> = {
    value: info.numCpu,
    source: `${sourceLabel(info)} ${cpuField}${ofOrigin(info)}`,
  };
  return { usableMemoryBytes, cpuCount, gaps, cfi: info.cfi };
}
