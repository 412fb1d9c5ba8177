/**
 * WASI 0.2 commands (docs/component.md, "WASI 0.2 commands"): C programs of the HIL wasi suite
 * built into wasi:cli/run components with jco's preview1 command adapter, run by `run COMPONENT`
 * on native-sim, and compared with the same components transpiled by jco and run in Node (the value
 * oracle). Also: the refusals before anything is uploaded, the handle trap of a WASI method, and
 * the device's and the host's tables of WASI functions naming the same functions.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWasiCommand, type CommandResult, jcoRunCommand } from '../../tools/component/wasi-command.js';
import { parseComponentText } from '../../tools/oracles/jco.js';
import { main } from '../../ts/cli/main.js';
import { BufferedOutput } from '../../ts/core/output.js';
import { packageRoot } from '../../ts/core/paths.js';
import { WASI2_FUNCTIONS } from '../../ts/component/wasi2.js';
import { ProtocolClient } from '../../ts/device/client.js';
import { type ComponentWasiRequest, encodeComponentResource } from '../../ts/device/component-messages.js';
import { isDeviceError } from '../../ts/device/device-errors.js';
import { spawnNativeSimStdio } from '../../ts/device/native-sim.js';
import { DeviceErrorCode, Feature, ResetKind, SessionMode } from '../../ts/device/protocol.js';
import { nativeSimArgs, nativeSimAsanBinary } from '../../ts/run/native-sim-binary.js';
import { componentRegionArgs, loadComponentPlan, planComponentCall, runComponentOn } from '../../ts/run/run-component.js';
import { nativeSimLink } from '../../ts/run/run-module.js';
import { DeviceSession, withSession } from '../../ts/run/session.js';
import { buildRealNativeSim } from '../run/helpers.js';

const root = packageRoot();
const dir = mkdtempSync(join(tmpdir(), 'wrt-wasi-command-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let sim = '';
let hello = '';
let stderrExit = '';
let jcoHello: CommandResult;
let jcoStderrExit: CommandResult;
/** More programs, each compared with jco as it is: [name, component, jco's result]. */
const more: [string, string, CommandResult][] = [];

beforeAll(async () => {
  sim = buildRealNativeSim();
  hello = await buildWasiCommand(join(root, 'hil', 'suites', 'wasi', 'hello.c'));
  stderrExit = await buildWasiCommand(join(root, 'hil', 'suites', 'wasi', 'stderr-exit.c'));
  jcoHello = await jcoRunCommand(hello, ['board']);
  jcoStderrExit = await jcoRunCommand(stderrExit, []);
  for (const source of [join(root, 'hil', 'suites', 'wasi', 'checksum.c'), join(root, 'hil', 'suites', 'wasi', 'sort.c'), join(root, 'test', 'component', 'wasi', 'probe.c'), join(root, 'test', 'component', 'wasi', 'files.c')]) {
    const component = await buildWasiCommand(source);
    more.push([source, component, await jcoRunCommand(component, [])]);
  }
}, 300_000);

async function run(env: Record<string, string>, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const output = new BufferedOutput();
  const code = await main(['node', 'wrt-target', 'run', ...args], { output, env: { ...process.env, WRT_NATIVE_SIM: sim, ...env }, cwd: dir });
  return { code, out: output.stdout.join('\n'), err: output.stderr.join('\n') };
}

interface RunJson {
  readonly schema: string;
  readonly command: boolean;
  readonly exitCode: number;
  readonly exit?: number;
  readonly result?: string;
  readonly trap?: { readonly code: number; readonly name: string };
  readonly output: { readonly stdout: string; readonly stderr: string };
  readonly function: string;
}

async function runJson(...args: string[]): Promise<RunJson> {
  return runJsonOn({}, ...args);
}

async function runJsonOn(env: Record<string, string>, ...args: string[]): Promise<RunJson> {
  const r = await run(env, ...args, '--json');
  const doc = JSON.parse(r.out) as RunJson;
  expect(doc.exitCode).toBe(r.code);
  return doc;
}

describe('run COMPONENT: a wasi:cli/run command on native-sim, against jco', () => {
  it('the oracle itself: jco prints the suite\'s expected output', () => {
    expect(jcoHello).toEqual({ stdout: 'hello from board\n   42|-7   |beef\n', stderr: '', code: 0 });
    // The adapter's proc_exit(7) is wasi:cli/exit's err: exit code 1 under jco (and wasmtime).
    expect(jcoStderrExit).toEqual({ stdout: '', stderr: 'something went wrong\n', code: 1 });
  });

  it('hello: the CLI prints exactly what jco prints, and exits 0', () => {
    const r = spawnSync(process.execPath, [join(root, 'bin', 'wrt-target.js'), 'run', hello, 'board'], {
      env: { ...process.env, WRT_NATIVE_SIM: sim },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect({ stdout: r.stdout, stderr: r.stderr, code: r.status }).toEqual(jcoHello);
  });

  it('stderr-exit: stderr and the exit code are jco\'s', async () => {
    const doc = await runJson(stderrExit);
    expect({ stdout: doc.output.stdout, stderr: doc.output.stderr, code: doc.exitCode }).toEqual(jcoStderrExit);
  });

  it('checksum, sort, probe (clocks, entropy, empty stdin) and files (no preopens, a sleep): output and exit code are jco\'s', async () => {
    // The suite's own expectations hold under jco (checksum's exit(250) is exit(err): 1).
    expect(more.map(([, , r]) => r.code)).toEqual([1, 0, 0, 0]);
    expect(more[2]?.[2].stdout).toBe('wall after 2020: 1\nmonotonic never goes back: 1\ngetentropy: 0, some byte set: 1\nstdin at its end: 1\n');
    expect(more[3]?.[2].stdout).toBe('fopen: null\nopendir: null\nstat: -1\nnanosleep: 0\n');
    for (const [source, component, jco] of more) {
      const doc = await runJson(component);
      expect([source, { stdout: doc.output.stdout, stderr: doc.output.stderr, code: doc.exitCode }]).toEqual([source, jco]);
    }
  });

  it('the same output and exit codes on native-sim\'s ASan+UBSan build', async () => {
    for (const [source, component, jco] of [[hello, hello, { ...jcoHello, stdout: 'hello from nobody\n   42|-7   |beef\n' }] as const, ...more.slice(2)]) {
      const doc = await runJsonOn({ WRT_NATIVE_SIM: nativeSimAsanBinary() }, component);
      expect([source, { stdout: doc.output.stdout, stderr: doc.output.stderr, code: doc.exitCode }]).toEqual([source, jco]);
    }
  });

  it('get-environment: the ARGS environment in order, as jco gives Node\'s (through the library: run passes none)', async () => {
    const env = { GREETING: 'hello board', PLAIN: 'a=b=c', EMPTY: '' };
    const component = await buildWasiCommand(join(root, 'test', 'component', 'wasi', 'env.c'));
    const jco = await jcoRunCommand(component, [], env);
    expect(jco).toEqual({ stdout: 'env GREETING=hello board\nenv PLAIN=a=b=c\nenv EMPTY=\ncount 3, GREETING hello board\n', stderr: '', code: 0 });
    const prepared = loadComponentPlan(component, dir);
    const planned = planComponentCall(prepared, undefined, []);
    const call = { ...planned, command: { argv: ['env'], env } };
    let stdout = '';
    const report = await withSession(
      () => DeviceSession.open(nativeSimLink({ binary: sim, env: process.env, extraArgs: componentRegionArgs(prepared.plan) })),
      (session) => runComponentOn(session, { component: prepared, call }, { stdout: (b) => void (stdout += Buffer.from(b).toString('utf8')), stderr: () => undefined }),
    );
    expect({ stdout, stderr: '', code: report.exitCode }).toEqual(jco);
    // And from the CLI, which passes no environment: none.
    expect((await runJson(component)).output.stdout).toBe('count 0, GREETING (none)\n');
  });

  it('--json: the command, its exit and output, the run function', async () => {
    const ok = await runJson(hello, 'board');
    expect(ok.schema).toBe('wrt-target/run');
    expect(ok.command).toBe(true);
    expect(ok.function).toMatch(/^wasi:cli\/run@0\.2\.\d+#run$/);
    expect(ok.result).toBe('ok');
    expect(ok.exitCode).toBe(0);
    expect(ok.output).toEqual({ stdout: jcoHello.stdout, stderr: '' });
    // Without arguments argv is the file's name alone.
    expect((await runJson(hello)).output.stdout).toBe('hello from nobody\n   42|-7   |beef\n');
    const exited = await runJson(stderrExit);
    expect(exited.exit).toBe(1);
    expect(exited.trap).toBeUndefined();
    expect(exited.exitCode).toBe(1);
  });
});

/** A component importing one WASI method: `go` calls `[method]pollable.ready` on handle 42, which does not exist. */
const BAD_HANDLE = `(component
  (import "wasi:io/poll@0.2.6" (instance $poll
    (export "pollable" (type $p (sub resource)))
    (export "[method]pollable.ready" (func (param "self" (borrow $p)) (result bool)))))
  (alias export $poll "[method]pollable.ready" (func $ready))
  (core func $ready_lowered (canon lower (func $ready)))
  (core module $m
    (import "w" "ready" (func $ready (param i32) (result i32)))
    (func (export "go") (result i32) (call $ready (i32.const 42))))
  (core instance $w (export "ready" (func $ready_lowered)))
  (core instance $i (instantiate $m (with "w" (instance $w))))
  (func (export "go") (result bool) (canon lift (core func $i "go"))))`;

const UNKNOWN_INTERFACE = `(component
  (import "acme:thing/api@1.0.0" (instance $api (export "f" (func))))
  (core module $m (func (export "g") (result i32) (i32.const 1)))
  (core instance $i (instantiate $m))
  (func (export "g") (result u32) (canon lift (core func $i "g"))))`;

const UNKNOWN_WASI = `(component
  (import "wasi:sockets/tcp@0.2.6" (instance $tcp (export "f" (func))))
  (core module $m (func (export "g") (result i32) (i32.const 1)))
  (core instance $i (instantiate $m))
  (func (export "g") (result u32) (canon lift (core func $i "g"))))`;

const UNKNOWN_FUNCTION = `(component
  (import "wasi:io/poll@0.2.6" (instance $poll (export "frobnicate" (func))))
  (alias export $poll "frobnicate" (func $f))
  (core func $fl (canon lower (func $f)))
  (core module $m (import "w" "f" (func)) (func (export "g") (result i32) (i32.const 1)))
  (core instance $w (export "f" (func $fl)))
  (core instance $i (instantiate $m (with "w" (instance $w))))
  (func (export "g") (result u32) (canon lift (core func $i "g"))))`;

describe('what is refused, and the handle trap', () => {
  it('an unknown import is COMPONENT_UNSUPPORTED naming it, before native-sim starts', async () => {
    const cases: [string, string, string][] = [
      ['other.wasm', UNKNOWN_INTERFACE, 'the component imports "acme:thing/api@1.0.0" (an instance): the only imports run are WASI 0.2 interfaces'],
      ['sockets.wasm', UNKNOWN_WASI, 'the component imports "wasi:sockets/tcp@0.2.6": the device serves no such WASI 0.2 interface'],
      ['frob.wasm', UNKNOWN_FUNCTION, 'the component imports "wasi:io/poll@0.2.6#frobnicate": the device has no such WASI 0.2 function'],
    ];
    for (const [name, text, message] of cases) {
      const file = join(dir, name);
      writeFileSync(file, await parseComponentText(text));
      // A native-sim that does not exist: the refusal comes first, so nothing is started or uploaded.
      const r = await run({ WRT_NATIVE_SIM: join(dir, 'no-native-sim') }, file, '--invoke', 'g()');
      expect([name, r.code]).toEqual([name, 1]);
      expect(r.err).toContain('error[COMPONENT_UNSUPPORTED]');
      expect(r.err).toContain(message);
    }
  });

  it('a WASI method given a handle that does not exist traps with the handle trap (72)', async () => {
    const file = join(dir, 'bad-handle.wasm');
    writeFileSync(file, await parseComponentText(BAD_HANDLE));
    const r = await run({}, file, '--invoke', 'go()');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^wrt-target: trap: invalid resource handle \(trap code 72\) in the core function of go, after \d+ instructions$/);
  });

  it('the host\'s table of WASI functions and the device\'s (wrt_wasi2.c) name the same functions', () => {
    const c = readFileSync(join(root, 'native', 'component', 'wrt_wasi2.c'), 'utf8');
    const ifaceList = /wrt_w2_ifaces\[IF_COUNT\] = \{([^}]*)\}/.exec(c)?.[1] ?? '';
    const ifaces = [...ifaceList.matchAll(/"([^"]+)"/g)].map((m) => m[1] as string);
    const enumBody = /enum \{([^}]*)IF_COUNT/.exec(c)?.[1] ?? '';
    const enumNames = enumBody.split(',').map((x) => x.trim()).filter((x) => x !== '');
    expect(enumNames.length).toBe(ifaces.length);
    const device = new Map<string, string[]>();
    for (const m of c.matchAll(/\{(IF_[A-Z_]+), \d+, "([^"]+)"/g)) {
      const iface = ifaces[enumNames.indexOf(m[1] as string)] as string;
      device.set(iface, [...(device.get(iface) ?? []), m[2] as string]);
    }
    const host = Object.fromEntries(Object.entries(WASI2_FUNCTIONS).filter(([, fns]) => fns.length > 0));
    expect(Object.fromEntries(device)).toEqual(host);
  });
});

/** docs/protocol.md §4f, COMPONENT_RESOURCE op 4: the two vectors. */
const GET_STDOUT: ComponentWasiRequest = { op: 'wasi', owner: 1, memory: 0, realloc: null, encoding: 'utf8', iface: 'wasi:cli/stdout@0.2.6', func: 'get-stdout', paramsType: new Uint8Array(0), resultType: Uint8Array.of(0x12, 1, 0x18, 0) };
const GET_ARGUMENTS: ComponentWasiRequest = { op: 'wasi', owner: 2, memory: 1, realloc: { instance: 2, name: 'r' }, encoding: 'utf8', iface: 'wasi:cli/environment@0.2.12', func: 'get-arguments', paramsType: new Uint8Array(0), resultType: Uint8Array.of(0x12, 1, 0x10, 0x0c) };

describe('COMPONENT_RESOURCE op 4 on the wire (native-sim directly)', () => {
  it('encodes the documented vectors', () => {
    const hex = (r: ComponentWasiRequest): string => Buffer.from(encodeComponentResource(r)).toString('hex');
    expect(hex(GET_STDOUT)).toBe('04' + '0100' + '0000' + '0000' + '00' + '00' + '15' + Buffer.from('wasi:cli/stdout@0.2.6').toString('hex') + '0a' + Buffer.from('get-stdout').toString('hex') + '0000' + '0400' + '12011800');
    expect(hex(GET_ARGUMENTS)).toBe('04' + '0200' + '0100' + '0200' + '0172' + '00' + '1b' + Buffer.from('wasi:cli/environment@0.2.12').toString('hex') + '0d' + Buffer.from('get-arguments').toString('hex') + '0000' + '0400' + '1201100c');
  });

  it('defines a known function, and refuses an unknown one or a wrong type with the documented codes', async () => {
    const client = new ProtocolClient(spawnNativeSimStdio(sim, nativeSimArgs({})), { helloTimeoutMs: 5000 });
    try {
      const hello = await client.hello();
      expect(hello.features & Feature.Wasi2).toBe(Feature.Wasi2);
      await client.reset(ResetKind.Session);
      await client.session(SessionMode.Keep);
      expect(await client.componentResource(GET_STDOUT)).toBe(0);
      const refusal = async (r: ComponentWasiRequest): Promise<[number, number]> => {
        const error = await client.componentResource(r).then(() => undefined, (e: unknown) => e);
        if (!isDeviceError(error)) throw new Error(`expected a device error, got ${String(error)}`);
        return [error.device.code, error.device.detail];
      };
      expect(await refusal({ ...GET_STDOUT, func: 'get-stdoot' })).toEqual([DeviceErrorCode.ExportNotFound, 4]);
      expect(await refusal({ ...GET_STDOUT, iface: 'wasi:cli/stdout@0.3.0' })).toEqual([DeviceErrorCode.ExportNotFound, 4]);
      // get-stdout returning a string: another core type than WASI's (a return pointer).
      expect(await refusal({ ...GET_STDOUT, resultType: Uint8Array.of(0x12, 1, 0x0c) })).toEqual([DeviceErrorCode.ArgsInvalid, 1]);
    } finally {
      client.close();
    }
  });
});
