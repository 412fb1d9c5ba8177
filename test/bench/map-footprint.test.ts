/**
 * The firmware size report's footprint of a group of objects, read from ld's map file: kept input
 * sections only (the discarded list before the memory map does not count), both line forms, each
 * section kind in its column.
 */
import { describe, expect, it } from 'vitest';
import { mapFootprint } from '../../scripts/bench/map-footprint.js';

const MAP = `Archive member included to satisfy reference by file (symbol)

Discarded input sections

 .text.unused   0x00000000       0x40 obj/native/component/wrt_cabi.o
 .bss.unused    0x00000000      0x100 obj/native/component/wrt_cval.o

Memory Configuration

Linker script and memory map

 .text.wrt_cabi_lower_values
                0x00002000      0x1a4 obj/native/component/wrt_cabi.o
                0x00002000                wrt_cabi_lower_values
 .text.next_cp  0x000021a4       0xf0 obj/native/component/wrt_cabi.o
 .rodata.names  0x00003000       0x20 obj/native/component/wrt_cval.o
 .text.wrt_exec 0x00004000     0x2000 obj/native/interp/wrt_exec.o
 .data.table    0x20000000        0x8 obj/native/engine/wrt_engine_component.o
 .bss.wrt_comp_scratch
                0x20000100     0x1100 obj/native/engine/wrt_engine_component.o
 COMMON         0x20001200        0x4 obj/native/component/wrt_component.o
 .text          0x00000000        0x0 obj/native/component/wrt_component.o
`;

const component = (object: string): boolean => object.includes('/native/component/') || object.endsWith('/wrt_engine_component.o');

describe('mapFootprint', () => {
  it('sums the kept sections of the matching objects by kind', () => {
    const f = mapFootprint(MAP, component);
    expect(f.code).toBe(0x1a4 + 0xf0 + 0x20);
    expect(f.data).toBe(0x8);
    expect(f.bss).toBe(0x1100 + 0x4);
    // wrt_exec.o does not match; the empty .text of wrt_component.o keeps it only through COMMON.
    expect(f.objects).toEqual([
      'obj/native/component/wrt_cabi.o',
      'obj/native/component/wrt_component.o',
      'obj/native/component/wrt_cval.o',
      'obj/native/engine/wrt_engine_component.o',
    ]);
  });

  it('counts nothing of objects that do not match', () => {
    expect(mapFootprint(MAP, (o) => o.endsWith('missing.o'))).toEqual({ code: 0, data: 0, bss: 0, objects: [] });
  });

  it('tells sections of one object apart by name (the engine glue of WASI 0.2 against the rest)', () => {
    const wasi = (object: string, section: string): boolean => object.endsWith('/wrt_engine_component.o') && section.includes('wasi2');
    const map = MAP.replace(' .bss.wrt_comp_scratch', ' .text.wrt_ec_wasi2_call\n                0x00005000       0x30 obj/native/engine/wrt_engine_component.o\n .bss.wrt_comp_scratch');
    expect(mapFootprint(map, wasi)).toEqual({ code: 0x30, data: 0, bss: 0, objects: ['obj/native/engine/wrt_engine_component.o'] });
    expect(mapFootprint(map, (o, s) => component(o) && !wasi(o, s)).code).toBe(0x1a4 + 0xf0 + 0x20);
  });

  it('refuses text that is not a map file', () => {
    expect(() => mapFootprint('hello\n', component)).toThrow(/not a GNU ld map file/);
  });
});
