import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../ts/core/paths.js';
import { compiledScript } from '../support/compiled.js';
import { buildRealNativeSim, cFixture, MARKER_VARIABLE, nativeSimsMarked, watFixture } from './helpers.js';

const ROOT = packageRoot();
let addWasm = '';
let helloWasm = '';

beforeAll(() => {
  buildRealNativeSim();
  compiledScript('ts/cli/commands/run.ts');
  addWasm = watFixture('add');
  helloWasm = cFixture('hello');
});

function cli(args: readonly string[], marker = ''): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(ROOT, 'bin', 'wrt-target.js'), 'run', ...args], { encoding: 'utf8', env: { ...process.env, [MARKER_VARIABLE]: marker } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('wrt-target run (compiled CLI)', () => {
  it('prints the result of an export', () => {
    expect(cli([addWasm, '--invoke', 'add', '2', '3'])).toEqual({ status: 0, stdout: 'i32:5\n', stderr: '' });
  });

  it('passes a negative plain number after --', () => {
    expect(cli([addWasm, '--invoke', 'add', '--', '-7', '3'])).toMatchObject({ status: 0, stdout: 'i32:-4\n' });
  });

  it('streams a WASI program byte for byte and exits with its code', () => {
    const marker = `marker-${process.pid}-exit`;
    const run = cli([helloWasm, marker, '42'], marker);
    expect(run.stdout).toBe(`hello ${marker}, 3 args\nline 0:  0.00\nline 1:  1.25\nline 2:  2.50\n`);
    expect(run.stderr).toBe('to stderr\n');
    expect(run.status).toBe(42);
    expect(nativeSimsMarked(marker)).toEqual([]);
  });

  it('exits 1 on a trap and names it', () => {
    const run = cli([addWasm, '--invoke', 'boom']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('trap: unreachable');
  });

  // SIGINT is handled (the session ends); SIGTERM and SIGKILL end the CLI at once while the module
  // runs inside INVOKE, where native-sim reads no pipe: it must notice its parent's death itself.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGKILL'] as const) {
    it(`leaves no native-sim behind when the CLI gets ${signal} during an endless program`, async () => {
      const forever = watFixture('forever');
      const marker = `marker-${process.pid}-${signal}`;
      const child = spawn(process.execPath, [join(ROOT, 'bin', 'wrt-target.js'), 'run', forever, marker], { stdio: 'ignore', env: { ...process.env, [MARKER_VARIABLE]: marker } });
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
      let seen: number[] = [];
      for (let i = 0; i < 100 && seen.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 50));
        seen = nativeSimsMarked(marker);
      }
      expect(seen).toHaveLength(1);
      /* Wait until the program runs (the upload is tiny), then signal the CLI only, not its group. */
      await new Promise((r) => setTimeout(r, 300));
      child.kill(signal);
      expect(await exited).toBe(signal);
      let left = nativeSimsMarked(marker);
      for (let i = 0; i < 40 && left.length > 0; i++) {
        await new Promise((r) => setTimeout(r, 50));
        left = nativeSimsMarked(marker);
      }
      for (const pid of left) process.kill(pid, 'SIGKILL');
      expect(left).toEqual([]);
    });
  }
});
