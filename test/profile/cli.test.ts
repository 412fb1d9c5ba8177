import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { packageRoot } from '../../ts/core/paths.js';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../ts/core/error-codes.js';
import { runProfile } from '../../ts/cli/commands/profile.js';
import { main } from '../../ts/cli/main.js';
import { BufferedOutput } from '../../ts/core/output.js';
import { decodeProfile } from '../../ts/profile/binary.js';
import { findProfileSection, moduleSha256 } from '../../ts/profile/section.js';
import { HEAP_BASE_MODULE, RECURSIVE_MODULE, context, moduleFile, recordedCfi, publicKeyFile, SIGNING_PUBLIC_KEY } from './helpers.js';

/** HEAP_BASE_MODULE imports env.log, which no target offers: a natives file adds it (profile --natives). */
function withLogNative(dir: string): string {
  writeFileSync(join(dir, 'log.c'), 'WRT_NATIVE_APP_TABLE(WRT_NATIVE("env", "log", "i:", 1u, log))\n');
  return 'log.c';
}

describe('wrt-target profile', () => {
  it('writes JSON, binary and embedded forms that agree, byte-identical across runs', async () => {
    const m = moduleFile(HEAP_BASE_MODULE);
    const { ctx } = context(m.dir);
    const base = { target: 'qemu-lm3s6965evb', asil: 'B', fuel: '5000', natives: withLogNative(m.dir) };
    expect(await runProfile(m.file, { ...base, out: 'p.json' }, ctx)).toBe(ExitCode.Ok);
    expect(await runProfile(m.file, { ...base, out: 'p.wrtp' }, ctx)).toBe(ExitCode.Ok);
    expect(await runProfile(m.file, { ...base, out: 'again.wrtp' }, ctx)).toBe(ExitCode.Ok);
    expect(await runProfile(m.file, { ...base, out: 'app.wasm' }, ctx)).toBe(ExitCode.Ok);
    const json = JSON.parse(readFileSync(join(m.dir, 'p.json'), 'utf8')) as { schema: string; profileSha256: string; moduleSha256: string; target: { id: string } };
    const binary = new Uint8Array(readFileSync(join(m.dir, 'p.wrtp')));
    expect(Buffer.from(binary).equals(readFileSync(join(m.dir, 'again.wrtp')))).toBe(true);
    expect(Object.entries(json).slice(0, 2)).toEqual([['schema', 'wrt-target/profile'], ['schemaVersion', 1]]);
    expect(json.target.id).toBe('qemu-lm3s6965evb');
    expect(decodeProfile(binary).profileSha256).toBe(json.profileSha256);
    const embedded = new Uint8Array(readFileSync(join(m.dir, 'app.wasm')));
    expect(Buffer.from(findProfileSection(embedded) ?? []).equals(Buffer.from(binary))).toBe(true);
    expect(moduleSha256(embedded)).toBe(json.moduleSha256);
    // Profiling the embedded module again gives the same profile: the section is not part of the hash.
    expect(await runProfile(join(m.dir, 'app.wasm'), { ...base, out: 'p2.wrtp' }, ctx)).toBe(ExitCode.Ok);
    expect(Buffer.from(binary).equals(readFileSync(join(m.dir, 'p2.wrtp')))).toBe(true);
  });

  it('--explain names the rule and the limit of each number', async () => {
    const m = moduleFile(HEAP_BASE_MODULE);
    const { ctx, output } = context(m.dir);
    expect(await runProfile(m.file, { target: 'qemu-lm3s6965evb', asil: 'A', fuel: '5000', debug: 'basic', explain: true, natives: withLogNative(m.dir) }, ctx)).toBe(ExitCode.Ok);
    const text = output.text;
    expect(text).toContain('memory = 2048 bytes (1 pages declared)');
    expect(text).toContain('from: cli --fuel');
    expect(text).toContain('from: cli --asil');
    expect(text).toMatch(/debug level = basic\n\s+rule: .*\n\s+from: cli --debug-level/);
    // Wrapped within 80 columns, every word kept.
    expect(text.split('\n').filter((line) => line.length > 80)).toEqual([]);
    expect(text.replace(/\n\s+/g, ' ')).toContain('target qemu-lm3s6965evb: memory.ram[sram].bytes - memory.firmwareReservedRamBytes');
    expect(text).toMatch(/^profile for module sha256 [0-9a-f]{16}… on target qemu-lm3s6965evb/);
  });

  it('--verbose prints both SHA-256 in full', async () => {
    const m = moduleFile(HEAP_BASE_MODULE);
    const { ctx, output } = context(m.dir);
    expect(await runProfile(m.file, { target: 'qemu-lm3s6965evb', asil: 'A', fuel: '5000', verbose: true, natives: withLogNative(m.dir) }, ctx)).toBe(ExitCode.Ok);
    expect(output.text).toMatch(/^profile for module sha256 [0-9a-f]{64} on target/);
    expect(output.text).toMatch(/\n {2}profile sha256 {2}[0-9a-f]{64}$/m);
  });

  it('exits 1 naming each budget not met and where its limit came from', async () => {
    const m = moduleFile(RECURSIVE_MODULE);
    const { ctx, output } = context(m.dir);
    const code = await runProfile(m.file, { target: 'native-sim', asil: 'C' }, ctx, recordedCfi({ shstk: 'no' }));
    const key = publicKeyFile(m.dir);
    expect(code).toBe(ExitCode.CheckFailed);
    const text = output.stderr.join('\n');
    expect(text).toContain('call depth: needs unbounded (recursion: function 0 -> function 0)');
    expect(text).toContain('fuel: needs a bound on executed instructions per invocation; target gives ASIL C requires one (--fuel N)');
    expect(text).toContain('limit from: recorded cfi-report (test) [CFI_REQUIREMENT_UNMET]');
    expect(text).toContain('signature: needs a module signed by a named key: sign it (wrt-target sign) and name the key with --signing-key KEY.pub; target gives no key named');
    const ok = await runProfile(m.file, { target: 'native-sim', asil: 'C', fuel: '1000', callDepth: '32', signingKey: key }, ctx, recordedCfi({ shstk: 'yes', pac: 'yes' }));
    expect(ok).toBe(ExitCode.Ok);
  });

  it('parses its flags through the real command line (main), --asil and --debug included', async () => {
    const m = moduleFile(HEAP_BASE_MODULE);
    const out = new BufferedOutput();
    publicKeyFile(m.dir);
    const argv = ['node', 'wrt-target', 'profile', m.file, '--natives', withLogNative(m.dir), '--target', 'qemu-lm3s6965evb', '--asil', 'C', '--signing-key', 'release.pub', '--debug', 'basic', '--fuel', '5000', '--host-calls', 'env.log=4', '--host-policy', 'env.log=deny', '--json'];
    expect(await main(argv, { output: out, env: {}, cwd: m.dir })).toBe(0);
    const json = JSON.parse(out.stdout.join('\n')) as { asil: string; debug: string; fuel: number; imports: unknown[]; signature: unknown };
    expect([json.asil, json.debug, json.fuel]).toEqual(['C', 'basic', 5000]);
    expect(json.signature).toEqual({ keyName: 'release', publicKey: SIGNING_PUBLIC_KEY });
    expect(json.imports).toEqual([{ module: 'env', name: 'log', budget: 4, policy: 'deny' }]);
    const failed = new BufferedOutput();
    expect(await main(argv.slice(0, -7), { output: failed, env: {}, cwd: m.dir })).toBe(1);
    expect(failed.stderr.join('\n')).toContain('fuel: needs a bound on executed instructions per invocation');
  });

  it('profiles for a QNX box from recorded pidin output; at C its unknown CFI is a refusal naming the source', async () => {
    const m = moduleFile(HEAP_BASE_MODULE);
    const { ctx, output } = context(m.dir);
    const pidin = resolve(packageRoot(), 'test/fixtures/qnx/pidin-asinfo-qnx8-aarch64.txt');
    expect(await runProfile(m.file, { pidin, asil: 'B', fuel: '100', json: true }, ctx)).toBe(ExitCode.Ok);
    const json = JSON.parse(output.stdout.join('\n')) as { target: { id: string }; memory: { bytes: number } };
    expect(json.target.id).toBe('qnx');
    expect(json.memory.bytes).toBe(65536);
    expect(await runProfile(m.file, { pidin, asil: 'C', fuel: '100' }, ctx)).toBe(ExitCode.CheckFailed);
    const refusal = output.stderr.join('\n');
    expect(refusal).toContain('hardware CFI pac: needs pointer authentication (PAC) enforced for the process; target gives not established (unknown)');
    expect(refusal).toContain('limit from: QNX SYSPAGE:');
  });

  it('refuses a module importing what the target does not offer, and takes it with --natives', async () => {
    const m = moduleFile(HEAP_BASE_MODULE);
    const { ctx } = context(m.dir);
    await expect(runProfile(m.file, { target: 'qemu-lm3s6965evb', asil: 'A', fuel: '5000' }, ctx)).rejects.toMatchObject({
      code: 'WASM_LINK_FAILED',
      message: expect.stringContaining('env.log (i32) -> (): not offered') as unknown,
    });
    expect(await runProfile(m.file, { target: 'qemu-lm3s6965evb', asil: 'A', fuel: '5000', natives: withLogNative(m.dir) }, ctx)).toBe(ExitCode.Ok);
  });

  it('refuses a format that needs a file without -o', async () => {
    const m = moduleFile(HEAP_BASE_MODULE);
    const { ctx } = context(m.dir);
    await expect(runProfile(m.file, { format: 'binary' }, ctx)).rejects.toMatchObject({ code: 'USAGE' });
  });
});
