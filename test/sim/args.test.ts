/**
 * ARGS (docs/protocol.md §4b) on native-sim: the WASI argv and environment of later invocations,
 * refused with a reason when they do not fit, and gone after a RESET.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ProtocolClient } from '../../ts/device/client.js';
import { isDeviceError } from '../../ts/device/device-errors.js';
import { spawnNativeSimStdio } from '../../ts/device/native-sim.js';
import { DeviceErrorCode, Feature, ResetKind } from '../../ts/device/protocol.js';
import type { Transport } from '../../ts/device/transport.js';
import { packageRoot } from '../../ts/core/paths.js';
import { buildRealNativeSim } from '../run/helpers.js';
import { tempDir } from '../profile/helpers.js';

let sim = '';
let program: Uint8Array;
const open: Array<{ client: ProtocolClient; transport: Transport }> = [];

beforeAll(() => {
  sim = buildRealNativeSim();
  const out = join(tempDir(), 'args.wasm');
  execFileSync('clang', ['--target=wasm32-wasi', '-O2', '-o', out, join(packageRoot(), 'test', 'deploy', 'fixtures', 'deploy-args.c')]);
  program = new Uint8Array(readFileSync(out));
});

afterEach(async () => {
  for (const { client, transport } of open.splice(0)) {
    client.close();
    await transport.close();
  }
});

function start(): ProtocolClient {
  const transport = spawnNativeSimStdio(sim, []);
  const client = new ProtocolClient(transport);
  open.push({ client, transport });
  return client;
}

async function run(client: ProtocolClient): Promise<{ stdout: string; exit: number }> {
  let stdout = '';
  const stop = client.onOutput((chunk) => void (stdout += Buffer.from(chunk.bytes).toString('utf8')));
  const answer = await client.invoke('_start');
  stop();
  // proc_exit: trap 16 with the code in trapFunction; a plain return from main exits too.
  return { stdout, exit: answer.trap === 16 ? answer.trapFunction : answer.trap };
}

describe('ARGS on native-sim', () => {
  it('is a feature of the device, and gives the program its argv and environment', async () => {
    const client = start();
    expect(((await client.hello()).features & Feature.Args) !== 0).toBe(true);
    // Before any ARGS the program has no arguments and no environment.
    await client.transfer(program);
    expect(await run(client)).toEqual({ stdout: 'BOARD=(unset)\n', exit: 0 });
    await client.setArgs(['args.wasm', 'alpha', 'beta gamma'], { BOARD: 'qemu' });
    // A fresh instance: wasi-libc reads the environment once per instance.
    await client.transfer(program);
    expect(await run(client)).toEqual({ stdout: 'argv[0]=args.wasm\nargv[1]=alpha\nargv[2]=beta gamma\nBOARD=qemu\n', exit: 3 });
  });

  it('refuses strings past its 512-byte buffer, naming the first that does not fit, and falls back to the platform\'s own', async () => {
    const client = start();
    await client.setArgs(['kept']);
    await client.transfer(program);
    const tooMuch = await client.setArgs(Array.from({ length: 20 }, (_, i) => `${i}`.padEnd(40, 'x'))).catch((e: unknown) => e);
    expect(isDeviceError(tooMuch, DeviceErrorCode.ArgsInvalid)).toBe(true);
    expect(isDeviceError(tooMuch) ? [tooMuch.device.detail, tooMuch.device.message] : []).toEqual([12, 'program arguments and environment exceed the device\'s buffer']);
    // A refused ARGS has overwritten the engine's buffer: the platform's own (native-sim: none) apply.
    expect((await run(client)).stdout).toBe('BOARD=(unset)\n');
  });

  it('forgets the arguments at a RESET', async () => {
    const client = start();
    await client.setArgs(['set', 'by', 'args']);
    await client.reset(ResetKind.Session);
    await client.transfer(program);
    expect((await run(client)).stdout).toBe('BOARD=(unset)\n');
  });
});
