/**
 * The memory adapters in C (native/platform/wrt_mem_adapter.h), through their test program
 * (native/platform/test/wrt_mem_test.c) linked with each adapter: linux-mmap, qnx-typed-memory over
 * the memfd stand-in of QNX's posix_typed_mem_* calls, and linker-arena over a static array. Each
 * case prints what it measured; the assertions are here.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../ts/core/paths.js';
import { lockedMake } from '../support/locked-make.js';

const root = packageRoot();
const out = join(root, 'build', 'platform');
const PAGE = 4096;
const MiB = 1024 * 1024;
const POOL = '/memory/ram/sysram';
const QNX_POOL = ['--pool', `${POOL}:${64 * MiB}:${32 * MiB}`, '--name', POOL];

beforeAll(() => {
  lockedMake(join(root, 'native', 'platform'));
}, 120_000);

/** One case's `key=value` words (a quoted value keeps its blanks). */
function run(adapter: 'linux' | 'qnx' | 'linker', args: readonly string[]): Record<string, string> {
  const result = spawnSync(join(out, `wrt-mem-test-${adapter}`), [...(adapter === 'qnx' ? QNX_POOL : []), ...args], { encoding: 'utf8' });
  expect(result.stdout, result.stderr).not.toMatch(/FAIL/);
  expect(result.status).toBe(0);
  const words: Record<string, string> = {};
  for (const match of result.stdout.matchAll(/(\w+)=("[^"]*"|\S+)/g)) words[match[1] ?? ''] = (match[2] ?? '').replace(/^"|"$/g, '');
  return words;
}

function meminfo(key: string): number {
  const line = readFileSync('/proc/meminfo', 'utf8').split('\n').find((l) => l.startsWith(`${key}:`)) ?? '';
  return Number(/(\d+)/.exec(line)?.[1] ?? 'NaN') * (line.endsWith('kB') ? 1024 : 1);
}

const STATUS = { ok: '0', noMemory: '1', lockLimit: '2', noHugepages: '3', unsupported: '4', noPool: '5', badRequest: '6' } as const;

describe.each(['linux', 'qnx'] as const)('the %s adapter', (adapter) => {
  it('rounds each size up to whole pages, zero-filled and writable end to end', () => {
    for (const [bytes, expected] of [
      [1, PAGE],
      [PAGE - 1, PAGE],
      [PAGE, PAGE],
      [PAGE + 1, 2 * PAGE],
      [MiB + 3, MiB + PAGE],
    ] as const) {
      const r = run(adapter, ['alloc', String(bytes), '-']);
      expect(r['status']).toBe(STATUS.ok);
      expect(Number(r['bytes'])).toBe(expected);
    }
  });

  it('refuses zero bytes', () => {
    expect(run(adapter, ['alloc', '0', '-'])['status']).toBe(STATUS.badRequest);
  });

  it.each(['below', 'above'])('faults on the guard page %s the region (SIGSEGV in a child)', (side) => {
    expect(run(adapter, ['guard', side, String(64 * 1024)])['signal']).toBe('11');
  });

  it('locks within RLIMIT_MEMLOCK and counts it in VmLck', () => {
    const r = run(adapter, ['lock', String(MiB), String(4 * MiB)]);
    expect(r['lockable']).toBe(String(4 * MiB));
    expect(r['status']).toBe(STATUS.ok);
    expect(Number(r['vmlck'])).toBe(MiB);
  });

  it('refuses a lock over RLIMIT_MEMLOCK with the lock-limit status, locking nothing', () => {
    const r = run(adapter, ['lock', String(8 * MiB), String(4 * MiB)]);
    expect(r['status']).toBe(STATUS.lockLimit);
    expect(r['text']).toBe('cannot lock that much');
    expect(r['vmlck']).toBe('0');
  });
});

describe('linux-mmap', () => {
  it('backs a plain region only where it is touched (NORESERVE), a populated or locked one at once', () => {
    expect(run('linux', ['alloc', String(64 * PAGE), '-'])['resident_before_touch']).toBe('0');
    expect(run('linux', ['alloc', String(64 * PAGE), 'p'])['resident_before_touch']).toBe('64');
    const locked = run('linux', ['alloc', String(64 * PAGE), 'l']);
    expect(locked['resident_before_touch']).toBe('64');
    expect(Number(locked['vmlck'])).toBe(64 * PAGE);
  });

  it('maps huge pages when the kernel has them free, and says so when it has none', () => {
    const hugePage = meminfo('Hugepagesize');
    const r = run('linux', ['alloc', String(2 * hugePage), 'h']);
    if (meminfo('HugePages_Free') >= 2) {
      expect(r['status']).toBe(STATUS.ok);
      expect(Number(r['bytes'])).toBe(2 * hugePage);
    } else {
      expect(r['status']).toBe(STATUS.noHugepages);
      expect(r['errno']).toBe('12'); // ENOMEM from MAP_HUGETLB, at mmap rather than SIGBUS at first touch
    }
  });

  it('reports the host: sysinfo total, MemAvailable, RLIMIT_MEMLOCK', () => {
    const r = run('linux', ['info']);
    expect(r['kind']).toBe('linux-mmap');
    expect(Number(r['total'])).toBe(meminfo('MemTotal') - (meminfo('MemTotal') % 1024));
    expect(Number(r['available'])).toBeGreaterThan(0);
    const limits = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max locked memory')) ?? '';
    const soft = limits.split(/\s{2,}/)[1] ?? '';
    expect(r['lockable']).toBe(soft === 'unlimited' ? '18446744073709551615' : soft);
  });

  it('takes no pool name: typed memory is QNX\'s', () => {
    expect(run('linux', ['--name', POOL, 'alloc', '4096', '-'])['status']).toBe(STATUS.unsupported);
  });
});

describe('qnx-typed-memory through the stand-in', () => {
  it('reports the pool: total from POSIX_TYPED_MEM_ALLOCATE, available from ..._ALLOCATE_CONTIG', () => {
    const r = run('qnx', ['info']);
    expect(r['kind']).toBe('qnx-typed-memory');
    expect(r['total']).toBe(String(64 * MiB));
    expect(r['available']).toBe(String(32 * MiB));
  });

  it('refuses more than the largest contiguous block, an unknown name, and huge pages', () => {
    const over = run('qnx', ['alloc', String(32 * MiB + 1), '-']);
    expect(over['status']).toBe(STATUS.noMemory);
    expect(over['errno']).toBe('12');
    expect(run('qnx', ['alloc', String(32 * MiB), '-'])['status']).toBe(STATUS.ok);
    const unknown = spawnSync(join(out, 'wrt-mem-test-qnx'), ['--name', '/memory/nope', 'alloc', '4096', '-'], { encoding: 'utf8' });
    expect(unknown.stdout).toMatch(/status=5 text="no typed memory of that name" errno=2/);
    expect(run('qnx', ['alloc', '4096', 'h'])['status']).toBe(STATUS.unsupported);
  });
});

describe('linker-arena', () => {
  it('bumps through the linker\'s arena 8-aligned, and releases only the whole of it', () => {
    const r = run('linker', ['bump']);
    expect(r['total']).toBe(String(MiB));
    expect(r['first_offset']).toBe('0');
    expect(r['second_offset']).toBe('1000');
    expect(r['available']).toBe(String(MiB - 1000 - 24));
    expect(r['over']).toBe(STATUS.noMemory);
    expect(r['huge']).toBe(STATUS.unsupported);
    expect(r['pool']).toBe(STATUS.unsupported);
    expect(r['release_second']).toBe(STATUS.unsupported);
    expect(r['release_first']).toBe(STATUS.ok);
    expect(r['available_after']).toBe(String(MiB));
  });

  it('takes lock and populate as given (its RAM never pages) and gives exactly the bytes asked', () => {
    const r = run('linker', ['alloc', '1001', 'lp']);
    expect(r['status']).toBe(STATUS.ok);
    expect(r['bytes']).toBe('1001');
  });
});
