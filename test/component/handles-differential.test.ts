/**
 * The component runtime's handle tables (native/component/wrt_handles.c) against the normative
 * model (definitions.py) through tools/cabi/handles.py: 5,000 seeded sequences of resource.new /
 * drop / rep, lower and lift of own and borrow handles, lends and task returns; no difference in
 * any operation's index, rep or destructor call, or in the trap and its kind; every operation and
 * every trap kind exercised. A driver that answers one trap kind wrong is caught.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../ts/core/paths.js';
import { lockedMake } from '../support/locked-make.js';

interface Summary {
  readonly cases: number;
  readonly operations: number;
  readonly differences: number;
  readonly operationKinds: readonly string[];
  readonly traps: Readonly<Record<string, number>>;
}

const root = packageRoot();
const driver = join(root, 'build', 'cabi', 'handles-driver');
const scratch = mkdtempSync(join(tmpdir(), 'wrt-handles-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function handles(args: readonly string[]): { readonly status: number | null; readonly summary: Summary } {
  lockedMake(join(root, 'native', 'component'), [], { stdio: 'inherit' });
  const run = spawnSync('python3', [join(root, 'tools', 'cabi', 'handles.py'), '--json', ...args], { cwd: root, encoding: 'utf8' });
  return { status: run.status, summary: JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as Summary };
}

describe('handle tables in C vs definitions.py', () => {
  it('agree on 5,000 seeded sequences, every operation and trap kind exercised', () => {
    const { status, summary } = handles(['--seed', '1', '--cases', '5000']);
    expect(summary.cases).toBe(5000);
    expect(summary.differences).toBe(0);
    expect(status).toBe(0);
    expect(summary.operations).toBeGreaterThan(20_000);
    expect(summary.operationKinds).toEqual(['b', 'd', 'e', 'l', 'n', 'o', 'p', 'r']);
    expect(Object.keys(summary.traps).sort()).toEqual(['borrows', 'full', 'invalid', 'lent', 'not-own', 'type']);
  }, 120_000);

  it('reports differences when the C answers a trap kind wrong', () => {
    const wrong = join(scratch, 'wrong-driver');
    // "lent" (3) answered as "not own" (4): the check order the model fixes.
    writeFileSync(wrong, `#!/bin/sh\n"${driver}" | sed -u 's/T3$/T4/'\n`);
    chmodSync(wrong, 0o755);
    const { status, summary } = handles(['--seed', '1', '--cases', '2000', '--driver', wrong, '--show', '0']);
    expect(summary.differences).toBeGreaterThan(0);
    expect(status).toBe(1);
  }, 120_000);
});
