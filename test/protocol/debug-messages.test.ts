/**
 * The debugging messages (docs/protocol.md §4d) against the shared vectors the C codec checks
 * too (test/protocol/c-unit.test.ts): BREAKPOINTS as the host encodes it, BREAK and TRACE as the
 * device sends them, and a trace put together from chunks that arrive in any order.
 */
import { describe, expect, it } from 'vitest';
import { decodeBreak, decodeTrace, encodeBreakpoints, TraceAssembler } from '../../ts/device/debug-messages.js';
import { WrtError } from '../../ts/core/errors.js';
import vectors from './vectors.json' with { type: 'json' };

const bytes = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex, 'hex'));
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('debugging messages (shared vectors)', () => {
  it('encodes BREAKPOINTS and refuses more than a request carries', () => {
    for (const v of vectors.breakpoints) expect(hex(encodeBreakpoints(v.funcs))).toBe(v.body);
    expect(() => encodeBreakpoints(Array.from({ length: 65 }, (_, i) => i))).toThrow(/65 breakpoints/);
  });

  it('decodes BREAK: hit, function, depth, arguments and frames', () => {
    for (const v of vectors.break) {
      const hit = decodeBreak(bytes(v.body));
      expect(hit).toEqual({ hit: v.hit, func: v.func, depth: v.depth, args: [{ type: 'i32', value: Number.parseInt(v.args[0]?.bits ?? '', 16) }], frames: v.frames });
      expect(() => decodeBreak(bytes(v.body.slice(0, -2)))).toThrow(WrtError);
    }
  });

  it('decodes TRACE and assembles chunks in any order into the oldest-first trace', () => {
    for (const v of vectors.trace) {
      const chunk = decodeTrace(bytes(v.body));
      expect(chunk).toEqual({ overwritten: BigInt(v.overwritten), kept: v.kept, first: v.first, entries: v.entries });
    }
    const all = new TraceAssembler();
    expect(all.result()).toBeUndefined();
    all.add({ overwritten: 5n, kept: 3, first: 2, entries: [{ func: 9, depth: 1 }] });
    all.add({ overwritten: 5n, kept: 3, first: 0, entries: [{ func: 7, depth: 1 }, { func: 8, depth: 2 }] });
    expect(all.result()).toEqual({ overwritten: 5n, entries: [{ func: 7, depth: 1 }, { func: 8, depth: 2 }, { func: 9, depth: 1 }], missing: 0 });
    const lost = new TraceAssembler();
    lost.add({ overwritten: 0n, kept: 3, first: 0, entries: [{ func: 1, depth: 1 }] });
    expect(lost.result()?.missing).toBe(2);
  });
});
