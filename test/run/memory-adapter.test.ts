/**
 * native-sim takes its arena through the memory adapter with the options of the native-sim
 * target's memory.adapter (native/platform/wrt_mem_linux.c): a locked arena still runs a module,
 * and a lock over RLIMIT_MEMLOCK ends native-sim with the limit and what to do.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { runModule } from '../../ts/run/run-module.js';
import { loadTarget, memoryAdapterOf, type ResolvedMemoryAdapter } from '../../ts/targets/index.js';
import { readTextSource } from '../../ts/cfi/gather.js';
import { buildRealNativeSim, watFixture } from './helpers.js';

let sim = '';
let addWasm = '';

beforeAll(() => {
  sim = buildRealNativeSim();
  addWasm = watFixture('add');
});

const ARENA = 16 * 1024 * 1024; // targets/native-sim.yaml memory.arenaBytes, which run passes as the default arena
const isRoot = process.getuid?.() === 0;

/** RLIMIT_MEMLOCK's soft limit of this process (null: unlimited). */
function lockLimit(): number | null {
  const row = readFileSync('/proc/self/limits', 'utf8').split('\n').find((line) => line.startsWith('Max locked memory')) ?? '';
  const soft = row.split(/\s{2,}/)[1] ?? '';
  return soft === 'unlimited' ? null : Number(soft);
}

function quiet() {
  const out: Uint8Array[] = [];
  return { stdout: (b: Uint8Array) => void out.push(b), stderr: (b: Uint8Array) => void out.push(b) };
}

describe('native-sim through the memory adapter', () => {
  it('runs a module in a locked arena: VmLck of the running native-sim covers the arena', async () => {
    const limit = lockLimit();
    const locked: ResolvedMemoryAdapter = { ...memoryAdapterOf(loadTarget('native-sim')), lock: true, populate: true };
    let status = '';
    const run = runModule({ file: addWasm, invoke: 'add', args: ['2', '3'] }, quiet(), {
      binary: sim,
      memoryAdapter: locked,
      handleSigint: false,
      readProcessStatus: async (pid) => {
        const source = await readTextSource(`/proc/${pid}/status`);
        status = source.text ?? '';
        return source;
      },
    });
    if (!isRoot && limit !== null && limit < ARENA) {
      await expect(run).rejects.toMatchObject({ code: 'MEMORY_ADAPTER_FAILED', message: expect.stringMatching(/RLIMIT_MEMLOCK allows \d+ bytes; raise it \(`ulimit -l/) as unknown });
      return;
    }
    const report = await run;
    expect(report.exitCode).toBe(0);
    expect(report.outcome.kind === 'returned' ? report.outcome.results : report.outcome).toEqual([{ type: 'i32', value: 5 }]);
    const vmLck = Number(/VmLck:\s+(\d+) kB/.exec(status)?.[1] ?? 'NaN') * 1024;
    expect(vmLck).toBeGreaterThanOrEqual(ARENA);
  });

  it('a lock over RLIMIT_MEMLOCK ends native-sim with exit 3, the limit and `ulimit -l`', () => {
    // As root CAP_IPC_LOCK lifts the limit: run native-sim as nobody, under a 1 MiB limit.
    const drop = isRoot ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
    const [command = '', ...args] = [...drop, 'prlimit', '--memlock=1048576:1048576', sim, '--mem-lock', '--arena', String(4 * 1024 * 1024)];
    const result = spawnSync(command, args, { input: '', encoding: 'utf8' });
    expect(result.status).toBe(3);
    expect(result.stderr).toBe(
      'native-sim: --mem-lock: cannot lock the 4194304-byte arena: RLIMIT_MEMLOCK allows 1048576 bytes; raise it (`ulimit -l 4096` (KiB) ' +
        'in the shell that starts wrt-target, as root or within the hard limit; memlock in /etc/security/limits.conf), or lower the arena, ' +
        'or set memory.adapter.lock: false\n',
    );
  });

  it('huge pages the kernel does not have end native-sim naming HugePages_Free and vm.nr_hugepages', () => {
    const free = Number(/HugePages_Free:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? '0');
    const result = spawnSync(sim, ['--mem-hugepages', '--arena', String(ARENA)], { input: '', encoding: 'utf8' });
    if (free * 2 * 1024 * 1024 >= ARENA) {
      expect(result.status).toBe(0);
      return;
    }
    expect(result.status).toBe(3);
    expect(result.stderr).toContain('native-sim: --mem-hugepages: the kernel has no free huge pages for the 16777216-byte arena');
    expect(result.stderr).toContain('`sysctl vm.nr_hugepages=N`');
  });

  it('a run whose adapter native-sim refuses fails with MEMORY_ADAPTER_FAILED and native-sim\'s reason, not a broken link', async () => {
    const qnx: ResolvedMemoryAdapter = { kind: 'qnx-typed-memory', lock: false, populate: false, hugepages: false, typedMemoryName: '/memory/ram/sysram', source: 'test' };
    const run = runModule({ file: addWasm, invoke: 'add', args: ['2', '3'] }, quiet(), { binary: sim, memoryAdapter: qnx, handleSigint: false });
    await expect(run).rejects.toMatchObject({
      code: 'MEMORY_ADAPTER_FAILED',
      exitCode: 3,
      message: 'native-sim could not take its arena: the linux-mmap memory adapter has no typed memory (--mem-typed-memory is for qnx-typed-memory)',
      location: { field: 'memory.adapter' },
    });
  });

  it('refuses typed memory: the Linux build has the linux-mmap adapter', () => {
    const result = spawnSync(sim, ['--mem-typed-memory', '/memory/ram/sysram'], { input: '', encoding: 'utf8' });
    expect(result.status).toBe(3);
    expect(result.stderr).toBe('native-sim: the linux-mmap memory adapter has no typed memory (--mem-typed-memory is for qnx-typed-memory)\n');
  });
});
