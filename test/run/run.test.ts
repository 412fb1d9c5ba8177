import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BufferedOutput } from '../../ts/core/output.js';
import { packageRoot } from '../../ts/core/paths.js';
import { main } from '../../ts/cli/main.js';
import { isDeviceError } from '../../ts/device/device-errors.js';
import { DeviceErrorCode } from '../../ts/device/protocol.js';
import { runModule } from '../../ts/run/run-module.js';
import { loadTarget } from '../../ts/targets/index.js';
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
    // The loop's branch pays the fuel that runs out: wasm-objdump -d shows `br 0` at 0x44.
    expect(report.trap).toEqual({
      code: 11,
      name: 'fuel exhausted',
      function: 2,
      functionName: null,
      import: null,
      backtrace: [{ function: 2, functionName: 'spin', offset: 0x44, cell: expect.any(Number), file: null, line: null, column: null }],
      depth: 1,
    });
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

  it('names a missing export and lists what the module exports', async () => {
    const { code, out } = await cli([addWasm, '--invoke', 'ad', '1', '2']);
    expect(code).toBe(2);
    expect(out.stderr.join('\n')).toBe(
      `wrt-target: error[EXPORT_NOT_FOUND]: ${addWasm}: --invoke: the module has no exported function "ad"; its exported functions: add (i32, i32) -> i32, boom () -> (), spin () -> ()`,
    );
  });

  it('says what a file is when it is not a WebAssembly module, before native-sim starts', async () => {
    const dir = path.dirname(addWasm);
    const cases: ReadonlyArray<readonly [string, Uint8Array, string]> = [
      ['empty.wasm', new Uint8Array(0), 'empty.wasm is empty: a WebAssembly module starts with the bytes 00 61 73 6d'],
      ['text.wat', new TextEncoder().encode(';; a comment\n(module)'), 'text.wat is WebAssembly text (.wat), not a binary module: convert it with `wat2wasm'],
      ['prog.elf', Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), 'prog.elf is an ELF file (a native program or firmware image), not WebAssembly'],
      ['prof.wrtp', new TextEncoder().encode('WRTP....'), 'prof.wrtp is a wrt-target binary profile, not a module: pass it with --profile'],
      ['noise.bin', Uint8Array.from([1, 2, 3, 4, 5]), 'noise.bin is not a WebAssembly module: it starts with 01 02 03 04, a module with 00 61 73 6d'],
    ];
    for (const [name, bytes, says] of cases) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, bytes);
      const { code, out } = await cli([file, '--invoke', 'f']);
      expect([name, code]).toEqual([name, 2]);
      expect(out.stderr.join('\n')).toContain(`error[MODULE_NOT_WASM]: ${file}: ${says}`);
    }
    // A component is run as one now (docs/component.md, "Running components"): an empty one has no
    // core module to run.
    const comp = path.join(dir, 'comp.wasm');
    fs.writeFileSync(comp, Uint8Array.from([0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0]));
    const { code, out } = await cli([comp, '--invoke', 'f()']);
    expect([code, out.stderr.join('\n')]).toEqual([1, expect.stringContaining('error[COMPONENT_UNSUPPORTED]') as unknown as string]);
    expect(out.stderr.join('\n')).toContain('the component creates no core instance');
  });

  it('names an import the device does not offer, at its byte offset, with the closest offered one', async () => {
    const gpio = watFixture('gpio');
    const shown = gpio.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    // Refused on the host, from native-sim's hostFunctions, before anything starts.
    const { code, out } = await cli([gpio, '--invoke', 'blink']);
    expect(code).toBe(1);
    const text = out.stderr.join('\n');
    expect(text).toMatch(new RegExp(`^wrt-target: error\\[WASM_LINK_FAILED\\]: ${shown}: byte \\d+ \\(0x[0-9a-f]+\\): import 0: 2 imports native-sim does not offer:\\n  import 0 at byte \\d+: env\\.gpio_write \\(i32\\) -> \\(\\): not offered; closest: `));
    expect(text).toContain('wasi_snapshot_preview1.fd_writ (i32, i32, i32, i32) -> i32: not offered; closest: wasi_snapshot_preview1.fd_write (i32, i32, i32, i32) -> i32');
    expect(text).not.toContain('byte 0 ');
    // Without a profile the device is the one to refuse; the error says the same in the module's terms.
    const device = await cli([gpio, '--invoke', 'blink', '--profile', 'none']);
    expect(device.code).toBe(1);
    expect(device.out.stderr.join('\n')).toMatch(new RegExp(`^wrt-target: error\\[WASM_LINK_FAILED\\]: ${shown}: byte \\d+ \\(0x[0-9a-f]+\\): import 0: the module imports env\\.gpio_write \\(function \\(i32\\) -> \\(\\)\\), which native-sim refused to link: not offered; closest: `));
  });

  it('names the trapping function from the name section, counting imports in the index', async () => {
    const nested = path.join(path.dirname(addWasm), 'nested-trap.wasm');
    execFileSync('wat2wasm', ['--debug-names', path.join(packageRoot(), 'test', 'run', 'fixtures', 'nested-trap.wat'), '-o', nested]);
    const { code, out } = await cli([nested, '--invoke', 'main']);
    expect(code).toBe(1);
    // The offsets are those of wasm-objdump -d: the unreachable at 0x51, main's call at 0x55.
    expect(out.stderr).toEqual([
      'wrt-target: trap: unreachable (trap code 1) in function 1 (check_bounds), after 4 instructions',
      'wasm backtrace:',
      '   0: 0x51 - check_bounds',
      '   1: 0x55 - main',
    ]);
  });

  it('says which region ran out, by how much, and whose layout it was, without a profile', async () => {
    const big = path.join(path.dirname(addWasm), 'big-memory.wasm');
    fs.writeFileSync(`${big}.wat`, '(module (memory 200) (func (export "f")))');
    execFileSync('wat2wasm', [`${big}.wat`, '-o', big]);
    const { code, out } = await cli([big, '--invoke', 'f', '--profile', 'none']);
    expect(code).toBe(1);
    expect(out.stderr.join('\n')).toMatch(/memory needs more pages than the runtime's limit \(region memory: needs 200, has \d+; the device's default layout, without a profile\)$/);
    expect(out.stderr.join('\n')).not.toContain('than the profile gives');
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

describe("native-sim's arena comes from its target definition", () => {
  it('runs native-sim with --arena of memory.arenaBytes, and the run fits in it', async () => {
    let seen: readonly string[] = [];
    const report = await runModule(
      { file: addWasm, invoke: 'add', args: ['1', '2'] },
      { stdout: () => undefined, stderr: () => undefined },
      {
        handleSigint: false,
        arenaBytes: 262_144,
        openTransport: (args) => {
          seen = args;
          return spawnNativeSimStdio(sim, args);
        },
      },
    );
    expect(report.outcome).toEqual({ kind: 'returned', results: [{ type: 'i32', value: 3 }] });
    expect(seen.slice(seen.indexOf('--arena'), seen.indexOf('--arena') + 2)).toEqual(['--arena', '262144']);
  });

  it('`run` passes targets/native-sim.yaml memory.arenaBytes to the native-sim it starts', async () => {
    // A native-sim that records its command lines, then is the real one.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wrt-sim-argv-'));
    const log = path.join(dir, 'argv');
    const wrapper = path.join(dir, 'native-sim');
    fs.writeFileSync(wrapper, `#!/bin/sh\necho "$*" >> "${log}"\nexec "${sim}" "$@"\n`, { mode: 0o755 });
    try {
      const out = new BufferedOutput();
      const code = await main(['node', 'wrt-target', 'run', addWasm, '--invoke', 'add', '2', '3'], { output: out, env: { ...process.env, WRT_NATIVE_SIM: wrapper } });
      expect({ code, stdout: out.stdout }).toEqual({ code: 0, stdout: ['i32:5'] });
      const session = fs.readFileSync(log, 'utf8').split('\n').find((line) => line.includes('--upload-capacity'));
      expect(session).toContain(`--arena ${loadTarget('native-sim').memory.arenaBytes}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('--fuel at the top of its range', () => {
  async function withFuel(fuel: string): Promise<{ code: number; out: BufferedOutput }> {
    const out = new BufferedOutput();
    const code = await main(['node', 'wrt-target', 'run', addWasm, '--invoke', 'add', '--fuel', fuel, '--json', '2', '3'], {
      output: out,
      env: { ...process.env, WRT_NATIVE_SIM: sim },
    });
    return { code, out };
  }

  it('runs with 2^64-2, the largest finite budget, carried exactly (it once became 0 and trapped at once)', async () => {
    const { code, out } = await withFuel('18446744073709551614');
    const report = JSON.parse(out.text) as { results: string[]; profile: { fuel: number | string | null } };
    expect(code).toBe(0);
    expect(report.results).toEqual(['i32:5']);
    expect(report.profile.fuel).toBe('18446744073709551614');
  });

  it('refuses 2^64-1 (the device\'s "no bound") and anything larger as a usage error, naming the range', async () => {
    for (const fuel of ['18446744073709551615', '18446744073709551616']) {
      const { code, out } = await withFuel(fuel);
      expect(code).toBe(2);
      expect(out.stderr.join('\n')).toContain(`--fuel ${fuel}: larger than any finite budget`);
    }
  });
});

describe('run --asil: the level a run asks for, raised only', () => {
  async function run(args: readonly string[]): Promise<{ code: number; out: BufferedOutput }> {
    const out = new BufferedOutput();
    const code = await main(['node', 'wrt-target', 'run', addWasm, '--invoke', 'add', ...args, '2', '3'], {
      output: out,
      env: { ...process.env, WRT_NATIVE_SIM: sim, WRT_ASIL_LEVEL: '' },
    });
    return { code, out };
  }

  it('compiles the run\'s profile at the level asked for, with its preset\'s demands', async () => {
    const noFuel = await run(['--asil', 'B']);
    expect(noFuel.code).toBe(1);
    expect(noFuel.out.stderr.join('\n')).toContain('ASIL B requires one (--fuel N)');
    const ok = await run(['--asil', 'B', '--fuel', '1000', '--json']);
    expect(ok.code).toBe(0);
    expect((JSON.parse(ok.out.text) as { profile: { asil: string } }).profile.asil).toBe('B');
  });

  it('refuses a given profile below the level (may only raise) or above it (made for another level), and --profile none above QM', async () => {
    const profileFile = path.join(path.dirname(addWasm), 'add-at-b.wrtp');
    const out = new BufferedOutput();
    const made = await main(['node', 'wrt-target', 'profile', addWasm, '--target', 'native-sim', '--asil', 'B', '--fuel', '1000', '-o', profileFile, '--format', 'binary'], {
      output: out,
      env: { ...process.env, WRT_ASIL_LEVEL: '' },
    });
    expect(made).toBe(0);
    const lowered = await run(['--asil', 'A', '--profile', profileFile]);
    expect([lowered.code, lowered.out.stderr.join('\n')]).toEqual([2, expect.stringContaining('error[SAFETY_LEVEL_LOWERED]')]);
    const above = await run(['--asil', 'C', '--profile', profileFile]);
    expect(above.code).toBe(1);
    expect(above.out.stderr.join('\n')).toContain(`was compiled at ASIL B; the run asks for ASIL C (cli --asil) (limit: a profile compiled at ASIL C: wrt-target profile`);
    const same = await run(['--asil', 'b', '--profile', profileFile]);
    expect([same.code, same.out.stdout]).toEqual([0, ['i32:5']]);
    const none = await run(['--asil', 'C', '--profile', 'none']);
    expect([none.code, none.out.stderr.join('\n')]).toEqual([2, expect.stringContaining('--profile none runs without budgets, which ASIL C (cli --asil) does not allow')]);
  });
});
