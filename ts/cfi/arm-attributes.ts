/**
 * ARM build attributes (`.ARM.attributes`, "Addenda to, and Errata in, the ABI for the Arm
 * Architecture", build attributes). Layout:
 *
 *   'A'                                   format version
 *   { u32 length, NTBS vendor,            vendor subsection; length counts itself
 *     { uleb tag, u32 size, [uleb index…, 0], attributes… } … }   Tag_File / Tag_Section / Tag_Symbol
 *
 * Attributes are ULEB128 tag/value pairs. The value is a NUL-terminated string for tags 4, 5 and
 * 67, an integer then a string for Tag_compatibility (32), an integer for other tags below 32, and
 * for unknown tags above 32 an integer when the tag is even, a string when it is odd. That rule is
 * what lets a reader skip attributes it has never heard of.
 *
 * For CFI the file-scope aeabi attributes Tag_PAC_extension (50), Tag_BTI_extension (52),
 * Tag_BTI_use (74) and Tag_PACRET_use (76) matter, read against Tag_CPU_arch (6) and
 * Tag_CPU_arch_profile (7).
 */
import { WrtError } from '../core/errors.js';
import { ElfByteReader, type ElfFile, EM_ARM, SHT_ARM_ATTRIBUTES, sectionBytes } from './elf.js';

export const TAG_FILE = 1;
export const TAG_SECTION = 2;
export const TAG_SYMBOL = 3;
export const TAG_CPU_RAW_NAME = 4;
export const TAG_CPU_NAME = 5;
export const TAG_CPU_ARCH = 6;
export const TAG_CPU_ARCH_PROFILE = 7;
export const TAG_COMPATIBILITY = 32;
export const TAG_PAC_EXTENSION = 50;
export const TAG_BTI_EXTENSION = 52;
export const TAG_ALSO_COMPATIBLE_WITH = 65;
export const TAG_CONFORMANCE = 67;
export const TAG_BTI_USE = 74;
export const TAG_PACRET_USE = 76;

const TAG_NAMES: ReadonlyMap<number, string> = new Map([
  [4, 'Tag_CPU_raw_name'],
  [5, 'Tag_CPU_name'],
  [6, 'Tag_CPU_arch'],
  [7, 'Tag_CPU_arch_profile'],
  [8, 'Tag_ARM_ISA_use'],
  [9, 'Tag_THUMB_ISA_use'],
  [10, 'Tag_FP_arch'],
  [11, 'Tag_WMMX_arch'],
  [12, 'Tag_Advanced_SIMD_arch'],
  [13, 'Tag_PCS_config'],
  [14, 'Tag_ABI_PCS_R9_use'],
  [15, 'Tag_ABI_PCS_RW_data'],
  [16, 'Tag_ABI_PCS_RO_data'],
  [17, 'Tag_ABI_PCS_GOT_use'],
  [18, 'Tag_ABI_PCS_wchar_t'],
  [19, 'Tag_ABI_FP_rounding'],
  [20, 'Tag_ABI_FP_denormal'],
  [21, 'Tag_ABI_FP_exceptions'],
  [22, 'Tag_ABI_FP_user_exceptions'],
  [23, 'Tag_ABI_FP_number_model'],
  [24, 'Tag_ABI_align_needed'],
  [25, 'Tag_ABI_align_preserved'],
  [26, 'Tag_ABI_enum_size'],
  [27, 'Tag_ABI_HardFP_use'],
  [28, 'Tag_ABI_VFP_args'],
  [29, 'Tag_ABI_WMMX_args'],
  [30, 'Tag_ABI_optimization_goals'],
  [31, 'Tag_ABI_FP_optimization_goals'],
  [32, 'Tag_compatibility'],
  [34, 'Tag_CPU_unaligned_access'],
  [36, 'Tag_FP_HP_extension'],
  [38, 'Tag_ABI_FP_16bit_format'],
  [42, 'Tag_MPextension_use'],
  [44, 'Tag_DIV_use'],
  [46, 'Tag_DSP_extension'],
  [48, 'Tag_MVE_arch'],
  [50, 'Tag_PAC_extension'],
  [52, 'Tag_BTI_extension'],
  [64, 'Tag_nodefaults'],
  [65, 'Tag_also_compatible_with'],
  [66, 'Tag_T2EE_use'],
  [67, 'Tag_conformance'],
  [68, 'Tag_Virtualization_use'],
  [70, 'Tag_MPextension_use'],
  [74, 'Tag_BTI_use'],
  [76, 'Tag_PACRET_use'],
]);

export function armTagName(tag: number): string {
  return TAG_NAMES.get(tag) ?? `Tag_unknown_${tag}`;
}

/** Tag_CPU_arch values (ARM ABI addenda, Tag_CPU_arch). */
const CPU_ARCH_NAMES: readonly string[] = [
  'Pre-v4',
  'v4',
  'v4T',
  'v5T',
  'v5TE',
  'v5TEJ',
  'v6',
  'v6KZ',
  'v6T2',
  'v6K',
  'v7',
  'v6-M',
  'v6S-M',
  'v7E-M',
  'v8-A',
  'v8-R',
  'v8-M.baseline',
  'v8-M.mainline',
  'v8.1-A',
  'v8.2-A',
  'v8.3-A',
  'v8.1-M.mainline',
  'v9-A',
];
export const CPU_ARCH_V8_1M_MAIN = 21;

export function cpuArchName(value: number): string {
  return CPU_ARCH_NAMES[value] ?? `unknown architecture ${value}`;
}

export function cpuArchProfileName(value: number): string {
  switch (value) {
    case 0:
      return 'none';
    case 0x41:
      return 'A (application)';
    case 0x52:
      return 'R (real-time)';
    case 0x4d:
      return 'M (microcontroller)';
    case 0x53:
      return 'S (application or real-time)';
    default:
      return `unknown profile ${value}`;
  }
}

/** Tag_PAC_extension / Tag_BTI_extension: where the instructions may appear. */
export function extensionName(value: number): string {
  switch (value) {
    case 0:
      return 'not permitted';
    case 1:
      return 'permitted in the NOP space only';
    case 2:
      return 'permitted in the NOP and non-NOP space';
    default:
      return `unknown value ${value}`;
  }
}

export type ArmAttributeValue =
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'int+string'; readonly value: number; readonly text: string };

export interface ArmAttribute {
  readonly tag: number;
  readonly name: string;
  readonly value: ArmAttributeValue;
  /** File offset of the tag. */
  readonly offset: number;
}

export interface ArmAttributeScope {
  readonly kind: 'file' | 'section' | 'symbol';
  /** Section or symbol indices for Tag_Section / Tag_Symbol; empty for Tag_File. */
  readonly indices: readonly number[];
  readonly attributes: readonly ArmAttribute[];
  readonly offset: number;
}

export interface ArmVendorSubsection {
  readonly vendor: string;
  readonly offset: number;
  readonly length: number;
  /** Parsed scopes; only the public "aeabi" vendor has a known attribute grammar. */
  readonly scopes: readonly ArmAttributeScope[];
}

/** The CFI-relevant file-scope aeabi attributes; null when the tag is absent. */
export interface ArmCfiAttributes {
  readonly cpuArch: number | null;
  readonly cpuArchProfile: number | null;
  readonly pacExtension: number | null;
  readonly btiExtension: number | null;
  readonly btiUse: number | null;
  readonly pacretUse: number | null;
}

export interface ArmAttributes {
  readonly offset: number;
  readonly vendors: readonly ArmVendorSubsection[];
  readonly cfi: ArmCfiAttributes;
}

type ValueKind = ArmAttributeValue['kind'];

export function attributeKind(tag: number): ValueKind {
  if (tag === TAG_COMPATIBILITY) return 'int+string';
  if (tag === TAG_CPU_RAW_NAME || tag === TAG_CPU_NAME || tag === TAG_CONFORMANCE) return 'string';
  if (tag < 32) return 'int';
  return tag % 2 === 0 ? 'int' : 'string';
}

/** A cursor over one byte range of the file; reads past `end` become ELF_MALFORMED. */
class Cursor {
  constructor(
    private readonly r: ElfByteReader,
    public pos: number,
    private readonly end: number,
    private readonly where: string,
  ) {}

  get remaining(): number {
    return this.end - this.pos;
  }

  private fail(field: string, message: string): WrtError {
    return new WrtError('ELF_MALFORMED', message, {
      file: this.r.file,
      offset: this.pos,
      field,
      limit: `inside ${this.where} (ends at byte ${this.end})`,
    });
  }

  u32(field: string): number {
    if (this.remaining < 4) throw this.fail(field, `${field} is cut short`);
    const value = this.r.u32(this.pos, field);
    this.pos += 4;
    return value;
  }

  /** ULEB128, at most 7 bytes (49 bits): attribute numbers never come near that. */
  uleb(field: string): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 7; i++) {
      if (this.pos >= this.end) throw this.fail(field, `ULEB128 ${field} is cut short`);
      const byte = this.r.bytes[this.pos] ?? 0;
      this.pos += 1;
      value += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) return value;
      scale *= 128;
    }
    throw this.fail(field, `ULEB128 ${field} is longer than 7 bytes`);
  }

  ntbs(field: string): string {
    const slice = this.r.bytes.subarray(this.pos, this.end);
    const nul = slice.indexOf(0);
    if (nul < 0) throw this.fail(field, `string ${field} has no terminating NUL`);
    const text = latin1.decode(slice.subarray(0, nul));
    this.pos += nul + 1;
    return text;
  }
}

const latin1 = new TextDecoder('latin1');

function parseAttributes(c: Cursor): ArmAttribute[] {
  const attributes: ArmAttribute[] = [];
  while (c.remaining > 0) {
    const offset = c.pos;
    const tag = c.uleb('attribute tag');
    const name = armTagName(tag);
    const kind = attributeKind(tag);
    let value: ArmAttributeValue;
    if (kind === 'int') value = { kind, value: c.uleb(name) };
    else if (kind === 'string') value = { kind, value: c.ntbs(name) };
    else {
      const flag = c.uleb(name);
      value = { kind, value: flag, text: c.ntbs(name) };
    }
    attributes.push({ tag, name, value, offset });
  }
  return attributes;
}

function parseScopes(r: ElfByteReader, start: number, end: number, vendor: string): ArmAttributeScope[] {
  const scopes: ArmAttributeScope[] = [];
  const outer = new Cursor(r, start, end, `the "${vendor}" subsection`);
  while (outer.remaining > 0) {
    const offset = outer.pos;
    const tag = outer.uleb('scope tag');
    const size = outer.u32('scope size');
    const headerLength = outer.pos - offset;
    if (size < headerLength || size > end - offset) {
      throw new WrtError('ELF_MALFORMED', `attribute scope of ${size} bytes does not fit the "${vendor}" subsection`, {
        file: r.file,
        offset: offset + headerLength - 4,
        field: 'scope size',
        limit: `${headerLength} <= size <= ${end - offset}`,
      });
    }
    const scopeEnd = offset + size;
    outer.pos = scopeEnd;
    if (tag !== TAG_FILE && tag !== TAG_SECTION && tag !== TAG_SYMBOL) continue;
    const inner = new Cursor(r, offset + headerLength, scopeEnd, `attribute scope at byte ${offset}`);
    const indices: number[] = [];
    if (tag !== TAG_FILE) {
      for (;;) {
        const index = inner.uleb(tag === TAG_SECTION ? 'section index' : 'symbol index');
        if (index === 0) break;
        indices.push(index);
      }
    }
    const kind = tag === TAG_FILE ? 'file' : tag === TAG_SECTION ? 'section' : 'symbol';
    scopes.push({ kind, indices, attributes: parseAttributes(inner), offset });
  }
  return scopes;
}

/**
 * Parses the contents of an attributes section located at `baseOffset` in the file.
 * The u32 lengths follow the ELF file's byte order.
 */
export function parseArmAttributesSection(elf: ElfFile, baseOffset: number, size: number): ArmAttributes {
  const r = new ElfByteReader(elf.bytes, elf.file, elf.header.endianness);
  r.require(baseOffset, size, '.ARM.attributes');
  const end = baseOffset + size;
  if (size === 0) return { offset: baseOffset, vendors: [], cfi: cfiOf([]) };
  const version = r.u8(baseOffset, 'format-version');
  if (version !== 0x41) {
    throw new WrtError('ELF_MALFORMED', `attributes format version 0x${version.toString(16)} is not 'A'`, {
      file: elf.file,
      offset: baseOffset,
      field: 'format-version',
      limit: "format-version 'A' (0x41)",
    });
  }
  const vendors: ArmVendorSubsection[] = [];
  const c = new Cursor(r, baseOffset + 1, end, '.ARM.attributes');
  while (c.remaining > 0) {
    const offset = c.pos;
    const length = c.u32('subsection length');
    if (length < 5 || length > end - offset) {
      throw new WrtError('ELF_MALFORMED', `vendor subsection of ${length} bytes does not fit .ARM.attributes`, {
        file: elf.file,
        offset,
        field: 'subsection length',
        limit: `5 <= length <= ${end - offset}`,
      });
    }
    const subEnd = offset + length;
    const vendorCursor = new Cursor(r, c.pos, subEnd, 'vendor subsection');
    const vendor = vendorCursor.ntbs('vendor name');
    const scopes = vendor === 'aeabi' ? parseScopes(r, vendorCursor.pos, subEnd, vendor) : [];
    vendors.push({ vendor, offset, length, scopes });
    c.pos = subEnd;
  }
  return { offset: baseOffset, vendors, cfi: cfiOf(vendors) };
}

function cfiOf(vendors: readonly ArmVendorSubsection[]): ArmCfiAttributes {
  const fileAttributes = vendors
    .filter((v) => v.vendor === 'aeabi')
    .flatMap((v) => v.scopes.filter((s) => s.kind === 'file'))
    .flatMap((s) => s.attributes);
  const intOf = (tag: number): number | null => {
    let found: number | null = null;
    for (const a of fileAttributes) if (a.tag === tag && a.value.kind === 'int') found = a.value.value;
    return found;
  };
  return {
    cpuArch: intOf(TAG_CPU_ARCH),
    cpuArchProfile: intOf(TAG_CPU_ARCH_PROFILE),
    pacExtension: intOf(TAG_PAC_EXTENSION),
    btiExtension: intOf(TAG_BTI_EXTENSION),
    btiUse: intOf(TAG_BTI_USE),
    pacretUse: intOf(TAG_PACRET_USE),
  };
}

/** The attributes of an EM_ARM file, or null when it is not ARM32 or has no attributes section. */
export function readArmAttributes(elf: ElfFile): ArmAttributes | null {
  if (elf.header.machine !== EM_ARM) return null;
  const section = elf.sections.find((s) => s.type === SHT_ARM_ATTRIBUTES || s.name === '.ARM.attributes');
  if (section === undefined) return null;
  const bytes = sectionBytes(elf, section);
  return parseArmAttributesSection(elf, section.offset, bytes.length);
}
