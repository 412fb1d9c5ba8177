/**
 * WASI 0.2 commands on a board (docs/component.md, "WASI 0.2 commands"): the HIL wasi suite's
 * hello and stderr-exit, built into wasi:cli/run components with jco's preview1 command adapter
 * (several core modules each), deployed to qemu-mps2-an386, whose fast firmware serves WASI 0.2
 * (BOARD_WASI2) and links the component's core instances under its profile's component block. What
 * the board prints and its exit code are compared with the same component transpiled by jco and
 * run in Node. A board built without WASI 0.2 refuses a command before QEMU starts. Skipped where
 * qemu-system-arm is not installed.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildWasiCommand, type CommandResult, jcoRunCommand } from '../../tools/component/wasi-command.js';
import { packageRoot } from '../../ts/core/paths.js';
import { findExecutable, liveQemuPids } from '../../ts/deploy/qemu.js';

const QEMU = findExecutable('qemu-system-arm') !== undefined;
const root = packageRoot();
let hello = '';
let stderrExit = '';
let jcoHello: CommandResult;
let jcoStderrExit: CommandResult;

/** `wrt-target deploy …` as a user runs it: the program's bytes on stdout and stderr, the exit code. */
function deploy(...args: string[]): { code: number; out: string; err: string[] } {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'wrt-target.js'), 'deploy', ...args], { cwd: root, encoding: 'utf8', timeout: 100_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr.split('\n').filter((line) => line !== '') };
}

beforeAll(async () => {
  if (!QEMU) return;
  hello = await buildWasiCommand(join(root, 'hil', 'suites', 'wasi', 'hello.c'));
  stderrExit = await buildWasiCommand(join(root, 'hil', 'suites', 'wasi', 'stderr-exit.c'));
  jcoHello = await jcoRunCommand(hello, ['board']);
  jcoStderrExit = await jcoRunCommand(stderrExit, []);
}, 300_000);

describe.skipIf(!QEMU)('WASI 0.2 commands on qemu-mps2-an386 (needs qemu-system-arm)', () => {
  it('hello prints what jco prints and exits 0; QEMU is gone afterwards', async () => {
    expect(jcoHello).toEqual({ stdout: 'hello from board\n   42|-7   |beef\n', stderr: '', code: 0 });
    const before = liveQemuPids();
    const board = deploy(hello, 'board', '--target', 'qemu-mps2-an386');
    expect(board.err.filter((line) => !line.startsWith('uploaded '))).toEqual([]);
    expect({ stdout: board.out, code: board.code }).toEqual({ stdout: jcoHello.stdout, code: jcoHello.code });
    expect(liveQemuPids()).toEqual(before);
  }, 120_000);

  it("stderr-exit: its stderr and exit code are jco's", async () => {
    expect(jcoStderrExit.code).toBe(1);
    const board = deploy(stderrExit, '--target', 'qemu-mps2-an386');
    expect(board.code).toBe(jcoStderrExit.code);
    expect(board.out).toBe(jcoStderrExit.stdout);
    expect(board.err.filter((line) => !line.startsWith('uploaded ')).map((line) => `${line}\n`).join('')).toBe(jcoStderrExit.stderr);
  }, 120_000);

  it('a board whose firmware has no WASI 0.2 refuses the command before QEMU starts, naming the budget', async () => {
    const before = liveQemuPids();
    const board = deploy(hello, '--target', 'qemu-lm3s6965evb');
    expect(board.code).toBe(1);
    const text = board.err.join('\n');
    expect(text).toMatch(/WASI 0\.2/);
    expect(text).toMatch(/WRT_CONFIG_WASI2/);
    expect(text).toMatch(/qemu-mps2-an386/);
    expect(liveQemuPids()).toEqual(before);
  }, 120_000);
});
