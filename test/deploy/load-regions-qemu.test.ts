/**
 * The code region a profile reserves for a Cortex-M board is what the firmware's interpreter
 * takes, byte for byte: measured on the host in a 32-bit device's code form (native-sim --measure
 * --narrow), reported by the firmware on qemu-mps2-an386 in STATS. Meta is measured with 64-bit
 * records, an upper bound of the board's. The module is the wasi-libc printf program under the
 * arena of a 192 KB board (RAM minus the nucleo-f429zi firmware reserve), where it runs.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../ts/core/paths.js';
import { ensureFirmware, firmwareBoardOf } from '../../ts/deploy/firmware.js';
import { launchQemu, type QemuInstance } from '../../ts/deploy/qemu.js';
import { isDeviceError } from '../../ts/device/device-errors.js';
import { ProtocolClient } from '../../ts/device/client.js';
import { encodeProfile } from '../../ts/profile/binary.js';
import { gatherProfile } from '../../ts/profile/gather.js';
import type { Profile } from '../../ts/profile/types.js';
import { loadTarget, targetLimits } from '../../ts/targets/index.js';
import { uploadForm } from '../../ts/wasm/upload-form.js';
import { tempDir } from '../profile/helpers.js';

const TARGET = 'qemu-mps2-an386';
let qemu: QemuInstance;
let client: ProtocolClient;
let module: Uint8Array;
let profile: Profile;
let nucleoArena = 0;

beforeAll(async () => {
  const nucleo = loadTarget('nucleo-f429zi');
  nucleoArena = targetLimits(nucleo).moduleMemoryBytes.value;
  const dir = tempDir();
  const file = join(dir, 'hello.wasm');
  execFileSync('clang', ['--target=wasm32-wasi', '-O2', '-Wl,-z,stack-size=16384', '-o', file, join(packageRoot(), 'hil', 'suites', 'wasi', 'hello.c')]);
  module = new Uint8Array(readFileSync(file));
  const gathered = await gatherProfile({ file, target: TARGET, overrides: {}, options: {}, env: { WRT_MAX_MEMORY: String(nucleoArena) }, cwd: dir });
  if (!gathered.result.ok) throw new Error(gathered.result.errors.map((e) => `${e.budget}: ${e.needs}`).join('; '));
  profile = gathered.result.profile;
  qemu = await launchQemu(loadTarget(TARGET), { elf: await ensureFirmware(TARGET, firmwareBoardOf(TARGET) ?? 'mps2-an386') });
  client = new ProtocolClient(qemu.transport, { helloTimeoutMs: 15_000, requestTimeoutMs: 10_000 });
  await client.hello();
}, 180_000);

afterAll(async () => {
  client?.close();
  await qemu?.stop();
});

function region(name: string): number {
  return profile.arena.regions.find((r) => r.name === name)?.bytes ?? -1;
}

describe('code and meta on the Cortex-M firmware (qemu-mps2-an386)', () => {
  it('the profile fits the 192 KB board and the firmware reports its code figure byte for byte', async () => {
    expect(profile.arena.totalBytes).toBeLessThanOrEqual(nucleoArena);
    await client.transfer(uploadForm(module, profile.debug).bytes, { profile: encodeProfile(profile).bytes });
    const stats = await client.stats();
    expect(stats.get('engine.profiled')).toBe(1n);
    expect(stats.get('engine.runtime_bytes')).toBe(BigInt(profile.arena.totalBytes));
    expect(stats.get('engine.code_used')).toBe(BigInt(region('code')));
    const meta = Number(stats.get('engine.meta_used') ?? 0n);
    expect(meta).toBeGreaterThan(0);
    expect(meta).toBeLessThanOrEqual(region('meta'));
  }, 60_000);

  it('one byte less in the code region: the firmware refuses the load naming the region', async () => {
    const code = region('code');
    const short = encodeProfile({ ...profile, arena: { ...profile.arena, regions: profile.arena.regions.map((r) => (r.name === 'code' ? { ...r, bytes: code - 1 } : r)) } }).bytes;
    const error = await client.transfer(uploadForm(module, profile.debug).bytes, { profile: short }).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!isDeviceError(error)) throw new Error(`expected a device refusal, got ${String(error)}`);
    expect(error.device.message).toContain('arena region exhausted (region code:');
    expect(error.device.message).toContain(`has ${code - 1}; the profile's layout)`);
  }, 60_000);
});
