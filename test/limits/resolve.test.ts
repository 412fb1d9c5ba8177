import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../ts/limits/defaults.js';
import { LIMIT_KEYS } from '../../ts/limits/limit-specs.js';
import { describeResolved, limitValuesOf, resolveLimits } from '../../ts/limits/resolve.js';
import type { Candidate, DiscoveredLimits, LimitDefaults, LimitLayer } from '../../ts/limits/types.js';
import { thrown } from '../support/wrt-error.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;
const PAGE = 64 * KiB;

// One distinct value per layer and key, so the winner shows which layer won.
const CLI: LimitLayer = {
  maxMemory: { value: 2 * GiB, source: 'cli --max-memory' },
  maxStack: { value: 64 * KiB, source: 'cli --max-stack' },
  maxLinearMemory: { value: 1 * PAGE, source: 'cli --max-linear-memory' },
  maxComponents: { value: 1, source: 'cli --max-components' },
  maxInstances: { value: 10, source: 'cli --max-instances' },
  debugLevel: { value: 'full', source: 'cli --debug-level' },
  asil: { value: 'D', source: 'cli --asil' },
  cpus: { value: 1, source: 'cli --cpus' },
};
const ENV: LimitLayer = {
  maxMemory: { value: 3 * GiB, source: 'env WRT_MAX_MEMORY' },
  maxStack: { value: 128 * KiB, source: 'env WRT_MAX_STACK' },
  maxLinearMemory: { value: 2 * PAGE, source: 'env WRT_MAX_WASM_MEMORY' },
  maxComponents: { value: 2, source: 'env WRT_MAX_COMPONENTS' },
  maxInstances: { value: 20, source: 'env WRT_MAX_INSTANCES' },
  debugLevel: { value: 'basic', source: 'env WRT_DEBUG_LEVEL' },
  asil: { value: 'C', source: 'env WRT_ASIL_LEVEL' },
  cpus: { value: 2, source: 'env WRT_CPUS' },
};
const CONFIG: LimitLayer = {
  platform: { value: 'qnx', source: 'config ./wrt-target.yaml: limits.platform' },
  maxMemory: { value: 4 * GiB, source: 'config ./wrt-target.yaml: limits.maxMemory' },
  maxStack: { value: 256 * KiB, source: 'config ./wrt-target.yaml: limits.maxStack' },
  maxLinearMemory: { value: 3 * PAGE, source: 'config ./wrt-target.yaml: limits.maxLinearMemory' },
  maxComponents: { value: 3, source: 'config ./wrt-target.yaml: limits.maxComponents' },
  maxInstances: { value: 30, source: 'config ./wrt-target.yaml: limits.maxInstances' },
  debugLevel: { value: 'none', source: 'config ./wrt-target.yaml: limits.debugLevel' },
  asil: { value: 'B', source: 'config ./wrt-target.yaml: limits.asil' },
  cpus: { value: 3, source: 'config ./wrt-target.yaml: limits.cpus' },
};
const DISCOVERED: DiscoveredLimits = {
  platform: { value: 'embedded', source: 'target stm32f4' },
  maxMemory: { value: 5 * GiB, source: 'cgroup v2 memory.max' },
  maxStack: { value: 512 * KiB, source: 'RLIMIT_STACK soft' },
  maxLinearMemory: { value: 4 * PAGE, source: 'target stm32f4 linear memory' },
  maxComponents: { value: 4, source: 'target stm32f4' },
  maxInstances: { value: 40, source: 'target stm32f4' },
  debugLevel: { value: 'basic', source: 'target stm32f4' },
  asil: { value: 'A', source: 'target stm32f4' },
  cpus: { value: 4, source: 'cgroup v2 cpu.max' },
};
const DEFAULTS: LimitDefaults = {
  platform: 'macos',
  maxMemory: 6 * GiB,
  maxStack: 768 * KiB,
  maxComponents: 5,
  maxInstances: 50,
  debugLevel: 'full',
  asil: 'QM',
  cpus: 5,
};

const LAYER_NAMES = ['cli', 'env', 'config', 'discovered', 'default'] as const;

interface Expected {
  readonly value: unknown;
  readonly layer: string;
  readonly source: string;
}

describe('precedence: cli > env > config > discovered > default', () => {
  it('picks the highest present layer for every key in all 32 combinations, listing what it overrode', () => {
    for (let mask = 0; mask < 32; mask += 1) {
      const has = (i: number): boolean => (mask & (1 << i)) !== 0;
      const limits = resolveLimits({
        ...(has(0) ? { cli: CLI } : {}),
        ...(has(1) ? { env: ENV } : {}),
        ...(has(2) ? { config: CONFIG } : {}),
        ...(has(3) ? { discovered: DISCOVERED } : {}),
        // Without caller defaults the built-in DEFAULT_LIMITS are the default layer.
        ...(has(4) ? { defaults: DEFAULTS } : {}),
      });
      const defaults = has(4) ? DEFAULTS : DEFAULT_LIMITS;
      const present = LAYER_NAMES.filter((_, i) => i < 4 && has(i));
      for (const key of LIMIT_KEYS) {
        const expected: Expected[] = [];
        for (const layer of present) {
          if (layer === 'cli' && CLI[key] !== undefined) expected.push({ layer, ...CLI[key] });
          if (layer === 'env' && ENV[key] !== undefined) expected.push({ layer, ...ENV[key] });
          if (layer === 'config' && CONFIG[key] !== undefined) expected.push({ layer, ...CONFIG[key] });
          const found = DISCOVERED[key];
          if (layer === 'discovered' && found !== undefined && !Array.isArray(found)) {
            const one = found as { value: unknown; source: string };
            expected.push({ layer, value: one.value, source: `discovered: ${one.source}` });
          }
        }
        const resolved = limits[key];
        const label = `mask ${mask.toString(2).padStart(5, '0')} ${key}`;
        if (key === 'maxLinearMemory') {
          const last = resolved.overrides[resolved.overrides.length - 1] ?? resolved;
          expect(last.layer, label).toBe('derived');
          const got = [resolved, ...resolved.overrides].slice(0, -1).map(strip);
          expect(got, label).toEqual(expected);
          continue;
        }
        expected.push({ layer: 'default', value: defaults[key], source: 'default' });
        expect(strip(resolved), label).toEqual(expected[0]);
        expect(resolved.overrides.map(strip), label).toEqual(expected.slice(1));
      }
    }
  });

  it('derives linear memory from the winners when no layer sets it', () => {
    for (let mask = 0; mask < 32; mask += 1) {
      const has = (i: number): boolean => (mask & (1 << i)) !== 0;
      const withoutLinear = (layer: LimitLayer): LimitLayer => ({ ...layer, maxLinearMemory: undefined });
      const limits = resolveLimits({
        ...(has(0) ? { cli: withoutLinear(CLI) } : {}),
        ...(has(1) ? { env: withoutLinear(ENV) } : {}),
        ...(has(2) ? { config: withoutLinear(CONFIG) } : {}),
        ...(has(3) ? { discovered: { ...DISCOVERED, maxLinearMemory: undefined } } : {}),
        ...(has(4) ? { defaults: DEFAULTS } : {}),
      });
      const total = limits.maxMemory.value;
      const divisor = { none: Infinity, basic: 50, full: 10 }[limits.debugLevel.value];
      const overhead = Math.floor(total / divisor);
      const room = total - limits.maxStack.value - overhead - Math.floor(total / 16);
      expect(limits.debugOverhead.value).toBe(overhead);
      expect(limits.maxLinearMemory.layer).toBe('derived');
      expect(limits.maxLinearMemory.value).toBe(Math.min(Math.floor(room / PAGE), 65536) * PAGE);
      expect(limits.maxLinearMemory.overrides).toEqual([]);
    }
  });
});

describe('discovered candidates', () => {
  it('the tightest of several numeric discoveries wins; the others are listed', () => {
    const limits = resolveLimits({
      discovered: {
        maxMemory: [
          { value: 16 * GiB, source: 'sysinfo totalram' },
          { value: 512 * MiB, source: 'cgroup v2 memory.max' },
          { value: 8 * GiB, source: 'RLIMIT_AS soft' },
        ],
        platform: [
          { value: 'linux', source: 'addon os' },
          { value: 'embedded', source: 'guess' },
        ],
      },
    });
    expect(limits.maxMemory.value).toBe(512 * MiB);
    expect(limits.maxMemory.source).toBe('discovered: cgroup v2 memory.max');
    expect(limits.maxMemory.overrides.map((c) => c.source)).toEqual(['discovered: RLIMIT_AS soft', 'discovered: sysinfo totalram', 'default']);
    expect(limits.platform.source).toBe('discovered: addon os');
    expect(limits.warnings).toEqual([]);
  });

  it('describes a value and what it overrode, and warns when a flag asks for more than the machine has', () => {
    const limits = resolveLimits({
      cli: { maxMemory: { value: 64 * MiB, source: 'cli --max-memory' } },
      discovered: { maxMemory: { value: 512 * MiB, source: 'cgroup v2 memory.max' } },
    });
    expect(describeResolved('maxMemory', limits.maxMemory)).toBe(
      '64 MiB from cli --max-memory (overrides discovered: cgroup v2 memory.max 512 MiB, default 1 GiB)',
    );
    expect(limits.warnings).toEqual([]);

    const greedy = resolveLimits({
      env: { maxMemory: { value: 1 * GiB, source: 'env WRT_MAX_MEMORY' }, cpus: { value: 8, source: 'env WRT_CPUS' } },
      discovered: { maxMemory: { value: 512 * MiB, source: 'cgroup v2 memory.max' }, cpus: { value: 2, source: 'cgroup v2 cpu.max' } },
    });
    expect(greedy.warnings).toEqual([
      'total memory 1 GiB from env WRT_MAX_MEMORY is more than discovered: cgroup v2 memory.max allows (512 MiB); the machine will not provide it',
      'CPUs 8 from env WRT_CPUS is more than discovered: cgroup v2 cpu.max allows (2); the machine will not provide it',
    ]);
  });

  it('a discovered value outside the bounds is VALUE_INVALID naming the discoverer', () => {
    const error = thrown(() => resolveLimits({ discovered: { cpus: { value: 0, source: 'nproc' } } }));
    expect(error.code).toBe('VALUE_INVALID');
    expect(error.location).toEqual({ source: 'discovered: nproc', field: 'cpus', limit: 'at least 1' });
    const linear = thrown(() => resolveLimits({ discovered: { maxLinearMemory: { value: 100, source: 'target x' } } }));
    expect(linear.location.limit).toBe('a multiple of 65536 bytes');
  });
});

describe('derived values', () => {
  it('defaults alone: 1 GiB total leaves 959 MiB of linear memory', () => {
    const limits = resolveLimits({});
    expect(limits.runtimeReserve.value).toBe(64 * MiB);
    expect(limits.runtimeReserve.source).toBe('derived: maxMemory/16');
    expect(limits.debugOverhead.value).toBe(0);
    expect(limits.maxLinearMemory.value).toBe(959 * MiB);
    expect(limits.maxLinearMemory.value / PAGE).toBe(15344);
    expect(limits.maxLinearMemory.source).toBe(
      'derived: (maxMemory - maxStack - debug overhead - runtime reserve) rounded down to whole 64 KiB pages, at most 65536 pages (4 GiB)',
    );
    expect(limitValuesOf(limits)).toEqual({
      platform: 'linux',
      maxMemory: GiB,
      maxStack: MiB,
      maxLinearMemory: 959 * MiB,
      maxComponents: 256,
      maxInstances: 1024,
      debugLevel: 'none',
      asil: 'QM',
      cpus: 1,
      debugOverhead: 0,
      breakpoints: 0,
      traceBufferEntries: 0,
      runtimeReserve: 64 * MiB,
    });
  });

  it('rounds down to whole pages after debug overhead', () => {
    const limits = resolveLimits({
      cli: { maxMemory: { value: MiB, source: 'cli --max-memory' }, maxStack: { value: 64 * KiB, source: 'cli --max-stack' } },
      env: { debugLevel: { value: 'basic', source: 'env WRT_DEBUG_LEVEL' } },
    });
    // 1048576 - 65536 - 20971 - 65536 = 896533 bytes -> 13 pages.
    expect(limits.debugOverhead.value).toBe(20971);
    expect(limits.debugOverhead.source).toBe('derived: maxMemory/50 (debug level basic)');
    expect(limits.breakpoints.value).toBe(8);
    expect(limits.traceBufferEntries.value).toBe(1024);
    expect(limits.maxLinearMemory.value).toBe(13 * PAGE);
  });

  it('caps linear memory at 4 GiB', () => {
    const limits = resolveLimits({ cli: { maxMemory: { value: 64 * GiB, source: 'cli --max-memory' } } });
    expect(limits.maxLinearMemory.value).toBe(4 * GiB);
  });

  it('a 64 KiB MCU has no room for a wasm page and says so', () => {
    const limits = resolveLimits({
      discovered: {
        platform: { value: 'embedded', source: 'target' },
        maxMemory: { value: 64 * KiB, source: 'target RAM' },
        maxStack: { value: 8 * KiB, source: 'target stack' },
      },
    });
    expect(limits.maxLinearMemory.value).toBe(0);
    expect(limits.warnings).toEqual([
      'no whole 64 KiB page of wasm linear memory fits in total memory 64 KiB: only modules without a memory can run',
    ]);
  });

  it('an explicit linear memory lists the derived value it overrode and must fit', () => {
    const limits = resolveLimits({ cli: { maxLinearMemory: { value: 16 * MiB, source: 'cli --max-linear-memory' } } });
    expect(limits.maxLinearMemory.layer).toBe('cli');
    expect(limits.maxLinearMemory.overrides).toEqual([{ value: 959 * MiB, layer: 'derived', source: expect.stringMatching(/^derived: /) }]);

    const error = thrown(() =>
      resolveLimits({
        cli: { maxLinearMemory: { value: 64 * MiB, source: 'cli --max-linear-memory' } },
        config: { maxMemory: { value: 64 * MiB, source: 'config c.yaml: limits.maxMemory' } },
      }),
    );
    expect(error.code).toBe('VALUE_INVALID');
    expect(error.location.source).toBe('cli --max-linear-memory');
    expect(error.location.field).toBe('maxLinearMemory');
    // 64 MiB - 1 MiB stack - 4 MiB reserve = 59 MiB = 944 pages.
    expect(error.location.limit).toMatch(/^61865984 bytes \(944 pages\) = /);
    expect(error.message).toContain('total memory 64 MiB (config c.yaml: limits.maxMemory) leaves 59 MiB');
  });

  it('a stack that does not fit the total is VALUE_INVALID naming the stack source', () => {
    const error = thrown(() =>
      resolveLimits({
        env: { maxStack: { value: 60 * KiB, source: 'env WRT_MAX_STACK' } },
        cli: { maxMemory: { value: 64 * KiB, source: 'cli --max-memory' }, debugLevel: { value: 'full', source: 'cli --debug-level' } },
      }),
    );
    expect(error.code).toBe('VALUE_INVALID');
    // 65536 - 6553 debug - 4096 reserve = 54887 bytes for the stack.
    expect(error.location).toEqual({ source: 'env WRT_MAX_STACK', field: 'maxStack', limit: '54887 bytes = maxMemory - debug overhead - runtime reserve' });
  });
});

function strip(c: Candidate<unknown>): Expected {
  return { value: c.value, layer: c.layer, source: c.source };
}
