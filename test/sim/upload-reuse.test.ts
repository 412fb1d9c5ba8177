import { beforeAll, describe, expect, it } from 'vitest';
import { ProtocolClient } from '../../ts/device/client.js';
import { nativeSimLink } from '../../ts/run/run-module.js';
import { DeviceSession, type ProgramReport, type ProgramRequest } from '../../ts/run/session.js';
import { wat2wasm } from '../../ts/testsuite/wat.js';
import { buildRealNativeSim } from '../run/helpers.js';

/**
 * The same module twice on one device session (docs/protocol.md, "The committed module again"):
 * the second upload sends no byte, and the program still starts from a fresh instance.
 */

/* `bump` adds one to a global that starts at 0: a reused instance would answer 2 the second time. */
const COUNTER = `(module
  (global $n (export "counter") (mut i32) (i32.const 0))
  (func (export "bump") (result i32)
    (global.set $n (i32.add (global.get $n) (i32.const 1)))
    (global.get $n)))`;
const OTHER = `(module (func (export "bump") (result i32) (i32.const 41)))`;

let sim = '';
let counter: Uint8Array = new Uint8Array();
let other: Uint8Array = new Uint8Array();

beforeAll(() => {
  sim = buildRealNativeSim();
  counter = wat2wasm(COUNTER);
  other = wat2wasm(OTHER);
}, 120_000);

function request(bytes: Uint8Array): ProgramRequest {
  return { file: 'counter.wasm', uploadBytes: bytes, invocation: { name: 'bump', args: [], command: false } };
}

const silent = { stdout: (): void => undefined, stderr: (): void => undefined };

async function withNativeSim<T>(body: (session: DeviceSession) => Promise<T>): Promise<T> {
  const session = await DeviceSession.open(nativeSimLink({ binary: sim }));
  try {
    return await body(session);
  } finally {
    await session.close();
  }
}

describe('a module the device already holds', () => {
  it('is not sent again, and runs from a fresh instance', async () => {
    const runs = await withNativeSim(async (session) => {
      const reports: ProgramReport[] = [];
      for (const bytes of [counter, counter, other, counter]) reports.push(await session.runProgram(request(bytes), silent));
      const stats = await (session.client as ProtocolClient).stats();
      return { reports, stats };
    });
    const [first, second, third, fourth] = runs.reports;
    expect(first?.upload).toMatchObject({ size: counter.length, resumedFrom: 0, bytesSent: counter.length });
    expect(second?.upload).toMatchObject({ size: counter.length, resumedFrom: counter.length, chunks: 0, bytesSent: 0 });
    expect(first?.outcome).toEqual({ kind: 'returned', results: [{ type: 'i32', value: 1 }] });
    expect(second?.outcome).toEqual({ kind: 'returned', results: [{ type: 'i32', value: 1 }] });
    // Another module in between replaces the held one: the counter module travels whole again.
    expect(third?.upload.bytesSent).toBe(other.length);
    expect(third?.outcome).toEqual({ kind: 'returned', results: [{ type: 'i32', value: 41 }] });
    expect(fourth?.upload.bytesSent).toBe(counter.length);
    expect(runs.stats.get('proto.uploads_reused')).toBe(1n);
    expect(runs.stats.get('proto.uploads_committed')).toBe(4n);
    expect(runs.stats.get('engine.loads')).toBe(4n);
  });

  it('is sent whole when its profile differs', async () => {
    const seen = await withNativeSim(async (session) => {
      const plain = await session.upload(counter);
      const progress: number[] = [];
      const profiled = await session.upload(counter, { profile: Uint8Array.of(1, 2, 3), onProgress: (done) => progress.push(done) }).catch((error: unknown) => error);
      const stats = await (session.client as ProtocolClient).stats();
      return { plain, profiled, progress, stats };
    });
    expect(seen.plain.bytesSent).toBe(counter.length);
    // The engine refuses a blob that is no profile (LOAD_FAILED), but only after every byte arrived again.
    expect(seen.profiled).toMatchObject({ device: { code: 15 } });
    expect(seen.progress.at(-1)).toBe(counter.length);
    expect(seen.stats.get('proto.uploads_begun')).toBe(2n);
    expect(seen.stats.get('proto.uploads_reused')).toBe(0n);
  });
});
