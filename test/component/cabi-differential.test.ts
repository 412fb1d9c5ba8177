/**
 * The canonical ABI in C (native/component/wrt_cabi.c) against the normative model
 * (definitions.py) through tools/cabi/differential.py: 5,000 seeded cases, no difference in flat
 * values, lifted values, trap and its kind, realloc calls or memory image; every type kind and
 * every trap kind exercised. `npm run differential:cabi -- --cases 100000` is the long run.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../ts/core/paths.js';
import { lockedMake } from '../support/locked-make.js';

interface Summary {
  cases: number;
  differences: number;
  kinds: string[];
  missingKinds: string[];
  traps: Record<string, number>;
}

const root = packageRoot();

function differential(args: string[]): Summary {
  lockedMake(join(root, 'native', 'component'), [], { stdio: 'inherit' });
  const out = execFileSync('python3', [join(root, 'tools', 'cabi', 'differential.py'), '--json', ...args], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as Summary;
}

describe('canonical ABI in C vs definitions.py', () => {
  it('agrees on 5,000 seeded cases, every type kind and trap kind exercised', () => {
    const summary = differential(['--seed', '1', '--cases', '5000']);
    expect(summary.cases).toBe(5000);
    expect(summary.differences).toBe(0);
    expect(summary.missingKinds).toEqual([]);
    expect(summary.kinds).toHaveLength(23);
    const traps = Object.keys(summary.traps).sort();
    expect(traps).toEqual([
      'lift:bad-char',
      'lift:bad-discriminant',
      'lift:bad-string-utf16',
      'lift:bad-string-utf8',
      'lift:handle',
      'lift:misaligned',
      'lift:out-of-bounds',
      'lift:too-long',
      'lower:limit',
      'lower:misaligned',
      'lower:out-of-bounds',
    ]);
  }, 120_000);
});
