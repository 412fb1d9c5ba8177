/**
 * Host functions served over the wire, interception and logging on native-sim, through the real
 * command line (docs/host-calls.md): a JavaScript mock sensor feeds a module, a profile's policy
 * denies or traces an import, a budget stops it, and wrt:logging records reach the host.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../ts/cli/main.js';
import { BufferedOutput } from '../../ts/core/output.js';
import { wat2wasm } from '../../ts/testsuite/wat.js';
import { buildRealNativeSim } from './helpers.js';

/** Reads a sensor the device does not have (env.read_sensor), logs, and writes to stdout through WASI. */
const SENSOR_WAT = `(module
  (import "env" "read_sensor" (func $read (param i32) (result i32)))
  (import "wrt:logging" "log" (func $log (param i32 i32 i32 i32 i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "sensor")
  (data (i32.const 32) "reading taken")
  (data (i32.const 64) "hi\\n")
  (func (export "sample") (param $ch i32) (result i32)
    (local $v i32)
    (local.set $v (call $read (local.get $ch)))
    (call $log (i32.const 3) (i32.const 16) (i32.const 6) (i32.const 32) (i32.const 13))
    (i32.store (i32.const 80) (i32.const 64))
    (i32.store (i32.const 84) (i32.const 3))
    (drop (call $fd_write (i32.const 1) (i32.const 80) (i32.const 1) (i32.const 88)))
    (i32.add (local.get $v) (call $read (i32.add (local.get $ch) (i32.const 1)))))
  (func (export "bad_level") (call $log (i32.const 6) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0))))`;

let sim = '';
let dir = '';
let wasm = '';
let host = '';

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

beforeAll(() => {
  sim = buildRealNativeSim();
  dir = mkdtempSync(join(tmpdir(), 'wrt-host-calls-'));
  wasm = join(dir, 'sensor.wasm');
  writeFileSync(wasm, wat2wasm(SENSOR_WAT));
  host = file('sensor.mjs', "export default { 'env.read_sensor': ([channel]) => 100 + channel };\n");
});

async function cli(command: string, args: readonly string[]): Promise<{ code: number; out: BufferedOutput }> {
  const out = new BufferedOutput();
  const code = await main(['node', 'wrt-target', command, ...args], { output: out, env: { ...process.env, WRT_NATIVE_SIM: sim }, cwd: dir });
  return { code, out };
}

describe('run --host: imports served by JavaScript over the wire', () => {
  it('feeds the module from a mock sensor; --trace-host-calls prints each call like strace, logs with their level', async () => {
    const { code, out } = await cli('run', [wasm, '--invoke', 'sample', '5', '--host', host, '--trace-host-calls']);
    expect(out.stdout).toEqual(['hi\n', 'i32:211']);
    expect(out.stderr).toEqual([
      'env.read_sensor(5) = 105',
      '[warn] sensor: reading taken',
      'wrt:logging.log(3, 16, 6, 32, 13) = ()',
      'wasi_snapshot_preview1.fd_write(1, 80, 1, 88) = 0',
      'env.read_sensor(6) = 106',
    ]);
    expect(code).toBe(0);
  });

  it('puts host calls and log records in --json', async () => {
    const { code, out } = await cli('run', [wasm, '--invoke', 'sample', '1', '--host', host, '--trace-host-calls', '--json']);
    const json = JSON.parse(out.stdout.join('\n')) as { results: string[]; hostCalls: { line: string; args: string[]; trap: number }[]; logs: unknown[] };
    expect(json.results).toEqual(['i32:203']);
    expect(json.hostCalls.map((c) => c.line)).toEqual([
      'env.read_sensor(1) = 101',
      'wrt:logging.log(3, 16, 6, 32, 13) = ()',
      'wasi_snapshot_preview1.fd_write(1, 80, 1, 88) = 0',
      'env.read_sensor(2) = 102',
    ]);
    expect(json.hostCalls[0]).toMatchObject({ args: ['i32:1'], trap: 0 });
    expect(json.logs).toEqual([{ level: 'warn', context: 'sensor', message: 'reading taken' }]);
    expect(out.stderr).toEqual([]);
    expect(code).toBe(0);
  });

  it('without --host the import still fails at load, naming it and how to serve it', async () => {
    const { code, out } = await cli('run', [wasm, '--invoke', 'sample', '5']);
    expect(code).toBe(1);
    const text = out.stderr.join('\n');
    expect(text).toMatch(/error\[WASM_LINK_FAILED\].*an import native-sim does not offer:\n  import 0 at byte \d+: env\.read_sensor \(i32\) -> i32: not offered/);
    expect(text).toContain('a host function in JavaScript (run/deploy --host FILE.mjs, docs/host-calls.md) can add one');
  });

  it('a host function that throws or returns the wrong type fails the call: trap 15, and says why', async () => {
    const throwing = file('throwing.mjs', "export default { 'env.read_sensor': () => { throw new Error('sensor unplugged'); } };\n");
    const first = await cli('run', [wasm, '--invoke', 'sample', '5', '--host', throwing]);
    expect(first.code).toBe(1);
    expect(first.out.stderr).toContain(`wrt-target: host function env.read_sensor (${throwing}) failed: sensor unplugged`);
    expect(first.out.stderr.join('\n')).toContain('trap: host function failed (trap code 15)');
    const wrongType = file('wrong.mjs', "export default { 'env.read_sensor': () => 'hot' };\n");
    const second = await cli('run', [wasm, '--invoke', 'sample', '5', '--host', wrongType, '--json']);
    const json = JSON.parse(second.out.stdout.join('\n')) as { trap: { code: number }; hostErrors: string[] };
    expect(json.trap.code).toBe(15);
    expect(json.hostErrors).toEqual([`host function env.read_sensor (${wrongType}) failed: result 0 is hot, not a i32`]);
  });

  it('refuses a host module without the default export object, naming the file', async () => {
    const named = file('named.mjs', 'export const read = () => 1;\n');
    const { code, out } = await cli('run', [wasm, '--invoke', 'sample', '5', '--host', named]);
    expect(code).toBe(2);
    expect(out.stderr.join('\n')).toContain(`error[VALUE_INVALID]: ${named}: --host: ${named} has no default export object of host functions`);
  });
});

describe('interception: the profile policy per import, enforced on the device', () => {
  it('a denied import traps naming it, before the call reaches the host', async () => {
    let served = 0;
    const counting = file('counting.mjs', "globalThis.served = 0; export default { 'env.read_sensor': ([c]) => { globalThis.served++; return c; } };\n");
    const { code, out } = await cli('run', [wasm, '--invoke', 'sample', '5', '--host', counting, '--host-policy', 'env.read_sensor=deny']);
    served = (globalThis as { served?: number }).served ?? -1;
    expect(code).toBe(1);
    expect(out.stderr).toEqual([
      'wrt-target: trap: host call denied (trap code 12) in a call of the import env.read_sensor (function 0), after 27 instructions',
      // The first call of env.read_sensor (wasm-objdump -d: 0000a0 call 0 <env.read_sensor>).
      'wasm backtrace:',
      '   0: 0xa0 - sample',
    ]);
    expect(served).toBe(0);
  });

  it('a log policy traces that import without --trace-host-calls', async () => {
    const { code, out } = await cli('run', [wasm, '--invoke', 'sample', '5', '--host', host, '--host-policy', 'wasi_snapshot_preview1.fd_write=log']);
    expect(out.stderr).toEqual(['[warn] sensor: reading taken', 'wasi_snapshot_preview1.fd_write(1, 80, 1, 88) = 0']);
    expect(code).toBe(0);
  });

  it('a call past the import budget traps with its own code, naming the import', async () => {
    const profile = join(dir, 'sensor.wrtp');
    expect((await cli('profile', [wasm, '--target', 'native-sim', '--host', host, '--host-calls', 'env.read_sensor=1', '-o', profile])).code).toBe(0);
    const { code, out } = await cli('run', [wasm, '--invoke', 'sample', '5', '--host', host, '--profile', profile, '--json']);
    const json = JSON.parse(out.stdout.join('\n')) as { trap: Record<string, unknown> };
    // The second call of env.read_sensor is the one past the budget (wasm-objdump -d: 0000d5 call 0).
    expect(json.trap).toEqual({
      code: 14,
      name: 'host call budget exhausted',
      function: 0,
      functionName: null,
      import: 'env.read_sensor',
      backtrace: [{ function: 3, functionName: 'sample', offset: 0xd5, cell: expect.any(Number), file: null, line: null, column: null }],
      depth: 1,
    });
    expect(code).toBe(1);
    // A policy on the command line cannot change a profile made elsewhere: refused, not dropped.
    const given = await cli('run', [wasm, '--invoke', 'sample', '5', '--host', host, '--profile', profile, '--host-policy', 'env.read_sensor=deny']);
    expect(given.code).toBe(2);
    expect(given.out.stderr.join('\n')).toContain(`cli --host-policy env.read_sensor=deny: file ${profile} gives env.read_sensor the policy allow; a profile made elsewhere is not changed here`);
  });

  it('a log record of a level wasi:logging does not have fails the call', async () => {
    const { code, out } = await cli('run', [wasm, '--invoke', 'bad_level', '--host', host]);
    expect(code).toBe(1);
    expect(out.stderr.join('\n')).toContain('trap: host function failed (trap code 15)');
  });

  it('refuses a --host-policy that is not module.name=allow|deny|log', async () => {
    const { code, out } = await cli('run', [wasm, '--invoke', 'sample', '5', '--host-policy', 'env.read_sensor=block']);
    expect(code).toBe(2);
    expect(out.stderr.join('\n')).toContain('--host-policy takes module.name=allow|deny|log, got "env.read_sensor=block"');
    const misspelt = await cli('run', [wasm, '--invoke', 'sample', '5', '--host', host, '--host-policy', 'env.read_sensr=deny']);
    expect(misspelt.code).toBe(2);
    expect(misspelt.out.stderr.join('\n')).toContain('cli --host-policy env.read_sensr=deny: the module imports no function env.read_sensr; did you mean env.read_sensor?');
    const unprofiled = await cli('run', [wasm, '--invoke', 'sample', '5', '--host', host, '--profile', 'none', '--host-policy', 'env.read_sensor=deny']);
    expect(unprofiled.code).toBe(2);
    expect(unprofiled.out.stderr.join('\n')).toContain('cli --host-policy env.read_sensor=deny: the run uploads no profile, so nothing enforces it');
  });
});
