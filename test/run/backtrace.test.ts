/**
 * A trap's wasm backtrace (ts/run/backtrace.ts): the device reports code cells, native-sim
 * --locate turns them into byte offsets of the module file. The offsets must be those wasm-objdump
 * -d prints for the trapping instruction and for each caller's call, in every code form: native-sim
 * (all superinstructions), a 32-bit board (narrow) and the small executor (none).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../ts/core/paths.js';
import { deploy } from '../../ts/deploy/deploy.js';
import { Feature } from '../../ts/device/protocol.js';
import { backtraceOf, codeFormOf, formatBacktrace, locateFrames, parseLocateOutput } from '../../ts/run/backtrace.js';
import { runModule } from '../../ts/run/run-module.js';
import type { RunOutcome } from '../../ts/run/session.js';
import { gatherSinks } from '../deploy/deploy-helpers.js';
import { buildRealNativeSim } from './helpers.js';

let wasm = '';
/** wasm-objdump -d of the fixture: function name → [offset, instruction text] in order. */
let listing = new Map<string, [number, string][]>();

function disassemble(file: string): Map<string, [number, string][]> {
  const text = execFileSync('wasm-objdump', ['-d', file], { encoding: 'utf8' });
  const functions = new Map<string, [number, string][]>();
  let current: [number, string][] | undefined;
  for (const line of text.split('\n')) {
    const head = /^[0-9a-f]+ func\[\d+\] <([^>]+)>:$/.exec(line);
    if (head !== null) {
      current = [];
      functions.set(head[1] ?? '', current);
      continue;
    }
    const ins = /^ ([0-9a-f]+):[0-9a-f ]+\|\s*(.+)$/.exec(line);
    if (ins !== null && current !== undefined) current.push([parseInt(ins[1] ?? '', 16), (ins[2] ?? '').trim()]);
  }
  return functions;
}

/** The offset of the one instruction of `fn` whose text starts with `mnemonic`. */
function offsetOf(fn: string, mnemonic: string): number {
  const found = (listing.get(fn) ?? []).filter(([, text]) => text === mnemonic || text.startsWith(`${mnemonic} `));
  expect(found, `${mnemonic} in ${fn}`).toHaveLength(1);
  return found[0]?.[0] ?? -1;
}

function frames(outcome: RunOutcome): { name: string | undefined; offset: number | undefined }[] {
  if (outcome.kind !== 'trapped') throw new Error(`expected a trap, got ${outcome.kind}`);
  return outcome.backtrace.frames.map((f) => ({ name: f.functionName, offset: f.offset }));
}

beforeAll(() => {
  buildRealNativeSim();
  const dir = path.join(packageRoot(), 'build', 'test-run');
  fs.mkdirSync(dir, { recursive: true });
  wasm = path.join(dir, 'backtrace.wasm');
  execFileSync('wat2wasm', ['--debug-names', path.join(packageRoot(), 'test', 'run', 'fixtures', 'backtrace.wat'), '-o', wasm]);
  listing = disassemble(wasm);
}, 120_000);

describe('backtrace pieces', () => {
  it('reads the code form from HELLO features', () => {
    expect(codeFormOf(0)).toBe('all');
    expect(codeFormOf(Feature.Backtrace | Feature.CodeNarrow)).toBe('narrow');
    expect(codeFormOf(Feature.CodeUnfused | Feature.CodeNarrow)).toBe('none');
  });

  it('parses --locate lines per frame, unknown sites staying unknown', () => {
    const sites = [{ func: 3, cell: 9 }, { func: 0, cell: 2 }, { func: 7, cell: 1 }];
    expect(parseLocateOutput('3:9=132\n0:2=none\nnoise\n', sites)).toEqual([132, undefined, undefined]);
  });

  it('prints frames like wasmtime, says what the device did not keep and why offsets are missing', () => {
    const trace = backtraceOf([{ func: 2, cell: 6 }, { func: 5, cell: 11 }], 7, (i) => (i === 2 ? 'inner' : undefined), { unlocated: 'native-sim missing' });
    expect(formatBacktrace(trace)).toEqual([
      'wasm backtrace:',
      '   0: code cell 6 - inner',
      '   1: code cell 11 - <wasm function 5>',
      '  ... 5 outer frame(s) not kept by the device',
      '  (offsets unknown: native-sim missing)',
    ]);
    expect(formatBacktrace(backtraceOf([], 0, () => undefined, { offsets: [] }))).toEqual([]);
  });

  it('prints a frame\'s source line under it, within 80 columns, a long path losing its start', () => {
    const long = `/${'deep/'.repeat(20)}src/trap.c`;
    const trace = {
      frames: [
        { functionIndex: 1, functionName: 'inner', cell: 9, offset: 0x12b, file: 'trap.c', line: 7, column: 14 },
        { functionIndex: 0, functionName: 'middle', cell: 4, offset: 0x7c, file: long, line: 12 },
        { functionIndex: 2, cell: 3, offset: 0x172 },
      ],
      depth: 3,
      unsourced: 'DWARF_MALFORMED: somewhere',
    };
    const lines = formatBacktrace(trace);
    expect(lines).toEqual([
      'wasm backtrace:',
      '   0: 0x12b - inner',
      '        at trap.c:7:14',
      '   1: 0x7c - middle',
      `        at …${long.slice(long.length - (80 - 11 - 3 - 1))}:12`,
      '   2: 0x172 - <wasm function 2>',
      '  (source lines unknown: DWARF_MALFORMED: somewhere)',
    ]);
    expect(lines[4]).toHaveLength(80);
    expect(lines[4]).toMatch(/\/src\/trap\.c:12$/);
  });
});

describe('backtraces from native-sim', () => {
  it('names each frame and gives the offsets wasm-objdump shows: a fused load through call_indirect and a loop', async () => {
    const report = await runModule({ file: wasm, invoke: 'oob', args: ['3'] }, gatherSinks(), { handleSigint: false });
    expect(report.outcome).toMatchObject({ kind: 'trapped', trapName: 'out of bounds memory access' });
    expect(frames(report.outcome)).toEqual([
      { name: 'load_at', offset: offsetOf('load_at', 'i32.load') },
      { name: 'through_table', offset: offsetOf('through_table', 'call_indirect') },
      { name: 'loop_then_load', offset: offsetOf('loop_then_load', 'call') },
    ]);
  }, 60_000);

  it('keeps the innermost 8 frames of an exhausted call stack and counts the rest', async () => {
    const report = await runModule({ file: wasm, invoke: 'deep', args: ['0'] }, gatherSinks(), { handleSigint: false });
    const outcome = report.outcome;
    expect(outcome).toMatchObject({ kind: 'trapped', trapName: 'call stack exhausted' });
    if (outcome.kind !== 'trapped') return;
    const call = offsetOf('recurse', 'call');
    expect(frames(outcome)).toEqual(Array.from({ length: 8 }, () => ({ name: 'recurse', offset: call })));
    expect(outcome.backtrace.depth).toBeGreaterThan(8);
    expect(formatBacktrace(outcome.backtrace).at(-1)).toBe(`  ... ${outcome.backtrace.depth - 8} outer frame(s) not kept by the device`);
  }, 60_000);

  it('locates a cell with native-sim, and says why when the core refuses the module', () => {
    const bytes = fs.readFileSync(wasm);
    // Cell 2 is load_at's first instruction, just after the entry FUEL cells.
    const all = locateFrames(bytes, [{ func: 0, cell: 2 }], 'all');
    expect(all).toEqual({ offsets: [expect.any(Number)] });
    const broken = locateFrames(Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0]), [{ func: 0, cell: 2 }], 'all');
    expect(broken).toMatchObject({ unlocated: expect.stringMatching(/--locate ended with 1/) });
  });
});

describe('backtraces from a board (qemu-mps2-an386)', () => {
  it.each(['fast', 'small'] as const)('the %s executor: the device announces its code form and the offsets match', async (executor) => {
    const sinks = gatherSinks();
    const report = await deploy(wasm, { target: 'qemu-mps2-an386', executor, invoke: 'oob', args: ['3'] }, sinks, { handleSigint: false });
    if (report.kind !== 'ran') throw new Error(`expected a run, got ${report.kind}`);
    expect(codeFormOf(report.device.features)).toBe(executor === 'fast' ? 'narrow' : 'none');
    expect(frames(report.outcome)).toEqual([
      { name: 'load_at', offset: offsetOf('load_at', 'i32.load') },
      { name: 'through_table', offset: offsetOf('through_table', 'call_indirect') },
      { name: 'loop_then_load', offset: offsetOf('loop_then_load', 'call') },
    ]);
  }, 300_000);
});
