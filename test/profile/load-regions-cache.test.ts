/**
 * The load-time regions of a module are measured once per module, native-sim binary and code form:
 * the figures come back from the per-user cache without a process, equal to the measured ones, and
 * a rebuilt binary (another mtime) measures again.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../ts/core/paths.js';
import { measureLoadRegions } from '../../ts/profile/load-regions.js';
import { buildRealNativeSim } from '../run/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'wrt-measure-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('load-region measurements are cached', () => {
  it('spawns native-sim once for the same module and binary, again when the binary changes', () => {
    const sim = buildRealNativeSim();
    const log = join(dir, 'spawns');
    const wrapper = join(dir, 'native-sim');
    writeFileSync(wrapper, `#!/bin/sh\necho "$*" >> "${log}"\nexec "${sim}" "$@"\n`);
    chmodSync(wrapper, 0o755);
    const module = new Uint8Array(readFileSync(join(packageRoot(), 'examples', 'add.wasm')));
    const spawns = (): number => {
      try {
        return readFileSync(log, 'utf8').split('\n').filter((line) => line.startsWith('--measure')).length;
      } catch {
        return 0;
      }
    };
    const first = measureLoadRegions(module, 'add.wasm', 64, process.env, 'fast', wrapper);
    expect(spawns()).toBe(1);
    const second = measureLoadRegions(module, 'add.wasm', 64, process.env, 'fast', wrapper);
    expect(spawns()).toBe(1);
    expect(second).toEqual(first);
    expect(first.code).toBeGreaterThan(0);
    // Another code form is another measurement.
    measureLoadRegions(module, 'add.wasm', 32, process.env, 'fast', wrapper);
    expect(spawns()).toBe(2);
    // A rebuilt binary is another measurement too.
    utimesSync(wrapper, new Date(), new Date(Date.now() + 5000));
    measureLoadRegions(module, 'add.wasm', 64, process.env, 'fast', wrapper);
    expect(spawns()).toBe(3);
  });
});
