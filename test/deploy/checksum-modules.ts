/**
 * Modules that answer with a checksum of their own bytes, for the fault-injection tests: the
 * export `check` folds every constant of its body, acc = rotl(acc + k, 5), so a module whose body
 * was damaged anywhere in a constant answers a different number (or does not validate), and the
 * host knows the answer of every module it built. They use no linear memory, so they also run in
 * the lm3s6965evb arena, which has no room for a page.
 */
import { mulberry32 } from '../../ts/core/prng.js';
import { encodeUleb } from '../../ts/wasm/leb128.js';

export interface ChecksumModule {
  readonly bytes: Uint8Array;
  /** What `check` returns, as the i32 the protocol carries. */
  readonly expected: number;
}


function sleb32(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

function section(id: number, content: readonly number[]): number[] {
  return [id, ...encodeUleb(content.length), ...content];
}

const I32_CONST = 0x41;
const I32_ADD = 0x6a;
const I32_ROTL = 0x77;
const END = 0x0b;
const ROTATE = 5;

/** The fold `check` computes, in the host's arithmetic. */
export function foldChecksum(seed: number, constants: readonly number[]): number {
  let acc = seed | 0;
  for (const k of constants) {
    const sum = (acc + k) >>> 0;
    acc = ((sum << ROTATE) | (sum >>> (32 - ROTATE))) | 0;
  }
  return acc;
}

/**
 * A module of about `size` bytes (never more) whose `check` () -> i32 folds `seed`-derived
 * constants. Distinct seeds give distinct modules and, but for a 2^-32 chance, distinct answers.
 */
export function checksumModule(seed: number, size: number): ChecksumModule {
  const random = mulberry32(seed);
  const start = (seed * 0x9e3779b1) | 0;
  const constants: number[] = [];
  const code: number[] = [I32_CONST, ...sleb32(start)];
  /* Header, type, function, export sections and the code section's framing: under 40 bytes. */
  const room = size - 40;
  for (;;) {
    const k = Math.floor(random() * 0x100000000) | 0;
    const step = [I32_CONST, ...sleb32(k), I32_ADD, I32_CONST, ...sleb32(ROTATE), I32_ROTL];
    if (code.length + step.length + 1 > room) break;
    code.push(...step);
    constants.push(k);
  }
  code.push(END);
  const body = [0x00, ...code];
  const name = [...Buffer.from('check')];
  const bytes = Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [0x01, 0x60, 0x00, 0x01, 0x7f]),
    ...section(3, [0x01, 0x00]),
    ...section(7, [0x01, ...encodeUleb(name.length), ...name, 0x00, 0x00]),
    ...section(10, [0x01, ...encodeUleb(body.length), ...body]),
  ]);
  return { bytes, expected: foldChecksum(start, constants) };
}
