import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../ts/cli/main.js';
import { BufferedOutput } from '../../ts/core/output.js';
import { packageRoot } from '../../ts/core/paths.js';
import type { ExecutableTest } from '../../ts/hil/executor.js';
import { NativeSimExecutor } from '../../ts/hil/executors/native-sim.js';
import { buildRealNativeSim, nativeSimChildren, watFixture } from '../run/helpers.js';
import { readFileSync } from 'node:fs';

const ROOT = packageRoot();

beforeAll(() => {
  buildRealNativeSim();
});

interface JsonReport {
  summary: Record<string, number>;
  differential: { reference: string; compared: number; disagreements: unknown[] };
  boards: { board: { id: string }; results: { test: string; status: string }[] }[];
  failed: boolean;
}

describe('HIL on native-sim', () => {
  it('passes smoke and wasi on native-sim and V8 with no disagreement', async () => {
    const out = new BufferedOutput();
    const map = join(ROOT, 'hil', 'maps', 'local.yaml');
    const code = await main(['node', 'wrt-target', 'hil', 'run', 'smoke', 'wasi', '--hardware-map', map, '--differential', '--json'], {
      output: out,
    });
    const report = JSON.parse(out.text) as JsonReport;
    const sim = report.boards.find((b) => b.board.id === 'native-sim');
    expect(sim?.results.filter((r) => r.status !== 'pass')).toEqual([]);
    expect(sim?.results).toHaveLength(17);
    expect(report.differential).toEqual({ reference: 'v8', compared: 17, disagreements: [] });
    expect(report.summary).toMatchObject({ pass: 34, fail: 0, error: 0, timeout: 0, disagreements: 0 });
    expect(report.failed).toBe(false);
    expect(code).toBe(0);
    expect(nativeSimChildren()).toEqual([]);
  });

  it('reports traps, exits and rejections as outcomes, and passes a new argv over ARGS to the same native-sim', async () => {
    const executor = new NativeSimExecutor();
    await executor.open();
    const bytes = new Uint8Array(readFileSync(watFixture('add')));
    const test = (id: string, entry: ExecutableTest['entry']): ExecutableTest => ({ id, module: { bytes, sha256: '' }, entry, timeoutMs: 5000 });
    const signal = new AbortController().signal;
    try {
      expect(await executor.run(test('a', { kind: 'invoke', export: 'add', args: [{ type: 'i32', bits: '4294967295' }, { type: 'i32', bits: '3' }] }), signal)).toEqual({
        kind: 'returned',
        results: [{ type: 'i32', bits: '2' }],
        stdout: '',
        stderr: '',
      });
      expect(await executor.run(test('b', { kind: 'invoke', export: 'boom', args: [] }), signal)).toMatchObject({ kind: 'trapped', trap: ['unreachable'] });
      expect(await executor.run(test('c', { kind: 'invoke', export: 'add', args: [{ type: 'i64', bits: '1' }] }), signal)).toMatchObject({
        kind: 'rejected',
        stage: 'entry',
      });
      expect(await executor.run(test('d', { kind: 'invoke', export: 'nope', args: [] }), signal)).toMatchObject({ kind: 'rejected', stage: 'entry' });
      expect(nativeSimChildren()).toHaveLength(1);
      const before = nativeSimChildren();
      expect(await executor.run(test('e', { kind: 'command', args: ['x', 'y'], env: {}, stdin: '' }), signal)).toMatchObject({ kind: 'rejected' });
      const after = nativeSimChildren();
      // Program arguments travel in ARGS, as on a board: the same process serves the command.
      expect(after).toEqual(before);
      const junk = { ...test('f', { kind: 'invoke', export: 'f', args: [] }), module: { bytes: Uint8Array.from([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0]), sha256: '' } };
      expect(await executor.run(junk, signal)).toMatchObject({ kind: 'rejected', stage: 'compile' });
    } finally {
      await executor.close();
    }
    expect(nativeSimChildren()).toEqual([]);
  });

  it('stops a hung module at the abort signal, and runs again after reset', async () => {
    const executor = new NativeSimExecutor();
    await executor.open();
    const bytes = new Uint8Array(readFileSync(watFixture('add')));
    try {
      const before = nativeSimChildren();
      expect(before).toHaveLength(1);
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 200);
      const hung = await executor.run({ id: 'spin', module: { bytes, sha256: '' }, entry: { kind: 'invoke', export: 'spin', args: [] }, timeoutMs: 200 }, controller.signal);
      expect(hung).toEqual({ kind: 'error', message: 'stopped at the timeout' });
      await executor.reset();
      const after = nativeSimChildren();
      expect(after).toHaveLength(1);
      expect(after).not.toEqual(before);
      const add = await executor.run(
        { id: 'add', module: { bytes, sha256: '' }, entry: { kind: 'invoke', export: 'add', args: [{ type: 'i32', bits: '1' }, { type: 'i32', bits: '2' }] }, timeoutMs: 5000 },
        new AbortController().signal,
      );
      expect(add).toMatchObject({ kind: 'returned', results: [{ type: 'i32', bits: '3' }] });
    } finally {
      await executor.close();
    }
    expect(nativeSimChildren()).toEqual([]);
  });
});
