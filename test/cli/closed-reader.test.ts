/**
 * A reader that goes away before the CLI writes (`wrt-target ... | head -1`) is not a crash: the
 * command ends with its own exit code and prints no EPIPE stack, as it did before, where an
 * unhandled EPIPE killed `deploy` in the middle of a session.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../ts/core/paths.js';

const BIN = join(packageRoot(), 'bin', 'wrt-target.js');

function withClosedStdout(args: readonly string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    // Closed before the child writes a byte: every write it makes meets EPIPE.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('stdout closed by its reader', () => {
  it.each([
    [['deploy', '--help'], 0],
    [['run', join(packageRoot(), 'examples', 'add.wasm'), '--invoke', 'add', '2', '3'], 0],
    [['validate', join(packageRoot(), 'examples', 'add.wasm')], 0],
  ] as const)('%j ends with exit code %i and no EPIPE', async (args, expected) => {
    const { code, stderr } = await withClosedStdout(args);
    expect(stderr).not.toMatch(/EPIPE|Unhandled 'error'/);
    expect(code).toBe(expected);
  }, 60_000);
});
