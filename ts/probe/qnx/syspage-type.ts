/**
 * Meaning of syspage_entry.type and the CFI statement shared by both parsers.
 * Values from <sys/syspage.h>: QNX 7.x `SYSPAGE_64BIT = 0x100, SYSPAGE_X86_64 = SYSPAGE_64BIT,
 * SYSPAGE_AARCH64` (0x101); QNX 8.0 adds `SYSPAGE_VERSIONED = 0x1000`, so x86_64 = 0x1100 and
 * aarch64 = 0x1101, and the header gains a version field.
 */
import type { QnxArch, QnxCfiFacts, QnxVersion } from './types.js';

export const SYSPAGE_64BIT = 0x100;
export const SYSPAGE_VERSIONED = 0x1000;
export const SYSPAGE_X86_64_7 = 0x100;
export const SYSPAGE_AARCH64_7 = 0x101;
export const SYSPAGE_X86_64_8 = 0x1100;
export const SYSPAGE_AARCH64_8 = 0x1101;

export interface SyspageTypeMeaning {
  readonly qnxVersion: QnxVersion;
  readonly arch: QnxArch;
}

/** Anything but the four 64-bit types is 'unknown' (32-bit QNX 6/7 types 0..5 have other layouts). */
export function describeSyspageType(type: number): SyspageTypeMeaning {
  switch (type) {
    case SYSPAGE_X86_64_7:
      return { qnxVersion: '7.x', arch: 'x86_64' };
    case SYSPAGE_AARCH64_7:
      return { qnxVersion: '7.x', arch: 'aarch64' };
    case SYSPAGE_X86_64_8:
      return { qnxVersion: '8.x', arch: 'x86_64' };
    case SYSPAGE_AARCH64_8:
      return { qnxVersion: '8.x', arch: 'aarch64' };
    default:
      return { qnxVersion: 'unknown', arch: 'unknown' };
  }
}

export function syspageTypeName(type: number): string {
  const meaning = describeSyspageType(type);
  return meaning.arch === 'unknown' ? `0x${type.toString(16)} (not a 64-bit QNX 7.x/8.x type)` : `0x${type.toString(16)} (QNX ${meaning.qnxVersion} ${meaning.arch})`;
}

export function cfiFacts(pointerAuthCpus: number | null): QnxCfiFacts {
  const pac =
    pointerAuthCpus === null
      ? ''
      : ` cpuinfo flag AARCH64_CPU_PAUTH (pointer authentication) is set on ${pointerAuthCpus} CPU(s).`;
  return {
    cetFlagInSyspage: false,
    btiFlagInSyspage: false,
    pointerAuthCpus,
    note: `The QNX system page has no field or cpuinfo flag for Intel CET or ARM BTI; CFI support must come from CPU feature registers, ELF marks or QNX documentation.${pac}`,
  };
}
