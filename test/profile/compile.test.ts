import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { wat2wasm } from '../../ts/testsuite/wat.js';
import { resolveLimits } from '../../ts/limits/resolve.js';
import type { ResolvedLimits } from '../../ts/limits/types.js';
import { encodeProfile } from '../../ts/profile/binary.js';
import { compileProfile, type ProfileInputs } from '../../ts/profile/compile.js';
import { measureLoadRegions } from '../../ts/profile/load-regions.js';
import { profileJson } from '../../ts/profile/json.js';
import { PROFILE_JSON_SCHEMA } from '../../ts/profile/schema.js';
import { moduleSha256 } from '../../ts/profile/section.js';
import type { BudgetError, Profile, TargetFacts } from '../../ts/profile/types.js';
import { validateWasm } from '../../ts/wasm/validate.js';
import { type FirmwareCfi, firmwareCfiFacts } from '../../ts/cfi/firmware-cfi.js';
import type { MarkState } from '../../ts/cfi/file-report.js';
import { loadTarget } from '../../ts/targets/index.js';
import { HEAP_BASE_MODULE, RECURSIVE_MODULE } from './helpers.js';

// The board of qemu-lm3s6965evb: 48 KiB for modules, less than one 64 KiB page.
const BOARD_LIMITS: ResolvedLimits = resolveLimits({
  discovered: {
    platform: { value: 'embedded', source: 'target board: kind' },
    maxMemory: { value: 49152, source: 'target board: sram - firmware reserve' },
    maxStack: { value: 8192, source: 'target board: memory.defaultStackBytes' },
  },
});

const BOARD: TargetFacts = {
  id: 'board',
  host: false,
  pointerBits: 32,
  arch: 'armv7-m',
  maxTableEntries: { value: 64, source: 'target board: wasm.maxTableEntries' },
  hardwareCfi: { features: { shstk: 'no', ibt: 'no', pac: 'no', bti: 'no' }, source: 'target board: features.hardwareCfi none' },
};

const HOST: TargetFacts = {
  id: 'linux-host',
  host: true,
  pointerBits: 64,
  arch: 'x86_64',
  maxTableEntries: null,
  hardwareCfi: { features: { shstk: 'no', ibt: 'no', pac: 'no', bti: 'no' }, source: 'recorded cfi-report: shstk no' },
};

const HOST_LIMITS: ResolvedLimits = resolveLimits({
  discovered: { maxMemory: { value: 64 * 1024 * 1024, source: 'cgroup v2 memory.max' } },
});

function inputs(text: string, change: Partial<ProfileInputs> = {}): ProfileInputs {
  const bytes = wat2wasm(text);
  return {
    analysis: validateWasm(bytes),
    moduleSha256: moduleSha256(bytes),
    loadRegions: measureLoadRegions(bytes, 'test module', (change.target ?? BOARD).pointerBits),
    limits: BOARD_LIMITS,
    target: BOARD,
    asil: 'QM',
    debug: 'none',
    overrides: {},
    toolchain: '0.1.0',
    ...change,
  };
}

function ok(input: ProfileInputs): Profile {
  const result = compileProfile(input);
  if (!result.ok) throw new Error(result.errors.map((e) => `${e.budget}: ${e.needs}`).join('; '));
  return result.profile;
}

function errors(input: ProfileInputs): readonly BudgetError[] {
  const result = compileProfile(input);
  if (result.ok) throw new Error('profile compiled, expected budget errors');
  return result.errors;
}

const FUEL = { fuel: { value: 10000n, source: 'cli --fuel' } };
// RFC 8032 test 1's public key, named as `--signing-key release.pub` names it.
const KEY = { keyName: 'release', publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a' };
/** What C and D require besides fuel: a named signing key. */
const SIGNED = { ...FUEL, signingKey: { value: KEY, source: 'cli --signing-key release.pub' } };

describe('determinism and binding', () => {
  it('gives byte-identical JSON and binary for the same inputs, and binds the module hash', () => {
    const a = ok(inputs(HEAP_BASE_MODULE, { asil: 'B', overrides: FUEL }));
    const b = ok(inputs(HEAP_BASE_MODULE, { asil: 'B', overrides: FUEL }));
    expect(profileJson(a)).toBe(profileJson(b));
    expect(Buffer.from(encodeProfile(a).bytes).equals(Buffer.from(encodeProfile(b).bytes))).toBe(true);
    expect(a.profileSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(a.profileSha256).toBe(encodeProfile(a).profileSha256);
    expect(Object.keys(JSON.parse(profileJson(a)) as object)).toEqual([
      'schema', 'schemaVersion', 'moduleSha256', 'moduleBytes', 'target', 'toolchain', 'asil', 'debug', 'debugBudget', 'memory', 'tables', 'globals', 'stack',
      'fuel', 'imports', 'arena', 'cfi', 'signature', 'components', 'derivations', 'profileSha256',
    ]);
    const other = ok(inputs(HEAP_BASE_MODULE.replace('i32.const 1)', 'i32.const 2)'), { asil: 'B', overrides: FUEL }));
    expect(other.moduleSha256).not.toBe(a.moduleSha256);
    expect(other.profileSha256).not.toBe(a.profileSha256);
  });
});

describe('JSON schema of wrt-target/profile', () => {
  it('accepts the JSON the compiler writes and rejects an extra or a missing key', () => {
    const validate = new Ajv({ allErrors: true, strict: true }).compile(PROFILE_JSON_SCHEMA);
    const json = JSON.parse(profileJson(ok(inputs(HEAP_BASE_MODULE, { asil: 'B', overrides: FUEL })))) as Record<string, unknown>;
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...json, timestamp: 1 })).toBe(false);
    const { fuel: _fuel, ...missing } = json;
    expect(validate(missing)).toBe(false);
    expect(validate({ ...json, stack: { ...(json.stack as object), callDepth: 0 } })).toBe(false);
  });
});

describe('linear memory', () => {
  it('truncates a one-page module with __heap_base and no memory.grow to fit a 48 KiB board, and says which rule', () => {
    const p = ok(inputs(HEAP_BASE_MODULE));
    expect(p.memory).toEqual({ initialPages: 1, maximumPages: 1, bytes: 2048, truncated: true, rule: 'truncated-to-heap-base' });
    expect(p.derivations.find((d) => d.budget === 'memory')?.rule).toContain('exports __heap_base and never uses memory.grow');
    expect(p.arena.totalBytes).toBeLessThanOrEqual(p.arena.budgetBytes);
  });

  it('refuses a module without __heap_base whose page does not fit, naming the limit and why truncation is not allowed', () => {
    const errs = errors(inputs('(module (memory 1) (func (export "f")))'));
    // The page also overflows the arena: both budgets are reported.
    expect(errs.map((e) => e.budget)).toEqual(['linear memory', 'arena']);
    expect(errs[0]).toMatchObject({ budget: 'linear memory', gives: '0 pages (0 bytes)', code: 'LIMIT_EXCEEDED' });
    expect(errs[0]?.needs).toBe('1 pages (65536 bytes); truncation not allowed: no exported __heap_base');
    expect(errs[0]?.source).toContain('derived:');
  });

  it('keeps whole pages where they fit, unless truncation is asked for', () => {
    const host = { limits: HOST_LIMITS, target: { ...HOST, host: false } };
    expect(ok(inputs(HEAP_BASE_MODULE, host)).memory).toMatchObject({ bytes: 65536, truncated: false, rule: 'declared-pages' });
    expect(ok(inputs(HEAP_BASE_MODULE, { ...host, overrides: { truncateMemory: 'always' } })).memory.bytes).toBe(2048);
  });

  it('at C a growing memory needs a declared maximum; at QM it is capped', () => {
    const grow = '(module (memory 1) (func (export "g") (result i32) (memory.grow (i32.const 1))))';
    const at = { limits: HOST_LIMITS, target: { ...HOST, host: false } };
    const c = errors(inputs(grow, { ...at, asil: 'C', overrides: SIGNED }));
    expect(c.map((e) => e.budget)).toEqual(['memory maximum']);
    expect(c[0]?.needs).toBe('memory.grow without a declared maximum');
    const qm = ok(inputs(grow, at));
    expect(qm.memory.maximumPages).toBe(Math.floor(HOST_LIMITS.maxLinearMemory.value / 65536));
  });
});

describe('ASIL presets', () => {
  it('requires a fuel bound from A', () => {
    expect(ok(inputs(HEAP_BASE_MODULE)).fuel).toBeNull();
    const a = errors(inputs(HEAP_BASE_MODULE, { asil: 'A' }));
    expect(a.map((e) => e.budget)).toEqual(['fuel']);
    expect(a[0]?.gives).toBe('ASIL A requires one (--fuel N)');
    expect(ok(inputs(HEAP_BASE_MODULE, { asil: 'A', overrides: FUEL })).fuel).toBe(10000n);
  });

  it('refuses recursion at C without an explicit depth, and sizes the stack from a given depth', () => {
    const c = errors(inputs(RECURSIVE_MODULE, { asil: 'C', overrides: SIGNED }));
    expect(c.map((e) => e.budget)).toEqual(['call depth']);
    expect(c[0]?.needs).toBe('unbounded (recursion: function 0 -> function 0)');
    const given = ok(inputs(RECURSIVE_MODULE, { asil: 'C', overrides: { ...SIGNED, callDepth: { value: 20, source: 'cli --call-depth' } } }));
    // fac's frame: 1 param + 0 locals + 1 spill slot + 3 operands at most (local, local, const).
    expect(given.stack).toMatchObject({ callDepth: 20, valueSlots: 20 * 5 });
    const qm = ok(inputs(RECURSIVE_MODULE));
    expect(qm.stack.callDepth).toBe(256);
  });

  it('requires a module signed by a named key from C, and records the key when one is named below C', () => {
    const c = errors(inputs(HEAP_BASE_MODULE, { asil: 'C', overrides: FUEL }));
    expect(c.map((e) => [e.code, e.budget, e.gives])).toEqual([['SIGNING_KEY_REQUIRED', 'signature', 'no key named']]);
    expect(ok(inputs(HEAP_BASE_MODULE, { asil: 'C', overrides: SIGNED })).signature).toEqual(KEY);
    expect(ok(inputs(HEAP_BASE_MODULE, { asil: 'B', overrides: FUEL })).signature).toBeNull();
    const named = ok(inputs(HEAP_BASE_MODULE, { asil: 'B', overrides: SIGNED }));
    expect(named.signature).toEqual(KEY);
    expect(named.derivations.find((d) => d.budget === 'signature')).toMatchObject({ value: 'by key release (d75a980182b10ab7…)', source: 'cli --signing-key release.pub' });
  });

  it('refuses debug level full at D', () => {
    const d = errors(inputs(HEAP_BASE_MODULE, { asil: 'D', debug: 'full', overrides: SIGNED }));
    expect(d.map((e) => e.budget)).toEqual(['debug level']);
  });

  it('at C on a host target requires the shadow stack and names it when missing', () => {
    const hostInputs = { limits: HOST_LIMITS, target: HOST, asil: 'C' as const, overrides: SIGNED };
    const refused = errors(inputs(HEAP_BASE_MODULE, hostInputs));
    expect(refused).toEqual([
      {
        code: 'CFI_REQUIREMENT_UNMET',
        budget: 'hardware CFI shstk',
        needs: 'shadow stack (Intel CET SHSTK) enforced for the process',
        gives: 'missing',
        source: 'recorded cfi-report: shstk no',
      },
    ]);
    const withCet = { ...HOST, hardwareCfi: { features: { shstk: 'yes', ibt: 'no', pac: 'no', bti: 'no' }, source: 'recorded: shstk yes' } } as const;
    expect(ok(inputs(HEAP_BASE_MODULE, { ...hostInputs, target: withCet })).cfi.hardwareRequired).toEqual(['shstk']);
    // A board is not a host target: software CFI only.
    expect(ok(inputs(HEAP_BASE_MODULE, { asil: 'C', overrides: SIGNED })).cfi.hardwareRequired).toEqual([]);
  });

  it('at C on a PACBTI board requires the marks of its firmware, read from the image', () => {
    const an547 = loadTarget('qemu-mps3-an547');
    const mark = (state: MarkState) => ({ state, detail: `recorded ${state}` });
    const facts = (firmware: FirmwareCfi | null): TargetFacts => ({
      ...BOARD,
      id: an547.id,
      arch: 'armv8.1-m.main',
      hardwareCfi: firmwareCfiFacts(an547, firmware, 'no image'),
    });
    const marked = facts({ file: 'interp.elf', pac: mark('present'), bti: mark('present') });
    expect(marked.hardwareCfi.source).toBe('target qemu-mps3-an547: features.hardwareCfi pacbti; firmware interp.elf: PAC present, BTI present (cortex-m55 has no PACBTI and runs them as NOPs)');
    expect(ok(inputs(HEAP_BASE_MODULE, { asil: 'C', overrides: SIGNED, target: marked })).cfi.hardwareRequired).toEqual(['pac', 'bti']);
    // Below C the marks are not required.
    const plain = facts({ file: 'interp.elf', pac: mark('absent'), bti: mark('present') });
    expect(ok(inputs(HEAP_BASE_MODULE, { asil: 'B', overrides: FUEL, target: plain })).cfi.hardwareRequired).toEqual([]);
    expect(errors(inputs(HEAP_BASE_MODULE, { asil: 'C', overrides: SIGNED, target: plain }))).toEqual([
      {
        code: 'CFI_REQUIREMENT_UNMET',
        budget: 'hardware CFI pac',
        needs: 'return addresses signed (PAC) in the firmware of qemu-mps3-an547',
        gives: 'the firmware has no such marks',
        source: plain.hardwareCfi.source,
      },
    ]);
    expect(errors(inputs(HEAP_BASE_MODULE, { asil: 'D', overrides: SIGNED, target: facts(null) })).map((e) => [e.budget, e.gives])).toEqual([
      ['hardware CFI pac', 'not established (unknown)'],
      ['hardware CFI bti', 'not established (unknown)'],
    ]);
    // A board not built for hardware CFI needs none.
    expect(firmwareCfiFacts(loadTarget('qemu-mps2-an505'), null, 'no image').required).toEqual([]);
  });
});

describe('budget errors name the budget, the need, the target value and its source', () => {
  it('reports every budget not met at once', () => {
    const errs = errors(
      inputs(HEAP_BASE_MODULE, {
        overrides: {
          callDepth: { value: 1, source: 'cli --call-depth' },
          valueSlots: { value: 3, source: 'cli --value-stack' },
          allowedImports: { value: ['env.add'], source: 'cli --allow-import' },
        },
      }),
    );
    expect(errs.map((e) => [e.budget, e.needs, e.gives, e.source])).toEqual([
      ['call depth', '2 frames', '1 frame', 'cli --call-depth'],
      ['value stack slots', '7 slots', '3 slots', 'cli --value-stack'],
      ['import env.log', 'the host function env.log (i32) -> ()', 'allowed: env.add', 'cli --allow-import'],
    ]);
  });

  it('checks the arena against the RAM left after the firmware', () => {
    const big = `(module (memory 1) (global $hb i32 (i32.const 40000)) (export "__heap_base" (global $hb)) (func (export "f")))`;
    const fits = ok(inputs(big));
    expect(fits.memory.bytes).toBe(40000);
    const tiny = resolveLimits({ discovered: { platform: { value: 'embedded', source: 'test' }, maxMemory: { value: 40960, source: 'target tiny: ram - firmware reserve' }, maxStack: { value: 4096, source: 'test' } } });
    const errs = errors(inputs(big, { limits: tiny }));
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatchObject({ code: 'BUDGET_EXCEEDED', budget: 'arena', gives: '40960 bytes' });
    expect(errs[0]?.needs).toMatch(/^\d+ bytes \(runtime 336 \+ meta \d+ .*memory 40000/);
    expect(errs[0]?.source).toContain('target tiny: ram - firmware reserve');
  });
});

describe('a growth cap the toolchain chooses leaves room for the other regions', () => {
  // 256 KiB for modules: the linear-memory limit alone would give memory most of it.
  const SMALL_BOARD: ResolvedLimits = resolveLimits({
    discovered: {
      platform: { value: 'embedded', source: 'target small: kind' },
      maxMemory: { value: 262144, source: 'target small: sram - firmware reserve' },
      maxStack: { value: 8192, source: 'target small: memory.defaultStackBytes' },
    },
  });
  const GROWS = `(module (memory 1) (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))`;

  it('caps memory.grow at the pages the arena still holds, and says so', () => {
    // A deep value stack (128 KiB) leaves the arena room for one page, not the limit's three.
    const result = compileProfile(inputs(GROWS, { limits: SMALL_BOARD, overrides: { valueSlots: { value: 16384, source: 'test' } } }));
    if (!result.ok) throw new Error(result.errors.map((e) => e.budget).join(', '));
    const p = result.profile;
    const linearPages = Math.floor(SMALL_BOARD.maxLinearMemory.value / 65536);
    expect(linearPages).toBe(3);
    expect(p.memory.maximumPages).toBe(1);
    expect(p.arena.totalBytes).toBeLessThanOrEqual(262144);
    // One page more would not have fitted.
    expect(p.arena.totalBytes + 65536).toBeGreaterThan(262144);
    expect(p.derivations.some((d) => d.budget === 'memory' && d.rule.startsWith('growth capped further so that the arena fits'))).toBe(true);
  });

  it('keeps a maximum the module declares itself at C and D: the arena error stands', () => {
    const declared = `(module (memory 1 3) (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))`;
    const result = compileProfile(
      inputs(declared, { limits: SMALL_BOARD, asil: 'C', overrides: { ...SIGNED, fuel: { value: 1000n, source: 'test' }, valueSlots: { value: 16384, source: 'test' } } }),
    );
    expect(result.ok ? null : result.errors.map((e) => e.budget)).toEqual(['arena']);
  });
});

describe('target-sized defaults on a small board', () => {
  /** A module laid out as wasm-ld lays one out: 16 bytes of data at 1024, then the stack, __heap_base at its top. */
  function linked(stack: number): string {
    const top = 1024 + 16 + stack;
    return `(module
      (memory (export "memory") ${Math.ceil(top / 65536)})
      (global $sp (mut i32) (i32.const ${top}))
      (global (export "__heap_base") i32 (i32.const ${top}))
      (data (i32.const 1024) "0123456789abcdef")
      (func (export "_start") (global.set $sp (i32.sub (global.get $sp) (i32.const 16)))))`;
  }

  it('a module linked with the 64 KiB default stack: the error gives a stack size that fits, and it does', () => {
    const failed = errors(inputs(linked(65536)));
    expect(failed.map((e) => e.budget)).toEqual(['arena']);
    const advice = /link with -Wl,-z,stack-size=(\d+)/.exec(failed[0]?.needs ?? '');
    expect(advice).not.toBeNull();
    const size = Number(advice?.[1]);
    expect(failed[0]?.needs).toContain('the stack wasm-ld placed in its memory must shrink by');
    const fits = ok(inputs(linked(size)));
    expect(fits.memory).toMatchObject({ truncated: true, rule: 'truncated-to-heap-base', bytes: 1024 + 16 + size });
    expect(fits.arena.totalBytes).toBeLessThanOrEqual(BOARD_LIMITS.maxMemory.value);
    // 1 KiB more stack than advised no longer fits.
    expect(errors(inputs(linked(size + 1024))).map((e) => e.budget)).toEqual(['arena']);
  });

  it('a recursion depth from the preset comes down to what the arena holds, and says so', () => {
    const roomy = ok(inputs(RECURSIVE_MODULE, { limits: HOST_LIMITS, target: BOARD }));
    expect(roomy.stack.callDepth).toBe(256);
    const small = resolveLimits({ discovered: { platform: { value: 'embedded', source: 'test' }, maxMemory: { value: roomy.arena.totalBytes - 4096, source: 'test board' }, maxStack: { value: 1024, source: 'test board' } } });
    const fitted = ok(inputs(RECURSIVE_MODULE, { limits: small, target: BOARD }));
    expect(fitted.stack.callDepth).toBeLessThan(256);
    expect(fitted.arena.totalBytes).toBeLessThanOrEqual(roomy.arena.totalBytes - 4096);
    expect(fitted.stack.valueSlots).toBe(fitted.stack.callDepth * (roomy.stack.valueSlots / 256));
    expect(fitted.derivations.find((d) => d.budget === 'call depth' && d.rule.startsWith('the preset depth 256 does not fit this target'))?.value).toBe(String(fitted.stack.callDepth));
    // A depth given explicitly is the user's statement: never lowered, the arena error stands.
    expect(errors(inputs(RECURSIVE_MODULE, { limits: small, target: BOARD, overrides: { callDepth: { value: 256, source: 'cli --call-depth' } } })).map((e) => e.budget)).toEqual(['arena']);
  });
});

describe('a wasm-ld module without __heap_base on a board below one page', () => {
  it('names both flags: the stack size and the export that allows truncation', () => {
    const module = `(module
      (memory (export "memory") 2)
      (global $sp (mut i32) (i32.const ${1040 + 65536}))
      (data (i32.const 1024) "0123456789abcdef")
      (func (export "_start") (global.set $sp (i32.sub (global.get $sp) (i32.const 16)))))`;
    const failed = errors(inputs(module));
    const arena = failed.find((e) => e.budget === 'arena');
    expect(arena?.needs).toMatch(/link with -Wl,-z,stack-size=\d+ -Wl,--export=__heap_base/);
  });
});
