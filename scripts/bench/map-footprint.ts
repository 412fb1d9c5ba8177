/**
 * What a group of object files adds to a linked firmware image, read from GNU ld's map file
 * (`-Wl,-Map`): the input sections the linker kept, after --gc-sections, summed per kind. The
 * discarded sections listed before "Linker script and memory map" are not counted, so a function
 * the image never calls costs nothing here, as it costs nothing on the board.
 */

export interface Footprint {
  /** .text and .rodata: flash only. */
  readonly code: number;
  /** .data: flash (its initial value) and RAM. */
  readonly data: number;
  /** .bss and COMMON: RAM only. */
  readonly bss: number;
  /** The objects that matched and kept at least one section, as the map names them. */
  readonly objects: readonly string[];
}

type Kind = 'code' | 'data' | 'bss';

function kindOf(section: string): Kind | undefined {
  if (section.startsWith('.text') || section.startsWith('.rodata')) return 'code';
  if (section.startsWith('.data')) return 'data';
  if (section.startsWith('.bss') || section === 'COMMON') return 'bss';
  return undefined;
}

// ` .text.name  0x00001000  0x24 obj.o` on one line, or the name alone with the rest on the next.
const WHOLE = /^ (\S+)\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+(\S.*)$/;
const NAME_ONLY = /^ (\S+)$/;
const REST = /^\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+(\S.*)$/;

/**
 * The footprint of every input section `belongs` accepts (by its object's path and its own name,
 * e.g. `.text.wrt_ec_wasi2_call` under -ffunction-sections), in the map text of one image.
 */
export function mapFootprint(mapText: string, belongs: (object: string, section: string) => boolean): Footprint {
  const lines = mapText.split('\n');
  const start = lines.findIndex((line) => line.startsWith('Linker script and memory map'));
  if (start < 0) throw new Error('not a GNU ld map file: no "Linker script and memory map" line');
  const sums: Record<Kind, number> = { code: 0, data: 0, bss: 0 };
  const objects = new Set<string>();
  const add = (section: string, sizeHex: string, object: string): void => {
    const kind = kindOf(section);
    const size = Number.parseInt(sizeHex, 16);
    if (kind === undefined || size === 0 || !belongs(object, section)) return;
    sums[kind] += size;
    objects.add(object);
  };
  for (let i = start + 1; i < lines.length; i += 1) {
    const line = lines[i]!;
    const whole = WHOLE.exec(line);
    if (whole !== null) {
      add(whole[1]!, whole[2]!, whole[3]!);
      continue;
    }
    const name = NAME_ONLY.exec(line);
    const rest = name === null ? null : REST.exec(lines[i + 1] ?? '');
    if (name !== null && rest !== null) {
      add(name[1]!, rest[1]!, rest[2]!);
      i += 1;
    }
  }
  return { ...sums, objects: [...objects].sort() };
}
