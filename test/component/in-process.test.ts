import { describe, expect, it } from 'vitest';
import { componentRunConformance } from '../../scripts/component/run-conformance.js';
import { buildInProcessSim, openInProcessSim } from '../../tools/sim/inproc.js';
import { WrtError } from '../../ts/core/errors.js';
import { buildRealNativeSim } from '../run/helpers.js';

describe('native-sim in process (tools/sim/inproc.ts, build/native-sim/libwrt-sim.so)', () => {
  buildInProcessSim();

  it('refuses a second device in the process and a bad option, naming it', async () => {
    const first = openInProcessSim(['--arena', '1048576']);
    try {
      expect(first.description).toBe('native-sim (in process)');
      expect(() => openInProcessSim([])).toThrow(/one a process/);
    } finally {
      await first.close();
    }
    let caught: unknown;
    try {
      openInProcessSim(['--arena', '4096']);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(WrtError);
    expect((caught as WrtError).code).toBe('VALUE_INVALID');
    expect((caught as WrtError).message).toMatch(/--arena: at least 65536 bytes/);
    expect(() => openInProcessSim(['--pty'])).toThrow(/not in-process option: --pty/);
    // Closed devices free the slot: a fresh one opens again.
    await openInProcessSim([]).close();
  });

  it('runs the component-model execution tests with the result native-sim gives through its stdio, file by file', async () => {
    const env = { ...process.env, WRT_NATIVE_SIM: buildRealNativeSim() };
    const inProcess = await componentRunConformance(undefined, env, { inProcess: true });
    const overStdio = await componentRunConformance(undefined, env);
    const perFile = (r: typeof inProcess): string[] => r.files.map((f) => `${f.file} ${f.passed}/${f.failed}/${f.skipped}`);
    expect(perFile(inProcess)).toEqual(perFile(overStdio));
    expect(inProcess.failed).toBe(0);
    expect(inProcess.passed).toBe(overStdio.passed);
    expect(inProcess.passed).toBeGreaterThan(250);
  }, 300_000);
});
