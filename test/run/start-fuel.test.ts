/**
 * A start function is an invocation too (issue 18, defect 2): `--fuel N` bounds it with or without
 * a profile (UPLOAD_BEGIN carries it to a device announcing START_FUEL), so one that never returns
 * is a clean trap at load; and a host never waits forever for UPLOAD_END (the client's load timeout).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../ts/cli/main.js';
import { BufferedOutput } from '../../ts/core/output.js';
import { WrtError } from '../../ts/core/errors.js';
import { LOCAL_CLIENT_OPTIONS, runModule } from '../../ts/run/run-module.js';
import { buildRealNativeSim, nativeSimChildren, watFixture } from './helpers.js';

let sim = '';
let startForever = '';

beforeAll(() => {
  sim = buildRealNativeSim();
  startForever = watFixture('start-forever');
});

async function run(args: readonly string[]): Promise<{ code: number; err: string }> {
  const out = new BufferedOutput();
  const code = await main(['node', 'wrt-target', 'run', startForever, '--invoke', 'f', ...args], { output: out, env: { ...process.env, WRT_NATIVE_SIM: sim, WRT_ASIL_LEVEL: '' } });
  return { code, err: out.stderr.join('\n') };
}

describe('a start function that never returns', () => {
  it('traps "fuel exhausted" at load under --profile none --fuel N, naming the start function', async () => {
    const { code, err } = await run(['--profile', 'none', '--fuel', '1000']);
    expect(code).toBe(1);
    expect(err).toContain('error[WASM_TRAPPED]');
    expect(err).toContain('the module trapped while the device loaded it, in its start function (function 0): fuel exhausted');
  }, 20_000);

  it('traps the same way under a compiled profile at ASIL B', async () => {
    const { code, err } = await run(['--asil', 'B', '--fuel', '1000']);
    expect([code, err]).toEqual([1, expect.stringContaining('in its start function (function 0): fuel exhausted')]);
  }, 20_000);

  it('without any fuel bound ends at the load timeout, naming --fuel, and leaves no native-sim behind', async () => {
    const error = await runModule(
      { file: startForever, invoke: 'f', args: [] },
      { stdout: () => undefined, stderr: () => undefined },
      { env: { ...process.env, WRT_NATIVE_SIM: sim }, client: { ...LOCAL_CLIENT_OPTIONS, loadTimeoutMs: 500 }, handleSigint: false },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WrtError);
    expect((error as WrtError).code).toBe('DEVICE_TIMEOUT');
    expect((error as WrtError).message).toContain('the device did not finish loading the module within 0.5 s (UPLOAD_END): its start function may not return; bound it with --fuel N');
    expect(nativeSimChildren()).toEqual([]);
  }, 20_000);
});
