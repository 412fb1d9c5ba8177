/**
 * Validator throughput on large real modules (the .wasm files of the sql.js and wabt npm packages),
 * beside V8's WebAssembly.validate on the same bytes in the same run. Goal: at least 100 MB/s.
 *
 * Both are timed per call, interleaved in rounds so machine load hits both alike; "best" is the
 * fastest call (the least disturbed by other processes), "median" the typical one. The validator
 * is timed as `wrt-target validate` uses it: decoding, type checking and the full analysis.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { packageRoot } from '../../ts/core/paths.js';
import { validateWasm, validateWasmStream } from '../../ts/wasm/validate.js';
import { v8Validate } from '../wasm/v8.js';

interface BenchModule {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/**
 * wabt's npm package ships its wasm inside index.js as a string literal that emscripten's
 * binaryDecode turns into bytes (one character per byte); the literal is evaluated on its own.
 */
export function wabtModule(root: string): Uint8Array {
  const text = readFileSync(join(root, 'node_modules', 'wabt', 'index.js'), 'utf8');
  const key = 'findWasmBinary(){return binaryDecode(';
  const start = text.indexOf(key) + key.length;
  const quote = text[start];
  if (start < key.length || (quote !== "'" && quote !== '"')) throw new Error('wabt/index.js no longer embeds its wasm as binaryDecode("…")');
  let end = start + 1;
  while (end < text.length && text[end] !== quote) end += text[end] === '\\' ? 2 : 1;
  const literal: unknown = runInNewContext(text.slice(start, end + 1));
  if (typeof literal !== 'string') throw new Error('the embedded wasm is not a string literal');
  const bytes = new Uint8Array(literal.length);
  for (let i = 0; i < literal.length; i += 1) {
    const c = literal.charCodeAt(i);
    bytes[i] = (~c >> 8) & c;
  }
  return bytes;
}

function modules(root: string): BenchModule[] {
  return [
    { name: 'sql.js sql-wasm.wasm', bytes: new Uint8Array(readFileSync(join(root, 'node_modules', 'sql.js', 'dist', 'sql-wasm.wasm'))) },
    { name: 'sql.js sql-wasm-debug.wasm', bytes: new Uint8Array(readFileSync(join(root, 'node_modules', 'sql.js', 'dist', 'sql-wasm-debug.wasm'))) },
    { name: 'wabt (libwabt, embedded in index.js)', bytes: wabtModule(root) },
  ];
}

interface Timing {
  best: number;
  samples: number[];
}

function time(run: () => unknown, timing: Timing, calls: number): void {
  for (let i = 0; i < calls; i += 1) {
    const start = performance.now();
    run();
    const ms = performance.now() - start;
    timing.samples.push(ms);
    if (ms < timing.best) timing.best = ms;
  }
}

function median(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function mbps(bytes: number, ms: number): string {
  return (bytes / 1e6 / (ms / 1000)).toFixed(1).padStart(6);
}

export async function bench(log: (line: string) => void): Promise<void> {
  const root = packageRoot();
  const rounds = 10;
  log('validate: MB/s (10^6 bytes per second) of decoding + type checking + analysis, beside V8 WebAssembly.validate (goal: >= 100 MB/s)');
  for (const module of modules(root)) {
    if (!v8Validate(module.bytes)) throw new Error(`${module.name} is not valid for V8`);
    validateWasm(module.bytes);
    const ours: Timing = { best: Number.POSITIVE_INFINITY, samples: [] };
    const v8: Timing = { best: Number.POSITIVE_INFINITY, samples: [] };
    // Warm-up: let both reach their optimised code before anything counts.
    time(() => validateWasm(module.bytes), { best: 0, samples: [] }, 100);
    time(() => v8Validate(module.bytes), { best: 0, samples: [] }, 10);
    for (let round = 0; round < rounds; round += 1) {
      time(() => validateWasm(module.bytes), ours, 10);
      time(() => v8Validate(module.bytes), v8, 10);
    }
    const size = module.bytes.length;
    log(
      `  ${module.name.padEnd(38)} ${(size / 1024).toFixed(0).padStart(5)} KiB  wrt-target ${mbps(size, ours.best)} best ${mbps(size, median(ours.samples))} median` +
        `   V8 ${mbps(size, v8.best)} best ${mbps(size, median(v8.samples))} median   (${(v8.best / ours.best).toFixed(2)}x V8)`,
    );
  }
  const first = modules(root)[0];
  if (first !== undefined) {
    const chunks: Uint8Array[] = [];
    for (let at = 0; at < first.bytes.length; at += 65536) chunks.push(first.bytes.subarray(at, at + 65536));
    let best = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 30; i += 1) {
      const start = performance.now();
      await validateWasmStream(chunks);
      best = Math.min(best, performance.now() - start);
    }
    log(`  ${`${first.name}, streamed in 64 KiB chunks`.padEnd(38)} ${(first.bytes.length / 1024).toFixed(0).padStart(5)} KiB  wrt-target ${mbps(first.bytes.length, best)} best`);
  }
}
