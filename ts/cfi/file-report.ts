/**
 * What one ELF file says about CFI: the GNU property marks (x86 IBT/SHSTK, AArch64 BTI/PAC/GCS) or
 * the ARM build attributes (PACBTI on Armv8.1-M), turned into one mark per feature. Pure: it takes
 * the file's bytes.
 */
import { type ArmAttributes, CPU_ARCH_V8_1M_MAIN, cpuArchName, extensionName, readArmAttributes } from './arm-attributes.js';
import { countPacbtiInstructions, type PacbtiInstructionCount } from './arm-pacbti-scan.js';
import { EM_386, EM_AARCH64, EM_ARM, EM_X86_64, type ElfClass, type ElfFile, type Endianness, elfTypeName, machineName, parseElf } from './elf.js';
import { type GnuPropertyReport, readGnuProperties } from './gnu-property.js';
import type { HostFeatureId } from './host-levels.js';

/** present: the file carries the mark; absent: it could and does not; unavailable: its architecture has no such feature. */
export type MarkState = 'present' | 'absent' | 'unavailable' | 'unknown';

export interface FileMark {
  readonly feature: HostFeatureId;
  /** The name tools print for the mark: "SHSTK", "BTI", "Tag_PACRET_use". */
  readonly label: string;
  readonly state: MarkState;
  readonly detail: string;
}

/** The CFI feature family of a file's machine; arm32 marks come from build attributes. */
export type FileFamily = 'x86' | 'arm64' | 'arm32';

export interface FileReport {
  /** The path as given (or as chosen by the default list). */
  readonly file: string;
  readonly elfClass: ElfClass;
  readonly endianness: Endianness;
  readonly machine: number;
  readonly machineName: string;
  readonly type: number;
  readonly typeName: string;
  readonly family: FileFamily | null;
  readonly gnuProperties: GnuPropertyReport;
  readonly armAttributes: ArmAttributes | null;
  /** PACBTI instructions in the executable sections of an Arm (32-bit) file; null for other machines. */
  readonly armInstructions: PacbtiInstructionCount | null;
  readonly marks: readonly FileMark[];
}

function familyOfMachine(machine: number): FileFamily | null {
  if (machine === EM_X86_64 || machine === EM_386) return 'x86';
  if (machine === EM_AARCH64) return 'arm64';
  if (machine === EM_ARM) return 'arm32';
  return null;
}

function hex(value: number): string {
  return `0x${value.toString(16)}`;
}

function gnuMarks(properties: GnuPropertyReport): FileMark[] {
  const marks = properties.marks;
  if (marks === null) return [];
  const propertyName = marks.kind === 'x86' ? 'GNU_PROPERTY_X86_FEATURE_1_AND' : 'GNU_PROPERTY_AARCH64_FEATURE_1_AND';
  const where =
    properties.source === null
      ? 'the file has no GNU property note'
      : marks.raw === null
        ? `no ${propertyName} in ${properties.source}`
        : `${propertyName} = ${hex(marks.raw)} in ${properties.source}`;
  const mark = (feature: HostFeatureId, label: string, set: boolean): FileMark => ({
    feature,
    label,
    state: set ? 'present' : 'absent',
    detail: set ? `${label} set: ${where}` : `${label} not set: ${where}`,
  });
  if (marks.kind === 'x86') return [mark('shstk', 'SHSTK', marks.shstk), mark('ibt', 'IBT', marks.ibt)];
  return [mark('bti', 'BTI', marks.bti), mark('pac', 'PAC', marks.pac), mark('gcs', 'GCS', marks.gcs)];
}

/** What the code holds for one feature: "219 pacbti + 3 pac, 222 aut" (signing and checking) or "224 bti + pacbti". */
function instructionText(count: PacbtiInstructionCount, feature: 'bti' | 'pac'): string {
  const where = `in ${count.scannedBytes} bytes of executable sections`;
  if (feature === 'bti') return `${count.bti + count.pacbti} landing pads (${count.bti} bti, ${count.pacbti} pacbti) ${where}`;
  return `${count.pacbti + count.pac} signing (${count.pacbti} pacbti, ${count.pac} pac) and ${count.aut} aut ${where}`;
}

function instructionsFound(count: PacbtiInstructionCount, feature: 'bti' | 'pac'): boolean {
  return feature === 'bti' ? count.bti + count.pacbti > 0 : count.pacbti + count.pac > 0 && count.aut > 0;
}

function armMark(attributes: ArmAttributes | null, count: PacbtiInstructionCount | null, feature: 'bti' | 'pac'): FileMark {
  const useTag = feature === 'bti' ? 'Tag_BTI_use' : 'Tag_PACRET_use';
  const extTag = feature === 'bti' ? 'Tag_BTI_extension' : 'Tag_PAC_extension';
  const code = count === null ? '' : `; code: ${instructionText(count, feature)}`;
  const use = attributes === null ? null : feature === 'bti' ? attributes.cfi.btiUse : attributes.cfi.pacretUse;
  // Without the attribute the instructions are the evidence: the code either has them or not.
  if (use === null && count !== null && instructionsFound(count, feature)) {
    const label = feature === 'bti' ? 'BTI instructions' : 'PAC/AUT instructions';
    const why = attributes === null ? 'the file has no .ARM.attributes section' : `no ${useTag}`;
    return { feature, label, state: 'present', detail: `${why}${code}` };
  }
  if (attributes === null) return { feature, label: useTag, state: 'unknown', detail: `the file has no .ARM.attributes section${code}` };
  const cfi = attributes.cfi;
  const ext = feature === 'bti' ? cfi.btiExtension : cfi.pacExtension;
  const arch = cfi.cpuArch === null ? 'no Tag_CPU_arch' : `Tag_CPU_arch ${cpuArchName(cfi.cpuArch)}`;
  const extText = ext === null ? `no ${extTag}` : `${extTag} = ${ext} (${extensionName(ext)})`;
  if (use === 1) {
    const what = feature === 'bti' ? 'compiled with branch target enforcement' : 'compiled with return address signing and authentication';
    return { feature, label: useTag, state: 'present', detail: `${useTag} = 1 (${what}); ${extText}; ${arch}${code}` };
  }
  const useText = use === null ? `no ${useTag}` : `${useTag} = ${use}`;
  if ((ext !== null && ext > 0) || cfi.cpuArch === CPU_ARCH_V8_1M_MAIN) {
    return { feature, label: useTag, state: 'absent', detail: `${useText}; ${extText}; ${arch}: the architecture has PACBTI, the build does not use it${code}` };
  }
  if (cfi.cpuArch === null) return { feature, label: useTag, state: 'unknown', detail: `${useText}; ${extText}; ${arch}${code}` };
  return { feature, label: useTag, state: 'unavailable', detail: `${useText}; ${arch} has no PACBTI extension` };
}

const ET_DYN = 3;
const PT_INTERP = 3;

/** ET_DYN covers both libraries and PIE executables; an interpreter request marks the latter. */
function typeName(elf: ElfFile): string {
  if (elf.header.type === ET_DYN && elf.programHeaders.some((p) => p.type === PT_INTERP)) return 'PIE executable';
  return elfTypeName(elf.header.type);
}

/** Parses one ELF file and derives its CFI marks. Throws only WrtError (ELF_*). */
export function analyzeElf(bytes: Uint8Array, file: string): FileReport {
  const elf = parseElf(bytes, file);
  const family = familyOfMachine(elf.header.machine);
  const gnuProperties = readGnuProperties(elf);
  const armAttributes = readArmAttributes(elf);
  const armInstructions = countPacbtiInstructions(elf);
  const marks = family === 'arm32' ? [armMark(armAttributes, armInstructions, 'bti'), armMark(armAttributes, armInstructions, 'pac')] : gnuMarks(gnuProperties);
  return {
    file,
    elfClass: elf.header.elfClass,
    endianness: elf.header.endianness,
    machine: elf.header.machine,
    machineName: machineName(elf.header.machine),
    type: elf.header.type,
    typeName: typeName(elf),
    family,
    gnuProperties,
    armAttributes,
    armInstructions,
    marks,
  };
}
