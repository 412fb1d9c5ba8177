/**
 * What the device's signature check costs on qemu-mps2-an386 (docs/signing.md): the interpreter
 * firmware built holding a key (WRT_SIGNING_KEY) under QEMU `-icount shift=0,align=off,sleep=off`,
 * where guest time advances 1 ns per executed guest instruction. The firmware times every check
 * with its monotonic clock (SysTick, one count per CPU cycle: 40 instructions at 25 MHz) and sums it
 * in STATS engine.signature_ns over engine.signature_checks; the same signed module uploaded again
 * and again (BEGIN reuses the committed bytes, END verifies and loads anew) gives instructions per
 * check: SHA-256 of the module after its signature section, and one Ed25519 verification
 * (libsodium ref10). Beside it, the flash of the image.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WrtError } from '../../ts/core/errors.js';
import { renderTable } from '../../ts/core/output.js';
import { packageRoot } from '../../ts/core/paths.js';
import { ensureFirmware, firmwareBoardOf } from '../../ts/deploy/firmware.js';
import { launchQemu } from '../../ts/deploy/qemu.js';
import { ProtocolClient } from '../../ts/device/client.js';
import { publicKeyOfSeed, signModule } from '../../ts/signing/sign.js';
import { loadTarget } from '../../ts/targets/index.js';
import { parseSizeB, tool } from './board.js';

const TARGET = 'qemu-mps2-an386';
const UPLOADS = 16;

/** Guest instructions per signature check of each module (icount: 1 guest ns = 1 instruction). */
async function instructionsPerCheck(elf: string, modules: readonly Uint8Array[]): Promise<number[]> {
  const qemu = await launchQemu(loadTarget(TARGET), { elf, icount: true, paused: true });
  const client = new ProtocolClient(qemu.transport, { helloTimeoutMs: 15_000, requestTimeoutMs: 600_000, maxResends: 0 });
  try {
    await qemu.resume();
    await client.hello();
    const result: number[] = [];
    for (const module of modules) {
      const before = await client.stats();
      for (let i = 0; i < UPLOADS; i++) await client.transfer(module);
      const after = await client.stats();
      const delta = (name: string): number => Number((after.get(name) ?? 0n) - (before.get(name) ?? 0n));
      if (delta('engine.signature_checks') !== UPLOADS) {
        throw new WrtError('INTERNAL', `${UPLOADS} uploads made ${delta('engine.signature_checks')} signature checks: is the key in ${elf}?`);
      }
      result.push(delta('engine.signature_ns') / UPLOADS);
    }
    return result;
  } finally {
    client.close();
    await qemu.stop();
  }
}

export async function bench(log: (line: string) => void): Promise<void> {
  const seed = createHash('sha256').update('wrt-target signature bench').digest();
  const pair = { seed, publicKey: publicKeyOfSeed(seed) };
  const files = ['examples/add.wasm', 'examples/hello.wasm'];
  const modules = files.map((file) => signModule(readFileSync(join(packageRoot(), file)), pair, file));
  const def = loadTarget(TARGET);
  const elf = await ensureFirmware(TARGET, firmwareBoardOf(TARGET) ?? 'mps2-an386', process.env, undefined, { signingKey: pair.publicKey });
  const size = parseSizeB(tool('arm-none-eabi-size', ['-B', elf], 'binutils-arm-none-eabi'));
  const counts = await instructionsPerCheck(elf, modules);
  const clockHz = def.cpu.clockHz ?? 25_000_000;
  log(`signature: ${TARGET} under QEMU -icount (1 guest instruction = 1 ns), mean of ${UPLOADS} checks per module (STATS engine.signature_ns)`);
  // The baseline: the same firmware built without a key links no Ed25519 code at all.
  const plain = parseSizeB(tool('arm-none-eabi-size', ['-B', await ensureFirmware(TARGET, firmwareBoardOf(TARGET) ?? 'mps2-an386', process.env, undefined, {})], 'binutils-arm-none-eabi'));
  const withKey = size.text + size.data;
  const without = plain.text + plain.data;
  log(`  firmware with a key: text ${size.text} B, data ${size.data} B (flash ${withKey} B); without one (baseline): flash ${without} B; the check costs ${withKey - without} B`);
  const rows = files.map((file, i) => {
    const instructions = counts[i] ?? 0;
    return [file, `${modules[i]?.length ?? 0}`, instructions.toFixed(0), `${((instructions / clockHz) * 1000).toFixed(1)} ms`];
  });
  for (const line of renderTable(['signed module', 'bytes', 'guest instr / check', `at ${clockHz / 1e6} MHz, 1 instr/cycle`], rows).split('\n')) log(`  ${line}`);
}
