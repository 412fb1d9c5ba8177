/**
 * Signed modules on native-sim (docs/signing.md): a profile that requires a signature is checked on
 * the host before upload, and native-sim started with a key (`run --signing-key`, or the key a
 * profile requires) verifies every module before it loads it, refusing an unsigned, tampered or
 * foreign one with LOAD_FAILED code 65 and the reason.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../ts/cli/main.js';
import { BufferedOutput } from '../../ts/core/output.js';
import { encodeCustomSection } from '../../ts/wasm/sections.js';
import { tempDir } from '../profile/helpers.js';
import { buildRealNativeSim, watFixture } from './helpers.js';

let sim = '';
let dir = '';
let signed = '';
let foreign = '';
let tampered = '';
let unsigned = '';

async function wrt(args: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  const out = new BufferedOutput();
  const code = await main(['node', 'wrt-target', ...args], { output: out, env: { ...process.env, WRT_NATIVE_SIM: sim, WRT_ASIL_LEVEL: '' }, cwd: dir });
  return { code, out: out.stdout.join('\n'), err: out.stderr.join('\n') };
}

beforeAll(async () => {
  sim = buildRealNativeSim();
  dir = tempDir();
  unsigned = watFixture('add');
  for (const key of ['release.key', 'other.key']) expect((await wrt(['keygen', '--out', key])).code).toBe(0);
  expect((await wrt(['sign', unsigned, '--key', 'release.key', '--out', 'add.signed.wasm'])).code).toBe(0);
  expect((await wrt(['sign', unsigned, '--key', 'other.key', '--out', 'add.other.wasm'])).code).toBe(0);
  signed = path.join(dir, 'add.signed.wasm');
  foreign = path.join(dir, 'add.other.wasm');
  // A custom section added after signing: still a valid module, no longer the signed bytes.
  tampered = path.join(dir, 'add.tampered.wasm');
  fs.writeFileSync(tampered, Buffer.concat([fs.readFileSync(signed), encodeCustomSection('added', Uint8Array.of(1))]));
}, 120_000);

describe('run with a profile that requires a signature (--signing-key): checked on the host before upload', () => {
  it('runs a module signed by the named key; the profile names the key', async () => {
    const ran = await wrt(['run', signed, '--invoke', 'add', '2', '3', '--asil', 'B', '--fuel', '1000', '--signing-key', 'release.key.pub', '--json']);
    expect(ran.code).toBe(0);
    const report = JSON.parse(ran.out) as { results: unknown[]; profile: { asil: string } };
    expect([report.results, report.profile.asil]).toEqual([['i32:5'], 'B']);
  });

  it('refuses an unsigned, a foreign and a tampered module before any device is asked', async () => {
    const refusals = await Promise.all(
      [unsigned, foreign, tampered].map((file) => wrt(['run', file, '--invoke', 'add', '2', '3', '--asil', 'B', '--fuel', '1000', '--signing-key', 'release.key.pub'])),
    );
    expect(refusals.map((r) => r.code)).toEqual([1, 1, 1]);
    for (const r of refusals) expect(r.err).not.toContain('device refused');
    expect(refusals[0]?.err).toContain('error[SIGNATURE_MISSING]');
    expect(refusals[1]?.err).toContain('no signature in the module verifies with the public key release.key');
    expect(refusals[2]?.err).toMatch(/the module changed after it was signed: SHA-256 [0-9a-f]{64} of its sections is not a hash the key signed/);
  });

  it('at ASIL C refuses a run that names no key, before upload', async () => {
    const refused = await wrt(['run', unsigned, '--invoke', 'add', '2', '3', '--asil', 'C', '--fuel', '1000']);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('signature: needs a module signed by a named key');
    expect(refused.err).toContain('[SIGNING_KEY_REQUIRED]');
  });
});

describe('native-sim holding a key verifies every upload on the device', () => {
  const device = (file: string, key = 'release.key.pub'): Promise<{ code: number; out: string; err: string }> =>
    wrt(['run', file, '--invoke', 'add', '2', '3', '--profile', 'none', '--signing-key', key]);

  it('loads the signed module, the signature section and all after it uploaded', async () => {
    expect(await device(signed)).toMatchObject({ code: 0, out: 'i32:5' });
  });

  it('refuses unsigned, foreign and tampered modules with LOAD_FAILED 65 and the reason', async () => {
    const [noSignature, otherKey, changed] = await Promise.all([device(unsigned), device(foreign), device(tampered)]);
    expect(noSignature.code).toBe(1);
    expect(noSignature.err).toContain('error[SIGNATURE_MISSING]');
    expect(noSignature.err).toContain('LOAD_FAILED (15): signature: the module is not signed');
    expect(noSignature.err).toContain('(reason missing)');
    expect(otherKey.err).toContain('error[SIGNATURE_INVALID]');
    expect(otherKey.err).toContain("no signature in the module verifies with this device's key");
    expect(changed.err).toContain('signature: the module changed after it was signed');
    expect(changed.err).toContain('(reason changed)');
  });

  it('refuses a profile that requires another key than the one the device holds', async () => {
    const profileFile = path.join(dir, 'release.wrtp');
    const made = await wrt(['profile', signed, '--target', 'native-sim', '--asil', 'B', '--fuel', '1000', '--signing-key', 'release.key.pub', '-o', profileFile, '--format', 'binary']);
    expect(made.code).toBe(0);
    const refused = await wrt(['run', signed, '--invoke', 'add', '2', '3', '--profile', profileFile, '--signing-key', 'other.key.pub']);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('signature: the profile requires a signature by another key than the one this device holds');
    expect(refused.err).toContain('(reason other_key)');
    // Without --signing-key native-sim holds the key the profile requires.
    expect(await wrt(['run', signed, '--invoke', 'add', '2', '3', '--profile', profileFile])).toMatchObject({ code: 0, out: 'i32:5' });
  });
});
