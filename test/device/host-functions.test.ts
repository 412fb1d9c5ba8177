/** The TS list of what a device offers is the C table, entry for entry. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../ts/core/paths.js';
import { DEVICE_HOST_FUNCTIONS, ENGINE_HOST_FUNCTIONS } from '../../ts/device/host-functions.js';

describe('device host functions', () => {
  it('equal native/interp/wrt_wasi.c\'s entries table, in order, with their signatures', () => {
    const source = readFileSync(join(packageRoot(), 'native', 'interp', 'wrt_wasi.c'), 'utf8');
    const table = /static const wasi_entry entries\[[^\]]*\] = \{([\s\S]*?)\n\};/.exec(source)?.[1] ?? '';
    const entries = [...table.matchAll(/\{\s*"([a-z_]+)",\s*"([iIfF:]*)",/g)].map((m) => ({ module: 'wasi_snapshot_preview1', name: m[1], signature: m[2] }));
    expect(entries.length).toBeGreaterThan(10);
    expect(DEVICE_HOST_FUNCTIONS).toEqual(entries);
  });

  it('add the engine\'s logging import as native/engine/wrt_engine_host.h defines it', () => {
    const header = readFileSync(join(packageRoot(), 'native', 'engine', 'wrt_engine_host.h'), 'utf8');
    const define = (name: string): string | undefined => new RegExp(`#define WRT_ENGINE_LOG_${name} "([^"]*)"`).exec(header)?.[1];
    expect(ENGINE_HOST_FUNCTIONS).toEqual([{ module: define('MODULE'), name: define('NAME'), signature: define('SIGNATURE') }]);
  });
});
