/**
 * EEMBC CoreMark, a real C program the project did not write, on a 192 KB board: the profile for
 * nucleo-f429zi (its firmware in CCM, the arena all of SRAM) accepts it before any upload, and the
 * same program runs on the emulated Cortex-M4F (qemu-mps2-an386) in an arena no larger than the
 * nucleo's, producing CoreMark's own self-check CRCs. No board of ours emulates the nucleo itself
 * (QEMU 7.2 has no STM32F429), so the arena budget is carried over with WRT_MAX_MEMORY.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../ts/cli/main.js';
import { BufferedOutput } from '../../ts/core/output.js';
import { packageRoot } from '../../ts/core/paths.js';
import { gatherProfile } from '../../ts/profile/gather.js';
import { loadTarget, targetLimits } from '../../ts/targets/index.js';
import { uploadForm } from '../../ts/wasm/upload-form.js';
import { tempDir } from '../profile/helpers.js';

const peers = process.env['WRT_PEERS_DIR'] ?? resolve(packageRoot(), '..', 'shared', 'peers');
const coremark = join(peers, 'coremark');
const haveCoremark = existsSync(join(coremark, 'core_main.c'));

/** CoreMark's known CRCs of the 2K performance run (seeds 0, 0, 0x66): core_main.c's tables, index 3. */
const KNOWN = { seedcrc: '0xe9f5', crclist: '0xe714', crcmatrix: '0x1fd7', crcstate: '0x8e3a' };

function buildCoremark(dir: string): string {
  const out = join(dir, 'coremark.wasm');
  const core = ['core_list_join.c', 'core_main.c', 'core_matrix.c', 'core_state.c', 'core_util.c'].map((f) => join(coremark, f));
  execFileSync('clang', [
    '--target=wasm32-wasi',
    '-O2',
    '-Wl,-z,stack-size=16384',
    `-I${coremark}`,
    `-I${join(coremark, 'posix')}`,
    '-DFLAGS_STR="-O2"',
    '-DPERFORMANCE_RUN=1',
    '-o',
    out,
    ...core,
    join(coremark, 'posix', 'core_portme.c'),
  ]);
  return out;
}

describe.skipIf(!haveCoremark)('CoreMark within a 192 KB board', () => {
  it('fits nucleo-f429zi by its profile, and runs validated on a Cortex-M4F in an arena that size', async () => {
    const dir = tempDir();
    const file = buildCoremark(dir);
    const nucleo = loadTarget('nucleo-f429zi');
    const budget = targetLimits(nucleo).moduleMemoryBytes.value;
    // The whole SRAM: the firmware's RAM is in the CCM region.
    expect(budget).toBe(196_608);
    expect(uploadForm(readFileSync(file), 'none').bytes.length).toBeLessThanOrEqual(nucleo.firmware?.uploadBufferBytes ?? 0);
    const gathered = await gatherProfile({ file, target: 'nucleo-f429zi', overrides: {}, options: {}, env: {}, cwd: dir });
    if (!gathered.result.ok) throw new Error(gathered.result.errors.map((e) => `${e.budget}: ${e.needs}`).join('; '));
    expect(gathered.result.profile.arena.totalBytes).toBeLessThanOrEqual(budget);

    const out = new BufferedOutput();
    // posix port, SEED_ARG: seeds 0 0 0x66 and 10 iterations (a short run: the CRCs, not the score).
    const code = await main(['node', 'wrt-target', 'deploy', file, '--target', 'qemu-mps2-an386', '0', '0', '0x66', '10'], {
      output: out,
      env: { ...process.env, WRT_MAX_MEMORY: String(budget) },
    });
    const text = out.stdout.join('\n');
    const value = (name: string): string | undefined => new RegExp(`${name.replace(/[[\]]/g, '\\$&')}\\s*:\\s*(0x[0-9a-f]+)`).exec(text)?.[1];
    expect({
      seedcrc: value('seedcrc'),
      crclist: value('[0]crclist'),
      crcmatrix: value('[0]crcmatrix'),
      crcstate: value('[0]crcstate'),
    }).toEqual(KNOWN);
    expect(text).toMatch(/^Iterations\s*: 10$/m);
    expect(text).not.toMatch(/ERROR! (list|matrix|state) crc/);
    expect(code).toBe(0);
  }, 180_000);
});
