/**
 * Ctrl-C during a deploy: a child process deploys a program that never ends; SIGINT must stop
 * QEMU and end the child by the signal (deploy's handler cleans up, then re-raises it).
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ensureFirmware } from '../../ts/deploy/firmware.js';
import { compiledScript } from '../support/compiled.js';
import { watModule } from './deploy-helpers.js';
import { isRunning, waitUntilGone } from './processes.js';

describe('deploy and Ctrl-C', () => {
  it('stops QEMU and ends by SIGINT while the program runs', async () => {
    await ensureFirmware('qemu-mps2-an386', 'mps2-an386');
    const child = spawn(process.execPath, [compiledScript('test/deploy/fixtures/deploy-sigint.ts'), watModule('deploy-spin')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    const qemuPid = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the program never ran; stdout: ${stdout} stderr: ${stderr}`)), 20_000);
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /qemu pid (\d+)\n[^]*spinning\n/.exec(stdout);
        if (match !== null) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      });
    });
    expect(isRunning(qemuPid)).toBe(true);
    child.kill('SIGINT');
    expect(await exited).toEqual({ code: null, signal: 'SIGINT' });
    expect(await waitUntilGone(qemuPid, 3000)).toBe(true);
  }, 40_000);
});
