/**
 * Host calls on the interpreter firmware under QEMU (qemu-mps2-an386): a JavaScript mock sensor
 * feeds a module over the emulated UART, the device traces each call and sends wrt:logging
 * records, a profile policy denies an import, and the HIL JSON report carries the trace.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../ts/cli/main.js';
import { BufferedOutput } from '../../ts/core/output.js';
import { packageRoot } from '../../ts/core/paths.js';
import { wat2wasm } from '../../ts/testsuite/wat.js';

const SENSOR_WAT = `(module
  (import "env" "read_sensor" (func $read (param i32) (result i32)))
  (import "wrt:logging" "log" (func $log (param i32 i32 i32 i32 i32)))
  (memory 1)
  (data (i32.const 16) "board")
  (data (i32.const 32) "two readings")
  (func (export "sample") (param $ch i32) (result i32)
    (local $v i32)
    (local.set $v (call $read (local.get $ch)))
    (call $log (i32.const 4) (i32.const 16) (i32.const 5) (i32.const 32) (i32.const 12))
    (i32.sub (call $read (i32.add (local.get $ch) (i32.const 1))) (local.get $v))))`;

let dir = '';
let wasm = '';
let host = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wrt-host-qemu-'));
  wasm = join(dir, 'sensor.wasm');
  writeFileSync(wasm, wat2wasm(SENSOR_WAT));
  host = join(dir, 'sensor.mjs');
  writeFileSync(host, "export default { 'env.read_sensor': ([channel]) => channel * channel };\n");
});

async function cli(args: readonly string[]): Promise<{ code: number; out: BufferedOutput }> {
  const out = new BufferedOutput();
  const code = await main(['node', 'wrt-target', ...args], { output: out, env: process.env, cwd: dir });
  return { code, out };
}

describe('host calls on qemu-mps2-an386', () => {
  it('deploy --host feeds the module from a mock sensor; --trace-host-calls and logs reach --json', async () => {
    const { code, out } = await cli(['deploy', wasm, '--target', 'qemu-mps2-an386', '--invoke', 'sample', '3', '--host', host, '--trace-host-calls', '--json']);
    const json = JSON.parse(out.stdout.join('\n')) as { results: string[]; hostCalls: { line: string }[]; logs: unknown[] };
    expect(json.results).toEqual(['i32:7']);
    expect(json.hostCalls.map((c) => c.line)).toEqual(['env.read_sensor(3) = 9', 'wrt:logging.log(4, 16, 5, 32, 12) = ()', 'env.read_sensor(4) = 16']);
    expect(json.logs).toEqual([{ level: 'error', context: 'board', message: 'two readings' }]);
    expect(code).toBe(0);
  }, 120_000);

  it('deploy with a deny policy traps on the board naming the import', async () => {
    const { code, out } = await cli(['deploy', wasm, '--target', 'qemu-mps2-an386', '--invoke', 'sample', '3', '--host', host, '--host-policy', 'wrt:logging.log=deny']);
    expect(out.stderr.filter((line) => !line.startsWith('uploaded '))).toEqual([
      'wrt-target: trap: host call denied (trap code 12) in a call of the import wrt:logging.log (function 1), after 15 instructions',
      // The call of the import, as wasm-objdump -d numbers it (the function is named by its export).
      'wasm backtrace:',
      '   0: 0x6b - sample',
    ]);
    expect(code).toBe(1);
  }, 120_000);

  it('a HIL run of the host suite on the board passes, its JSON report carrying host calls and log records', async () => {
    const map = join(dir, 'map.yaml');
    writeFileSync(map, 'boards:\n  - id: mps2-qemu\n    target: qemu-mps2-an386\n    connection: { emulator: qemu }\n    timeoutScale: 2\n');
    const report = join(dir, 'report.json');
    const { code } = await cli(['hil', 'run', 'host', '--hardware-map', map, '--suites-dir', join(packageRoot(), 'hil', 'suites'), '--json', report]);
    const run = JSON.parse(readFileSync(report, 'utf8')) as { boards: { results: { test: string; status: string; outcome: { hostCalls?: string[]; logs?: string[] } }[] }[] };
    const results = run.boards[0]?.results ?? [];
    expect(results.map((r) => [r.test, r.status])).toEqual([
      ['host/sensor-average', 'pass'],
      ['host/sensor-missing-channel', 'pass'],
    ]);
    expect(results[0]?.outcome.hostCalls).toEqual([
      'env.read_sensor(1, 0) = 101',
      'env.read_sensor(1, 1) = 103',
      'env.read_sensor(1, 2) = 105',
      'env.read_sensor(1, 3) = 107',
      'wrt:logging.log(2, 16, 6, 32, 8) = ()',
    ]);
    expect(results[0]?.outcome.logs).toEqual(['[info] sensor: averaged']);
    expect(results[1]?.outcome.hostCalls).toEqual(['env.read_sensor(99, 0) = trap 15 (host function failed)']);
    expect(code).toBe(0);
  }, 180_000);
});
