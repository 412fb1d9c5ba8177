/**
 * Module signatures: Node's Ed25519 against RFC 8032, the signature section byte for byte as the
 * module-signatures format and wasmsign2 lay it out (written out here by hand, not with the
 * encoder), and keygen / sign / verify on the command line, with every way verification fails.
 */
import { createHash, createPrivateKey, sign as nodeSign } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../ts/cli/main.js';
import { BufferedOutput } from '../../ts/core/output.js';
import { decodeSignatureData } from '../../ts/signing/format.js';
import { ed25519Sign, ed25519Verify, publicKeyOfSeed, signModule, verifyModule } from '../../ts/signing/sign.js';
import { wat2wasm } from '../../ts/testsuite/wat.js';
import { moduleSections } from '../../ts/wasm/sections.js';
import { tempDir } from '../profile/helpers.js';
import { expectWrtError } from '../support/wrt-error.js';
import { RFC8032 } from './rfc8032.js';

const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'hex'));

const PAIR = { seed: hex(RFC8032[0]!.seed), publicKey: hex(RFC8032[0]!.publicKey) };
// A module with a custom section after the code: the signature covers custom sections too.
const MODULE = new Uint8Array(Buffer.concat([wat2wasm('(module (func (export "main") (result i32) (i32.const 7)))'), Buffer.from([0, 11, 9, ...Buffer.from('producers'), 0x78])]));

describe('Ed25519 (Node) against RFC 8032', () => {
  for (const [index, v] of RFC8032.entries()) {
    it(`test ${index + 1}: public key, signature, verification; a flipped bit fails`, () => {
      const pair = { seed: hex(v.seed), publicKey: hex(v.publicKey) };
      expect(Buffer.from(publicKeyOfSeed(pair.seed)).toString('hex')).toBe(v.publicKey);
      expect(Buffer.from(ed25519Sign(pair, hex(v.message))).toString('hex')).toBe(v.signature);
      expect(ed25519Verify(pair.publicKey, hex(v.message), hex(v.signature))).toBe(true);
      const bad = hex(v.signature);
      bad[10] = (bad[10] ?? 0) ^ 1;
      expect(ed25519Verify(pair.publicKey, hex(v.message), bad)).toBe(false);
    });
  }
});

describe('the signature section, as the module-signatures format lays it out', () => {
  it('comes first and holds version, content type, hash function and one length-prefixed signed hash set', () => {
    const signed = signModule(MODULE, PAIR, 'm.wasm');
    const [first, ...rest] = moduleSections(signed);
    expect(first?.customName).toBe('signature');
    expect(Buffer.from(signed.subarray(first!.end)).equals(Buffer.from(MODULE.subarray(8)))).toBe(true);
    expect(rest.map((s) => s.customName)).toEqual(moduleSections(MODULE).map((s) => s.customName));
    const hash = createHash('sha256').update(MODULE.subarray(8)).digest();
    const seedDer = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), PAIR.seed]);
    const message = Buffer.concat([Buffer.from('wasmsig'), Buffer.from([1, 1, 1]), hash]);
    const signature = nodeSign(null, message, createPrivateKey({ key: seedDer, format: 'der', type: 'pkcs8' }));
    // entry: key id length 0, algorithm 1 (Ed25519), 64-byte signature; set: 1 hash, 1 entry.
    const entry = Buffer.concat([Buffer.from([0, 1, 64]), signature]);
    const set = Buffer.concat([Buffer.from([1]), hash, Buffer.from([1, entry.length]), entry]);
    const payload = Buffer.concat([Buffer.from([1, 1, 1, 1, set.length]), set]);
    expect(Buffer.from(signed.subarray(first!.payloadStart, first!.end)).toString('hex')).toBe(payload.toString('hex'));
  });

  it('signing again replaces the signature; verifying checks every byte after it', () => {
    const twice = signModule(signModule(MODULE, PAIR, 'm.wasm'), PAIR, 'm.wasm');
    expect(moduleSections(twice).filter((s) => s.customName === 'signature')).toHaveLength(1);
    expect(verifyModule(twice, PAIR.publicKey, 'm.wasm', 'k.pub').sha256).toBe(createHash('sha256').update(MODULE.subarray(8)).digest('hex'));
  });

  it('refuses a malformed section naming the offset, and a signature section that is not first', () => {
    const signed = signModule(MODULE, PAIR, 'm.wasm');
    const first = moduleSections(signed)[0]!;
    const payload = signed.slice(first.payloadStart, first.end);
    expectWrtError(() => decodeSignatureData(payload.subarray(0, payload.length - 1), 'm.wasm'), 'SIGNATURE_INVALID', { field: 'signature section' });
    const wrongVersion = payload.slice();
    wrongVersion[0] = 2;
    expect(expectWrtError(() => decodeSignatureData(wrongVersion, 'm.wasm'), 'SIGNATURE_INVALID', { offset: 0 }).message).toBe('malformed signature section: specification version 2, this tool reads 1');
    const moved = Buffer.concat([MODULE, signed.subarray(first.start, first.end)]);
    expect(expectWrtError(() => verifyModule(moved, PAIR.publicKey, 'm.wasm', 'k.pub'), 'SIGNATURE_MISSING').message).toContain('not the first section');
  });
});

async function cli(args: readonly string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = new BufferedOutput();
  const code = await main(['node', 'wrt-target', ...args], { output, env: {}, cwd });
  return { code, stdout: output.stdout.join('\n'), stderr: output.stderr.join('\n') };
}

describe('keygen, sign and verify', () => {
  it('sign then verify succeeds; tampering, another key, no signature and a secret key as --key fail, each named', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'app.wasm'), MODULE);
    expect((await cli(['keygen', '--out', 'release.key'], dir)).code).toBe(0);
    expect([statSync(join(dir, 'release.key')).size, statSync(join(dir, 'release.key')).mode & 0o777, statSync(join(dir, 'release.key.pub')).size]).toEqual([65, 0o600, 33]);
    expect((await cli(['sign', 'app.wasm', '--key', 'release.key', '--out', 'app.signed.wasm'], dir)).code).toBe(0);
    const ok = await cli(['verify', 'app.signed.wasm', '--key', 'release.key.pub', '--json'], dir);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ schema: 'wrt-target/verify', verified: true, sha256: createHash('sha256').update(MODULE.subarray(8)).digest('hex') });

    const tampered = new Uint8Array(readFileSync(join(dir, 'app.signed.wasm')));
    tampered[tampered.length - 2] = (tampered[tampered.length - 2] ?? 0) ^ 0x01;
    writeFileSync(join(dir, 'tampered.wasm'), tampered);
    const changed = await cli(['verify', 'tampered.wasm', '--key', 'release.key.pub'], dir);
    expect(changed.code).toBe(1);
    expect(changed.stderr).toContain('error[SIGNATURE_INVALID]: tampered.wasm');
    expect(changed.stderr).toContain('the module changed after it was signed');

    expect((await cli(['keygen', '--out', 'other.key'], dir)).code).toBe(0);
    const other = await cli(['verify', 'app.signed.wasm', '--key', 'other.key.pub'], dir);
    expect([other.code, other.stderr]).toEqual([1, expect.stringContaining('no signature in the module verifies with the public key other.key.pub')]);

    const unsigned = await cli(['verify', 'app.wasm', '--key', 'release.key.pub'], dir);
    expect([unsigned.code, unsigned.stderr]).toEqual([1, expect.stringContaining('error[SIGNATURE_MISSING]: app.wasm')]);

    const secret = await cli(['verify', 'app.signed.wasm', '--key', 'release.key'], dir);
    expect([secret.code, secret.stderr]).toEqual([2, expect.stringContaining('error[KEY_INVALID]: release.key')]);

    const again = await cli(['keygen', '--out', 'release.key'], dir);
    expect([again.code, again.stderr]).toEqual([2, expect.stringContaining('it exists already')]);
  });
});
