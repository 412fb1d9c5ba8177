/**
 * The Armv8.1-M PACBTI instructions an Arm (32-bit) file's code really contains, counted in its
 * executable sections. Build attributes say what the compiler was asked for; the link keeps them
 * whatever its other inputs were (libgcc is not built with PAC), and a file without attributes says
 * nothing. The count is the evidence that stands when the attributes are missing, and a check on
 * them when they are there.
 *
 * Only the hint-space encodings are counted (Armv8-M ARM, "PACBTI" T1 encodings, all
 * 0xF3AF 0x80xx): bti 0x800F, pacbti r12, lr, sp 0x800D, pac r12, lr, sp 0x801D, aut r12, lr, sp
 * 0x802D. They are what -mbranch-protection emits, and a core without PACBTI runs them as NOPs. The
 * scan walks halfwords: Thumb code is halfword aligned, and a literal pool that happens to hold
 * these 32 bits would count once, a bias that stays far below one per function. Pure.
 */
import { EM_ARM, type ElfFile, sectionBytes } from './elf.js';

export const SHT_PROGBITS = 1;
export const SHF_EXECINSTR = 0x4;

/** Counts of each hint-space PACBTI instruction in a file's executable sections. */
export interface PacbtiInstructionCount {
  /** bti: a landing pad for indirect branches. */
  readonly bti: number;
  /** pacbti: signs LR and is a landing pad, the usual function entry under pac-ret+bti. */
  readonly pacbti: number;
  /** pac: signs LR. */
  readonly pac: number;
  /** aut: checks LR before the return. */
  readonly aut: number;
  /** Bytes of executable sections scanned. */
  readonly scannedBytes: number;
}

const HINT_FIRST = 0xf3af;
const HINT_BTI = 0x800f;
const HINT_PACBTI = 0x800d;
const HINT_PAC = 0x801d;
const HINT_AUT = 0x802d;

/** Whether the scan reads this section: what elf-ranges.ts must also plan to read. */
export function isScannedSection(machine: number, type: number, flags: bigint): boolean {
  return machine === EM_ARM && type === SHT_PROGBITS && (flags & BigInt(SHF_EXECINSTR)) !== 0n;
}

/** The counts of an EM_ARM file, or null for another machine. */
export function countPacbtiInstructions(elf: ElfFile): PacbtiInstructionCount | null {
  if (elf.header.machine !== EM_ARM) return null;
  const little = elf.header.endianness === 'little';
  let bti = 0;
  let pacbti = 0;
  let pac = 0;
  let aut = 0;
  let scannedBytes = 0;
  for (const section of elf.sections) {
    if (!isScannedSection(elf.header.machine, section.type, section.flags)) continue;
    const bytes = sectionBytes(elf, section);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    scannedBytes += bytes.length;
    for (let at = 0; at + 4 <= bytes.length; at += 2) {
      if (view.getUint16(at, little) !== HINT_FIRST) continue;
      const second = view.getUint16(at + 2, little);
      if (second === HINT_BTI) bti += 1;
      else if (second === HINT_PACBTI) pacbti += 1;
      else if (second === HINT_PAC) pac += 1;
      else if (second === HINT_AUT) aut += 1;
      else continue;
      at += 2;
    }
  }
  return { bti, pacbti, pac, aut, scannedBytes };
}
