import { describe, expect, it } from 'vitest';
import { WrtError } from '../../ts/core/errors.js';
import { crc32 } from '../../ts/device/framing.js';
import { wat2wasm } from '../../ts/testsuite/wat.js';
import { resolveLimits } from '../../ts/limits/resolve.js';
import { FIXED_BYTES, decodeProfile, encodeProfile } from '../../ts/profile/binary.js';
import { compileProfile } from '../../ts/profile/compile.js';
import { measureLoadRegions } from '../../ts/profile/load-regions.js';
import { embedProfile, findProfileSection, moduleSha256, stripProfileSection } from '../../ts/profile/section.js';
import type { Profile } from '../../ts/profile/types.js';
import { validateWasm } from '../../ts/wasm/validate.js';
import { HEAP_BASE_MODULE, SIGNING_PUBLIC_KEY } from './helpers.js';

const MODULE = wat2wasm(HEAP_BASE_MODULE);

function profile(): Profile {
  const result = compileProfile({
    analysis: validateWasm(MODULE),
    moduleSha256: moduleSha256(MODULE),
    loadRegions: measureLoadRegions(MODULE, 'test module', 32),
    limits: resolveLimits({ discovered: { maxMemory: { value: 49152, source: 'board' }, maxStack: { value: 8192, source: 'board' } } }),
    target: {
      id: 'qemu-lm3s6965evb',
      host: false,
      pointerBits: 32,
      arch: 'armv7-m',
      maxTableEntries: null,
      hardwareCfi: { features: { shstk: 'no', ibt: 'no', pac: 'no', bti: 'no' }, source: 'none' },
    },
    asil: 'B',
    debug: 'basic',
    overrides: {
      fuel: { value: 5000n, source: 'cli --fuel' },
      hostCalls: { value: 7, source: 'cli --host-calls' },
      hostPolicyByImport: new Map([['env.log', { value: 'log', source: 'cli --host-policy' }]]),
    },
    toolchain: '0.1.0',
  });
  if (!result.ok) throw new Error('profile failed');
  return result.profile;
}

describe('binary profile', () => {
  it('round-trips every enforced number, and the layout is as documented', () => {
    const p = profile();
    const { bytes } = encodeProfile(p);
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    expect(Buffer.from(bytes.subarray(0, 4)).toString('latin1')).toBe('WRTP');
    expect(view.getUint16(4, true)).toBe(5);
    // The debug budget of basic on 48 KiB: 983 bytes of overhead = 8 breakpoints + 118 entries.
    expect([view.getUint32(176, true), view.getUint32(180, true)]).toEqual([118, 8]);
    expect(view.getUint32(8, true)).toBe(bytes.length);
    expect(bytes.length).toBe(FIXED_BYTES + 2 + 'qemu-lm3s6965evb'.length + 2 + 5 + 2 + (2 + 3 + 2 + 3 + 4 + 1) + 4);
    expect(view.getUint32(bytes.length - 4, true)).toBe(crc32(bytes.subarray(0, bytes.length - 4)));
    const d = decodeProfile(bytes);
    expect(d).toMatchObject({
      flags: 1 | 2,
      asil: 'B',
      debug: 'basic',
      memoryRule: 'truncated-to-heap-base',
      moduleSha256: p.moduleSha256,
      profileSha256: p.profileSha256,
      memoryInitialPages: 1,
      memoryMaximumPages: 1,
      memoryBytes: 2048,
      valueSlots: p.stack.valueSlots,
      callDepth: 2,
      fuel: 5000n,
      arenaBytes: p.arena.totalBytes,
      targetId: 'qemu-lm3s6965evb',
      toolchain: '0.1.0',
      imports: [{ module: 'env', name: 'log', budget: 7, policy: 'log' }],
      signingKey: null,
      traceEntries: 118,
      breakpoints: 8,
    });
    expect(p.debugBudget).toEqual({ traceEntries: 118, breakpoints: 8 });
    // The arena holds the trace region: 118 × 8 + 8 × 4 = 976 bytes, last in wrt_arena.c's order.
    expect(p.arena.regions.at(-1)).toMatchObject({ name: 'trace', bytes: 976 });
  });

  it('refuses a debug budget under debug level none, and reads a version 4 profile as not supported', () => {
    const none = encodeProfile({ ...profile(), debug: 'none' }).bytes;
    expect(() => decodeProfile(none)).toThrow(/debug level none with 118 trace entries and 8 breakpoints/);
    const v4 = Uint8Array.from(encodeProfile(profile()).bytes);
    new DataView(v4.buffer).setUint16(4, 4, true);
    expect(() => decodeProfile(v4)).toThrow(/version 4, this tool reads version 5/);
  });

  it('carries the signing key a profile requires after the imports, flagged, and round-trips it', () => {
    const plain = encodeProfile(profile()).bytes;
    const signed = encodeProfile({ ...profile(), signature: { keyName: 'release', publicKey: SIGNING_PUBLIC_KEY } }).bytes;
    expect(signed.length).toBe(plain.length + 32);
    expect(Buffer.from(signed.subarray(signed.length - 36, signed.length - 4)).toString('hex')).toBe(SIGNING_PUBLIC_KEY);
    expect(decodeProfile(signed)).toMatchObject({ flags: 1 | 2 | 16, signingKey: SIGNING_PUBLIC_KEY });
  });

  it('rejects a flipped byte anywhere (CRC or hash) and every truncation with a WrtError naming the offset', () => {
    const { bytes } = encodeProfile(profile());
    for (let i = 0; i < bytes.length; i += 1) {
      const broken = Uint8Array.from(bytes);
      broken[i] = (broken[i] ?? 0) ^ 0x40;
      expect(() => decodeProfile(broken), `byte ${i}`).toThrow(WrtError);
    }
    for (let n = 0; n < bytes.length; n += 1) {
      let error: unknown;
      try {
        decodeProfile(bytes.subarray(0, n), 'p.wrtp');
      } catch (e) {
        error = e;
      }
      expect(error, `prefix ${n}`).toBeInstanceOf(WrtError);
      expect((error as WrtError).location.file).toBe('p.wrtp');
    }
    const flipped = Uint8Array.from(bytes);
    flipped[116] = 9; // call depth
    expect(() => decodeProfile(flipped)).toThrow(/CRC-32/);
  });
});

describe('wrt.profile custom section', () => {
  it('embeds the profile, keeps the module valid, and hashes the module without the section', () => {
    const p = profile();
    const { bytes } = encodeProfile(p);
    const combined = embedProfile(MODULE, bytes);
    expect(combined.length).toBe(MODULE.length + 1 + 2 + 1 + 'wrt.profile'.length + bytes.length);
    expect(validateWasm(combined).customSections.map((s) => s.name)).toContain('wrt.profile');
    expect(Buffer.from(stripProfileSection(combined)).equals(Buffer.from(MODULE))).toBe(true);
    expect(moduleSha256(combined)).toBe(p.moduleSha256);
    const found = findProfileSection(combined);
    expect(found === null ? null : decodeProfile(found).profileSha256).toBe(p.profileSha256);
    // Embedding again replaces the section instead of adding a second one.
    expect(embedProfile(combined, bytes).length).toBe(combined.length);
    expect(findProfileSection(MODULE)).toBeNull();
  });
});
