/**
 * deploy with signatures and start-function fuel on qemu-mps2-an386 (issue 18): firmware built
 * holding a signing key (--signing-key) loads only modules signed by it and refuses the others
 * with the device's reason; `--fuel` bounds a start function that never returns, with no profile.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { WrtError } from '../../ts/core/errors.js';
import { deploy } from '../../ts/deploy/deploy.js';
import { liveQemuPids, type QemuInstance } from '../../ts/deploy/qemu.js';
import { encodePublicKey } from '../../ts/signing/format.js';
import { signModule } from '../../ts/signing/sign.js';
import { readSigningKey, type SigningKey } from '../../ts/signing/signing-key.js';
import { encodeCustomSection } from '../../ts/wasm/sections.js';
import { tempDir } from '../profile/helpers.js';
import { RFC8032 } from '../signing/rfc8032.js';
import { watFixture } from '../run/helpers.js';
import { gatherSinks, watModule } from './deploy-helpers.js';
import { waitUntilGone } from './processes.js';

let key: SigningKey;
let unsigned = '';
let signed = '';
let tampered = '';

beforeAll(() => {
  const dir = tempDir();
  // A fixed key: the firmware holding it is built once per machine (build/firmware-key-…), not per run.
  const pair = { seed: Buffer.from(RFC8032[0].seed, 'hex'), publicKey: Buffer.from(RFC8032[0].publicKey, 'hex') };
  writeFileSync(join(dir, 'release.pub'), encodePublicKey(pair.publicKey));
  key = readSigningKey('release.pub', dir);
  unsigned = watModule('deploy-add');
  const bytes = signModule(readFileSync(unsigned), pair, unsigned);
  signed = join(dir, 'add.signed.wasm');
  writeFileSync(signed, bytes);
  tampered = join(dir, 'add.tampered.wasm');
  writeFileSync(tampered, Buffer.concat([bytes, encodeCustomSection('added', Uint8Array.of(1))]));
});

async function deployed(file: string, options: Parameters<typeof deploy>[1]): Promise<unknown> {
  let qemu: QemuInstance | undefined;
  const outcome = await deploy(file, { target: 'qemu-mps2-an386', ...options }, gatherSinks(), { onQemu: (q) => (qemu = q), handleSigint: false }).catch((e: unknown) => e);
  if (qemu !== undefined) {
    expect(await waitUntilGone(qemu.pid, 3000)).toBe(true);
    expect(liveQemuPids()).not.toContain(qemu.pid);
  }
  return outcome;
}

describe('deploy --signing-key: the firmware holds the key and verifies each upload', () => {
  it('runs the signed module and refuses unsigned and changed ones on the device', async () => {
    const ran = await deployed(signed, { invoke: 'add', args: ['2', '40'], profile: 'none', signingKey: key });
    expect(ran).toMatchObject({ kind: 'ran', outcome: { kind: 'returned', results: [{ type: 'i32', value: 42 }] } });
    const missing = await deployed(unsigned, { invoke: 'add', args: ['2', '40'], profile: 'none', signingKey: key });
    expect(missing).toBeInstanceOf(WrtError);
    expect(missing).toMatchObject({ code: 'SIGNATURE_MISSING', device: { detail: 65, limit: 1 } });
    const changed = await deployed(tampered, { invoke: 'add', args: ['2', '40'], profile: 'none', signingKey: key });
    expect(changed).toMatchObject({ code: 'SIGNATURE_INVALID', device: { detail: 65, limit: 4 } });
  }, 300_000);

  it('refuses an unsigned module at ASIL C before QEMU starts', async () => {
    let started = false;
    const error = await deploy(unsigned, { target: 'qemu-mps2-an386', invoke: 'add', args: ['2', '40'], asil: { level: 'C', source: 'test' }, fuel: 100n, signingKey: key }, gatherSinks(), {
      onQemu: () => (started = true),
      handleSigint: false,
    }).catch((e: unknown) => e);
    expect(started).toBe(false);
    expect(error).toMatchObject({ code: 'SIGNATURE_MISSING' });
  }, 60_000);
});

describe('deploy --fuel bounds the start function without a profile', () => {
  it('traps "fuel exhausted" at load instead of hanging the upload', async () => {
    const error = await deployed(watFixture('start-forever'), { invoke: 'f', profile: 'none', fuel: 1000n });
    expect(error).toMatchObject({ code: 'WASM_TRAPPED', message: 'the module trapped while the device loaded it, in its start function (function 0): fuel exhausted' });
  }, 120_000);
});
