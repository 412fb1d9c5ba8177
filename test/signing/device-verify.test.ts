/**
 * The device's signature check (native/sig: libsodium's Ed25519 ref10 and the module-signatures
 * walk), built for the host and run through build/sig/wrt_sig_check: RFC 8032 tests 1-3, a
 * cross-check against Node's Ed25519 on seeded random and broken signatures, and whole modules
 * signed by `sign`, with each way a module is refused.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../ts/core/paths.js';
import { encodePublicKey } from '../../ts/signing/format.js';
import { signModule } from '../../ts/signing/sign.js';
import { wat2wasm } from '../../ts/testsuite/wat.js';
import { encodeCustomSection, moduleSections, WASM_HEADER_BYTES } from '../../ts/wasm/sections.js';
import { crossCheck, deviceVerifies, MUTATIONS, SIG_CHECK } from '../../scripts/signing/ed25519-crosscheck.js';
import { tempDir } from '../profile/helpers.js';
import { RFC8032 } from './rfc8032.js';
import { lockedMake } from '../support/locked-make.js';

const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'hex'));
const KEY = { seed: hex(RFC8032[0].seed), publicKey: hex(RFC8032[0].publicKey) };
const OTHER = { seed: hex(RFC8032[1].seed), publicKey: hex(RFC8032[1].publicKey) };
const MODULE = new Uint8Array(Buffer.concat([wat2wasm('(module (func (export "main") (result i32) (i32.const 7)))'), encodeCustomSection('producers', Uint8Array.of(0))]));

beforeAll(() => {
  lockedMake(resolve(packageRoot(), 'native', 'sig'));
});

function checkModule(module: Uint8Array, publicKey = KEY.publicKey): { status: number; offset: number } {
  const dir = tempDir();
  writeFileSync(join(dir, 'key.pub'), encodePublicKey(publicKey));
  writeFileSync(join(dir, 'm.wasm'), module);
  const run = spawnSync(SIG_CHECK, ['module', join(dir, 'key.pub'), join(dir, 'm.wasm')], { encoding: 'utf8' });
  const match = /^status=(\d+) offset=(\d+)$/m.exec(run.stdout);
  if (match === null) throw new Error(`wrt_sig_check printed ${run.stdout} ${run.stderr}`);
  return { status: Number(match[1]), offset: Number(match[2]) };
}

describe('device Ed25519 (libsodium ref10) against RFC 8032 and Node', () => {
  it('verifies RFC 8032 tests 1-3 and refuses each with one bit flipped in R, S, the message or the key', () => {
    const cases = RFC8032.flatMap((v) => {
      const good = { publicKey: hex(v.publicKey), message: hex(v.message), signature: hex(v.signature) };
      const flipped = (b: Uint8Array, at: number): Uint8Array => Uint8Array.from(b, (x, i) => (i === at ? x ^ 1 : x));
      return [
        good,
        { ...good, signature: flipped(good.signature, 3) },
        { ...good, signature: flipped(good.signature, 40) },
        { ...good, message: good.message.length === 0 ? Uint8Array.of(0) : flipped(good.message, 0) },
        { ...good, publicKey: flipped(good.publicKey, 5) },
      ];
    });
    expect(deviceVerifies(cases.map((c) => ({ mutation: 'valid', ...c })))).toEqual(RFC8032.flatMap(() => [true, false, false, false, false]));
  });

  it('agrees with Node on 4,000 seeded cases, each kind of breakage refused by both', () => {
    const result = crossCheck(18, 4000);
    expect(result.disagreements).toEqual([]);
    expect(result.verified).toBe(500);
    for (const m of MUTATIONS.filter((name) => name !== 'valid')) expect(result.byMutation[m]).toEqual({ cases: 500, refused: 500 });
  });
});

describe('device check of a signed module (wrt_sig_verify_module)', () => {
  const signed = signModule(MODULE, KEY, 'm.wasm');
  const first = moduleSections(signed, 'm.wasm')[0]!;

  it('accepts what `sign` wrote, custom sections after the signature included', () => {
    expect(checkModule(signed)).toEqual({ status: 0, offset: 0 });
  });

  it('refuses an unsigned module, and a signature section that is not first (missing, 1)', () => {
    expect(checkModule(MODULE).status).toBe(1);
    const moved = Uint8Array.from(Buffer.concat([signed.subarray(0, WASM_HEADER_BYTES), signed.subarray(first.end), signed.subarray(first.start, first.end)]));
    expect(checkModule(moved).status).toBe(1);
  });

  it('refuses a byte changed after signing (changed, 4) at the end of the signature section', () => {
    const tampered = Uint8Array.from(signed);
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 0xff;
    expect(checkModule(tampered)).toEqual({ status: 4, offset: first.end });
  });

  it('refuses a module signed with another key (not by key, 3)', () => {
    expect(checkModule(signModule(MODULE, OTHER, 'm.wasm')).status).toBe(3);
  });

  it('refuses a malformed signature section naming the byte (malformed, 2)', () => {
    const bad = Uint8Array.from(signed);
    const versionAt = first.payloadStart;
    bad[versionAt] = 2;
    expect(checkModule(bad)).toEqual({ status: 2, offset: versionAt });
  });
});
