/**
 * The C decoder (native/profile) reads what the TS encoder writes: every field, the profile hash,
 * the module hash over a module with the profile embedded, and the interpreter layout it sets.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../ts/core/paths.js';
import { wat2wasm } from '../../ts/testsuite/wat.js';
import { resolveLimits } from '../../ts/limits/resolve.js';
import { encodeProfile } from '../../ts/profile/binary.js';
import { compileProfile } from '../../ts/profile/compile.js';
import { measureLoadRegions } from '../../ts/profile/load-regions.js';
import { embedProfile, moduleSha256 } from '../../ts/profile/section.js';
import type { Profile } from '../../ts/profile/types.js';
import { validateWasm } from '../../ts/wasm/validate.js';
import { HEAP_BASE_MODULE, SIGNING_PUBLIC_KEY, tempDir } from './helpers.js';
import { lockedMake } from '../support/locked-make.js';

const DUMP = resolve(packageRoot(), 'build', 'profile', 'wrt_profile_dump');
const MODULE = wat2wasm(HEAP_BASE_MODULE);

beforeAll(() => {
  lockedMake(resolve(packageRoot(), 'native', 'profile'));
});

function compile(): Profile {
  const result = compileProfile({
    analysis: validateWasm(MODULE),
    moduleSha256: moduleSha256(MODULE),
    loadRegions: measureLoadRegions(MODULE, 'test module', 64),
    limits: resolveLimits({ discovered: { maxMemory: { value: 16 * 1024 * 1024, source: 'test' } } }),
    // 64-bit like the host the driver runs on, so wrt_layout_bytes must equal the profile's arena.
    target: { id: 'native-sim', host: true, pointerBits: 64, arch: 'x86_64', maxTableEntries: null, hardwareCfi: { features: { shstk: 'yes', ibt: 'no', pac: 'no', bti: 'no' }, source: 'recorded' } },
    asil: 'C',
    debug: 'basic',
    overrides: {
      fuel: { value: 123456789012n, source: 'cli --fuel' },
      hostCallsByImport: new Map([['env.log', { value: 9, source: 'cli' }]]),
      hostPolicyByImport: new Map([['env.log', { value: 'log', source: 'cli' }]]),
      signingKey: { value: { keyName: 'release', publicKey: SIGNING_PUBLIC_KEY }, source: 'cli --signing-key' },
    },
    toolchain: '0.1.0',
  });
  if (!result.ok) throw new Error('profile failed');
  return result.profile;
}

function dump(...files: string[]): { status: number | null; fields: Map<string, string[]> } {
  const run = spawnSync(DUMP, files, { encoding: 'utf8' });
  const fields = new Map<string, string[]>();
  for (const line of run.stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq);
    fields.set(key, [...(fields.get(key) ?? []), line.slice(eq + 1)]);
  }
  return { status: run.status, fields };
}

describe('C decoder of the binary profile', () => {
  it('reads every field the TS encoder wrote and sets the same arena layout', () => {
    const p = compile();
    const dir = tempDir();
    const file = join(dir, 'p.wrtp');
    const bytes = encodeProfile(p).bytes;
    writeFileSync(file, bytes);
    const combined = join(dir, 'app.wasm');
    writeFileSync(combined, embedProfile(MODULE, bytes));
    const { status, fields } = dump(file, combined);
    expect(status).toBe(0);
    const get = (key: string): string | undefined => fields.get(key)?.[0];
    expect(get('asil')).toBe('3');
    expect(get('debug')).toBe('1');
    expect(get('hardware_cfi')).toBe('1');
    expect(get('module_sha256')).toBe(p.moduleSha256);
    expect(get('profile_sha256')).toBe(p.profileSha256);
    expect(get('memory_bytes')).toBe(`${p.memory.bytes}`);
    expect(get('value_slots')).toBe(`${p.stack.valueSlots}`);
    expect(get('call_depth')).toBe(`${p.stack.callDepth}`);
    expect(get('fuel')).toBe('123456789012');
    expect(get('target_id')).toBe('native-sim');
    expect(fields.get('import')).toEqual(['env.log:9:2']);
    expect(get('signing_key')).toBe(SIGNING_PUBLIC_KEY);
    // basic on 16 MiB: the level's bounds, 1024 entries and 8 breakpoints, in the arena's trace region.
    expect([get('trace_entries'), get('breakpoints')]).toEqual(['1024', '8']);
    expect(get('layout_bytes')).toBe(`${p.arena.totalBytes}`);
    expect(get('module_check')).toBe('0');
  });

  it('refuses a corrupted profile (CRC) and a module that is not the profiled one (hash)', () => {
    const p = compile();
    const dir = tempDir();
    const bytes = encodeProfile(p).bytes;
    const broken = Uint8Array.from(bytes);
    broken[116] = (broken[116] ?? 0) + 1;
    writeFileSync(join(dir, 'broken.wrtp'), broken);
    expect(dump(join(dir, 'broken.wrtp'))).toMatchObject({ status: 1, fields: new Map([['status', ['5']]]) });
    writeFileSync(join(dir, 'short.wrtp'), bytes.subarray(0, 100));
    expect(dump(join(dir, 'short.wrtp')).fields.get('status')).toEqual(['1']);
    const other = wat2wasm(HEAP_BASE_MODULE.replace('i32.const 1)', 'i32.const 3)'));
    writeFileSync(join(dir, 'p.wrtp'), bytes);
    writeFileSync(join(dir, 'other.wasm'), embedProfile(other, bytes));
    expect(dump(join(dir, 'p.wrtp'), join(dir, 'other.wasm')).fields.get('module_check')).toEqual(['7']);
  });
});
