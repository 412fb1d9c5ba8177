import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Random } from '../../scripts/wasm/differential.js';
import { toJson } from '../../ts/core/output.js';
import { WrtError } from '../../ts/core/errors.js';
import { convertTestsuite, readSpecScript } from '../../ts/testsuite/convert.js';
import { WasmError } from '../../ts/wasm/errors.js';
import { type StreamStats, validateWasm, validateWasmStream } from '../../ts/wasm/validate.js';
import { body, chunked, module, name, section, u32, vec } from './builder.js';

const SQL_WASM = readFileSync(join('node_modules', 'sql.js', 'dist', 'sql-wasm.wasm'));

async function outcome(run: () => unknown): Promise<string> {
  try {
    return toJson(await run());
  } catch (error) {
    if (error instanceof WrtError) return `${error.code} ${error.describe()}`;
    throw error;
  }
}

function randomChunks(bytes: Uint8Array, seed: number): Uint8Array[] {
  const random = new Random(seed);
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; ) {
    const size = 1 + random.below(random.below(2) === 0 ? 8 : 5000);
    chunks.push(bytes.subarray(at, at + size));
    at += size;
  }
  return chunks;
}

async function* slowly(chunks: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) {
    await Promise.resolve();
    yield chunk;
  }
}

describe('streaming validation', () => {
  it('gives the same report for sql-wasm.wasm whole, in 1-byte chunks and in random chunk sizes', async () => {
    const whole = toJson(validateWasm(SQL_WASM));
    expect(await outcome(() => validateWasmStream(chunked(SQL_WASM, [1])))).toBe(whole);
    expect(await outcome(() => validateWasmStream(slowly(randomChunks(SQL_WASM, 7))))).toBe(whole);
    expect(await outcome(() => validateWasmStream([SQL_WASM]))).toBe(whole);
  }, 60_000);

  it('gives the same result (report or error) for every spec testsuite module in random chunks', async () => {
    let compared = 0;
    let rejected = 0;
    for (const script of convertTestsuite({ only: ['binary', 'simd_lane', 'br_table', 'data', 'elem', 'custom', 'names', 'utf8-import-field'] })) {
      for (const command of readSpecScript(script.jsonPath).commands) {
        if (!('filename' in command) || !command.filename.endsWith('.wasm')) continue;
        const bytes = new Uint8Array(readFileSync(join(script.dir, command.filename)));
        const whole = await outcome(() => validateWasm(bytes));
        expect(await outcome(() => validateWasmStream(randomChunks(bytes, compared)))).toBe(whole);
        expect(await outcome(() => validateWasmStream(chunked(bytes, [1])))).toBe(whole);
        compared += 1;
        if (!whole.startsWith('{')) rejected += 1;
      }
    }
    expect(compared).toBeGreaterThan(600);
    expect(rejected).toBeGreaterThan(300);
  }, 60_000);

  it('holds about one chunk while a 1 MiB data segment and a 1 MiB custom section stream past', async () => {
    const data = new Array<number>(1 << 20).fill(0xab);
    const bytes = module(
      section(5, vec([[0x00, ...u32(32)]])), // memory 32 pages
      section(11, vec([[0x00, 0x41, 0x00, 0x0b, ...u32(data.length), ...data]])),
      section(0, [...name('blob'), ...new Array<number>(1 << 20).fill(0xcd)]),
    );
    const stats: StreamStats = { peakHeldBytes: 0, bytesRead: 0 };
    const report = await validateWasmStream(chunked(bytes, [4096]), {}, stats);
    expect(report.memory.dataBytes).toBe(1 << 20);
    expect(report.customSections).toEqual([{ name: 'blob', offset: bytes.length - (1 << 20) - 5, bytes: (1 << 20) + 5 }]);
    expect(stats.bytesRead).toBe(bytes.length);
    expect(stats.peakHeldBytes).toBeLessThanOrEqual(2 * 4096);
  });

  it('holds a function body that spans chunks, and no more than about that', async () => {
    // One function of ~200 KB: 100,000 x (i32.const 0; drop).
    const code = Array.from({ length: 100_000 }, () => [0x41, 0x00, 0x1a]).flat();
    const bytes = module(section(1, vec([[0x60, 0x00, 0x00]])), section(3, vec([[0x00]])), section(10, vec([body([], code)])));
    const stats: StreamStats = { peakHeldBytes: 0, bytesRead: 0 };
    const report = await validateWasmStream(chunked(bytes, [1000]), {}, stats);
    expect(report.functions[0]?.bodyBytes).toBe(code.length + 2);
    expect(stats.peakHeldBytes).toBeGreaterThanOrEqual(code.length);
    expect(stats.peakHeldBytes).toBeLessThanOrEqual(2 * (code.length + 2) + 1000);
  });

  it('stops reading and closes the source at the first error when name lookahead is off', async () => {
    const bad = body([], [0x41, 0x00, 0x42, 0x00, 0x6a]); // i32.const 0; i64.const 0; i32.add
    const bytes = module(
      section(1, vec([[0x60, 0x00, 0x00]])),
      section(3, vec([[0x00]])),
      section(10, vec([bad])),
      section(0, [...name('padding'), ...new Array<number>(100_000).fill(0)]),
    );
    let pulled = 0;
    let closed = false;
    const source: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]() {
        const chunks = chunked(bytes, [64]);
        return {
          next: async () => {
            const value = chunks[pulled];
            pulled += 1;
            return value === undefined ? { done: true, value: undefined } : { done: false, value };
          },
          return: async () => {
            closed = true;
            return { done: true, value: undefined };
          },
        };
      },
    };
    const stats: StreamStats = { peakHeldBytes: 0, bytesRead: 0 };
    const error = await validateWasmStream(source, { nameLookahead: false }, stats).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WasmError);
    expect((error as WasmError).message).toBe('type mismatch: i32.add expected i32 but found i64');
    expect(closed).toBe(true);
    expect(pulled).toBe(1);
    expect(stats.bytesRead).toBe(64);
  });
});
