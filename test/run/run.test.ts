import * as fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BufferedOutput } from '../../ts/core/output.js';
import { main } from '../../ts/cli/main.js';
import { isDeviceError } from '../../ts/device/device-errors.js';
import { DeviceErrorCode } from '../../ts/device/protocol.js';
import { runModule } from '../../ts/run/run-module.js';
import { spawnNativeSimStdio } from '../../ts/device/native-sim.js';
import { buildRealNativeSim, cFixture, nativeSimChildren, watFixture } from './helpers.js';
import { TamperingTransport } from './tampering-transport.js';

let sim = '';
let addWasm = '';
let helloWasm = '';

beforeAll(() => {
  sim = buildRealNativeSim();
  addWasm = watFixture('add');
  helloWasm = cFixture('hello');
});

async function cli(args: readonly string[]): Promise<{ code: number; out: BufferedOutput }> {
  const out = new BufferedOutput();
  const code = await main(['node', 'wrt-target', 'run', ...args], { output: out, env: { ...process.env, WRT_NATIVE_SIM: sim } });
  return { code, out };
}

describe('wrt-target run on native-sim (main with a BufferedOutput)', () => {
  it('calls an export with arguments typed by its signature', async () => {
    const { code, out } = await cli([addWasm, '--invoke', 'add', '2', '3']);
    expect(out.stderr).toEqual([]);
    expect(out.stdout).toEqual(['i32:5']);
    expect(code).toBe(0);
  });

  it('accepts typed arguments and wraps i32 arithmetic', async () => {
    const { code, out } = await cli([addWasm, '--invoke', 'add', 'i32:0x7fffffff', 'i32:1']);
    expect(out.stdout).toEqual(['i32:-2147483648']);
    expect(code).toBe(0);
  });

  it('refuses an argument whose prefix contradicts the signature, before running', async () => {
    const { code, out } = await cli([addWasm, '--invoke', 'add', 'i64:2', '3']);
    expect(code).toBe(2);
    expect(out.stderr.join('\n')).toContain('argument 1 is typed i64, the export\'s parameter is i32');
  });

  it('exits 1 naming the trap', async () => {
    const { code, out } = await cli([addWasm, '--invoke', 'boom']);
    expect(code).toBe(1);
    expect(out.stderr.join('\n')).toMatch(/^wrt-target: trap: unreachable \(trap code 1\) in function 1,/);
  });

  it('stops an endless loop at the fuel budget', async () => {
    const { code, out } = await cli([addWasm, '--invoke', 'spin', '--fuel', '1000', '--json']);
    expect(code).toBe(1);
    const report = JSON.parse(out.text) as { trap: { name: string; code: number }; fuelUsed: number };
    expect(Object.entries(report).slice(0, 2)).toEqual([['schema', 'wrt-target/run'], ['schemaVersion', 1]]);
    expect(report.trap).toEqual({ code: 11, name: 'fuel exhausted', function: 2 });
    expect(report.fuelUsed).toBeLessThanOrEqual(1000);
    expect(report.fuelUsed).toBeGreaterThan(990);
  });

  it('runs a clang wasm32-wasi program: exact output, argv, and its exit code', async () => {
    const { code, out } = await cli([helloWasm, 'board', '3']);
    expect(out.stdout).toEqual(['hello board, 3 args\nline 0:  0.00\nline 1:  1.25\nline 2:  2.50\n']);
    expect(out.stderr).toEqual(['to stderr\n']);
    expect(code).toBe(3);
  });

  it('reports a WASI command returning from main as exit code 0, in JSON with its output', async () => {
    const { code, out } = await cli([helloWasm, '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(out.text) as Record<string, unknown>;
    expect(report['exitCode']).toBe(0);
    expect(report['output']).toEqual({ stdout: 'hello nobody, 1 args\nline 0:  0.00\nline 1:  1.25\nline 2:  2.50\n', stderr: 'to stderr\n' });
    expect(report['fuelUsed']).toBeGreaterThan(1000);
    expect(report['peakStackBytes']).toBeGreaterThan(0);
  });

  it('says the module is no WASI command when it has no _start', async () => {
    const { code, out } = await cli([addWasm]);
    expect(code).toBe(2);
    expect(out.stderr.join('\n')).toContain('exports no _start');
  });

  it('reports a module that does not load as WASM_MALFORMED at its offset, with or without a profile, before native-sim starts', async () => {
    const junk = `${addWasm}.junk.wasm`;
    fs.writeFileSync(junk, Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 0x01, 0xff]));
    for (const extra of [[], ['--profile', 'none']]) {
      const { code, out } = await cli([junk, '--invoke', 'f', ...extra]);
      expect(code).toBe(1);
      expect(out.stderr.join('\n')).toMatch(/error\[WASM_MALFORMED\]: .*junk\.wasm: byte 10 \(0xa\): section header: unexpected end/);
    }
  });
});

describe('runModule lifecycle', () => {
  it('never runs a module whose upload hash fails, and ends native-sim', async () => {
    let tamper: TamperingTransport | undefined;
    let during: number[] = [];
    const stdout: Uint8Array[] = [];
    const run = runModule(
      { file: helloWasm },
      { stdout: (b) => stdout.push(b), stderr: (b) => stdout.push(b) },
      {
        handleSigint: false,
        openTransport: (args) => {
          tamper = new TamperingTransport(spawnNativeSimStdio(sim, args));
          during = nativeSimChildren();
          return tamper;
        },
      },
    );
    const error = await run.catch((e: unknown) => e);
    expect(isDeviceError(error, DeviceErrorCode.HashMismatch)).toBe(true);
    expect(tamper?.tampered).toBe(1);
    expect(stdout).toEqual([]);
    expect(during).toHaveLength(1);
    expect(nativeSimChildren()).toEqual([]);
  });

  it('leaves no native-sim behind after a normal run', async () => {
    let during: number[] = [];
    const report = await runModule(
      { file: addWasm, invoke: 'add', args: ['40', '2'] },
      { stdout: () => undefined, stderr: () => undefined },
      {
        handleSigint: false,
        openTransport: (args) => {
          const transport = spawnNativeSimStdio(sim, args);
          during = nativeSimChildren();
          return transport;
        },
      },
    );
    expect(report.outcome).toEqual({ kind: 'returned', results: [{ type: 'i32', value: 42 }] });
    expect(during).toHaveLength(1);
    expect(nativeSimChildren()).toEqual([]);
  });
});
