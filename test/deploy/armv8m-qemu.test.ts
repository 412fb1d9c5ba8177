/**
 * The Armv8-M boards under QEMU: mps2-an505 (Cortex-M33) and mps3-an547 (Cortex-M55, firmware with
 * PAC and BTI). The hold-out check: a C kernel deployed to each gives what the same C source gives
 * natively; the firmware's CFI marks are read from its ELF and recorded, and ASIL C refuses an
 * image without them.
 */
import { readSigningKey } from '../../ts/signing/signing-key.js';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../ts/core/paths.js';
import { WrtError } from '../../ts/core/errors.js';
import { deploy } from '../../ts/deploy/deploy.js';
import { ensureFirmware } from '../../ts/deploy/firmware.js';
import { gatherSinks } from './deploy-helpers.js';

const scratch = mkdtempSync(path.join(tmpdir(), 'wrt-armv8m-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const CHECKSUM_C = path.join(packageRoot(), 'hil', 'suites', 'wasi', 'checksum.c');

/** checksum.c compiled for this host and run: its stdout and exit code are what every board must give. */
function nativeChecksum(): { stdout: string; exitCode: number } {
  const exe = path.join(scratch, 'checksum-native');
  execFileSync('cc', ['-O2', '-o', exe, CHECKSUM_C]);
  try {
    return { stdout: execFileSync(exe, { encoding: 'utf8' }), exitCode: 0 };
  } catch (error) {
    const failed = error as { status: number; stdout: string };
    return { stdout: failed.stdout, exitCode: failed.status };
  }
}

function checksumWasm(): string {
  const out = path.join(scratch, 'checksum.wasm');
  execFileSync('clang', ['--target=wasm32-wasi', '-O2', '-o', out, CHECKSUM_C]);
  return out;
}

describe('deploy to the Armv8-M QEMU boards', () => {
  const native = nativeChecksum();
  const wasm = checksumWasm();

  it.each([
    ['qemu-mps2-an505', 'unavailable'],
    ['qemu-mps3-an547', 'present'],
  ])('%s runs the C checksum kernel as the host does, and records its firmware CFI (%s)', async (target, marks) => {
    expect(native.exitCode).toBe(250);
    const sinks = gatherSinks();
    const report = await deploy(wasm, { target }, sinks, { handleSigint: false });
    if (report.kind !== 'ran') throw new Error('expected a run');
    expect({ stdout: sinks.stdoutText(), exitCode: report.exitCode }).toEqual(native);
    expect(report.device.deviceId).toBe(target);
    expect(report.firmwareCfi?.file).toBe(`build/firmware/${target.replace('qemu-', '')}/interp.elf`);
    expect([report.firmwareCfi?.pac.state, report.firmwareCfi?.bti.state]).toEqual([marks, marks]);
  }, 120_000);

  it('at ASIL C the PACBTI board refuses firmware without the marks, compiled or given profile, before QEMU starts', async () => {
    const unmarked = await ensureFirmware('qemu-mps2-an505', 'mps2-an505');
    // ASIL C requires a signed module too (docs/signing.md): the demonstration key's signed add.
    const add = path.join(packageRoot(), 'examples', 'add.signed.wasm');
    const keyFile = path.join(packageRoot(), 'examples', 'example.key.pub');
    let started = false;
    const refused = async (options: Parameters<typeof deploy>[1]): Promise<WrtError> => {
      const error = await deploy(add, options, gatherSinks(), { handleSigint: false, onQemu: () => (started = true) }).then(
        () => undefined,
        (e: unknown) => e,
      );
      if (!(error instanceof WrtError)) throw new Error(`expected a WrtError, got ${String(error)}`);
      return error;
    };
    const signingKey = readSigningKey(keyFile, packageRoot());
    const base = { target: 'qemu-mps3-an547', invoke: 'add', args: ['2', '3'], fuel: 1000n, asil: { level: 'C' as const, source: 'cli --asil' }, signingKey };
    const compiled = await refused({ ...base, firmware: unmarked });
    expect(compiled.code).toBe('CFI_REQUIREMENT_UNMET');
    expect(compiled.message).toContain('hardware CFI pac: needs return addresses signed (PAC) in the firmware of qemu-mps3-an547; target gives the firmware has no such marks');

    // A profile compiled at C against the marked image, then given with an image without marks.
    const profile = path.join(scratch, 'add-c.json');
    const { main } = await import('../../ts/cli/main.js');
    const { BufferedOutput } = await import('../../ts/core/output.js');
    const out = new BufferedOutput();
    expect(await main(['node', 'wrt-target', 'profile', add, '--target', 'qemu-mps3-an547', '--asil', 'C', '--fuel', '1000', '--signing-key', keyFile, '-o', profile], { output: out })).toBe(0);
    const given = await refused({ ...base, profile, firmware: unmarked });
    expect(given.code).toBe('CFI_REQUIREMENT_UNMET');
    expect(given.message).toMatch(/^the profile \(.*\) requires PAC \(signed return addresses\) in the firmware of qemu-mps3-an547, and .*mps2-an505\/interp\.elf has it unavailable: /);
    expect(started).toBe(false);
  }, 120_000);
});
