import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { packageRoot } from '../../ts/core/paths.js';
import { underFlock } from '../../ts/deploy/firmware.js';
import { nativeSimProtoTestBinary } from '../../ts/device/native-sim.js';

let built = false;

/**
 * Runs `make -C native/sim [target]` and returns its stdout. Test files run in parallel processes,
 * so make runs under flock: two makes writing the same objects would link half-written files.
 */
export function makeNativeSim(target?: string): string {
  const root = packageRoot();
  const make = ['make', '-s', '-C', path.join(root, 'native', 'sim'), ...(target !== undefined ? [target] : [])];
  const [command = 'make', ...args] = underFlock(path.join(root, 'build', 'native-sim.lock'), make);
  return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Builds native-sim-proto-test and the C unit tests (make is incremental, so this is cheap when fresh). */
export function buildNativeSim(): string {
  if (!built) {
    makeNativeSim();
    built = true;
  }
  return nativeSimProtoTestBinary();
}

/** A module the test engine accepts: the wasm magic and version, then deterministic filler. */
export function testModule(seed: number, size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  bytes.set([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
  let x = seed >>> 0 || 1;
  for (let i = 8; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    /* Plenty of zeros, so COBS has blocks of every length. */
    bytes[i] = (x >>> 0) % 5 === 0 ? 0 : x & 0xff;
  }
  return bytes;
}

export function sha256(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}
