/**
 * `probe` reports the memory adapter of its subject (native/platform/wrt_mem_adapter.h): the host's
 * linux-mmap with RLIMIT_MEMLOCK, a target's from its definition with what a run locks, a QNX
 * system's typed memory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../ts/cli/main.js';
import { BufferedOutput } from '../../ts/core/output.js';
import { type ProbeDeps, probe } from '../../ts/probe/gather.js';
import { readLinuxHostFacts } from '../../ts/probe/linux/host-facts.js';
import { renderProbeReport } from '../../ts/probe/render.js';
import { scenarioFiles } from './linux/fixtures.js';
import { loadTarget } from '../../ts/targets/index.js';

const scratch = mkdtempSync(join(tmpdir(), 'wrt-probe-mem-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The recorded docker host (RLIMIT_MEMLOCK 8 MiB soft and hard), without the addon. */
const recorded: ProbeDeps = {
  hostFacts: () => readLinuxHostFacts(scenarioFiles('docker-v2-limited')),
  nativeFacts: () => ({ facts: null, detail: 'not loaded (test)' }),
};

const request = (extra: Record<string, string> = {}) => ({ ...extra, options: {}, env: {}, cwd: scratch });

describe('probe: the memory adapter', () => {
  it('of this host is linux-mmap, with RLIMIT_MEMLOCK as what it can lock', async () => {
    const report = await probe(request(), recorded);
    if (report.subject.kind !== 'host') throw new Error('not a host report');
    const adapter = report.subject.memoryAdapter;
    expect(adapter.kind).toBe('linux-mmap');
    expect(adapter.lockLimit).toEqual({ value: { soft: 8388608n, hard: 8388608n }, source: '/proc/self/limits Max locked memory' });
    const text = renderProbeReport(report, { verbose: true });
    expect(text).toMatch(/\nmemory adapter +linux-mmap +the adapter native-sim takes its arena through on Linux/);
    expect(text).toMatch(/\ncan lock \(RLIMIT_MEMLOCK\) +soft 8\.0 MiB \(8388608 B\), hard 8\.0 MiB \(8388608 B\) +\/proc\/self\/limits Max locked memory/);
  });

  it('of a host without a "Max locked memory" row is unknown, with the reason', async () => {
    const files = scenarioFiles('docker-v2-limited');
    const limits = files.read('/proc/self/limits');
    if (!limits.ok) throw new Error('fixture lacks /proc/self/limits');
    const without = limits.text
      .split('\n')
      .filter((line) => !line.startsWith('Max locked memory'))
      .join('\n');
    const report = await probe(request(), {
      ...recorded,
      hostFacts: () => readLinuxHostFacts({ read: (path) => (path === '/proc/self/limits' ? { ok: true, text: without } : files.read(path)) }),
    });
    if (report.subject.kind !== 'host') throw new Error('not a host report');
    expect(report.subject.memoryAdapter.lockLimit).toMatchObject({ value: null, unknown: expect.stringContaining('no "Max locked memory" row') as unknown });
  });

  it('of native-sim comes from its definition, with this host\'s lock limit and what a run locks', async () => {
    const report = await probe(request({ target: 'native-sim' }), recorded);
    if (report.subject.kind !== 'target') throw new Error('not a target report');
    expect(report.subject.memoryAdapter).toEqual({
      kind: 'linux-mmap',
      options: { lock: false, populate: false, hugepages: false, typedMemoryName: null },
      source: 'target native-sim: memory.adapter',
      lockLimit: { value: { soft: 8388608n, hard: 8388608n }, source: '/proc/self/limits Max locked memory' },
      locks: 'nothing (pages on first touch)',
    });
    expect(renderProbeReport(report, { verbose: true })).toMatch(/\nmemory adapter +linux-mmap \(no options\) +target native-sim: memory\.adapter/);
  });

  it('of a board is its linker arena, resident whole, with no host limit', async () => {
    const report = await probe(request({ target: 'qemu-lm3s6965evb' }), recorded);
    if (report.subject.kind !== 'target') throw new Error('not a target report');
    const adapter = report.subject.memoryAdapter;
    expect(adapter.kind).toBe('linker-arena');
    expect(adapter.lockLimit).toBeNull();
    expect(adapter.locks).toBe(`the ${report.subject.limits.moduleMemoryBytes.value}-byte arena, always (RAM without paging)`);
    expect(renderProbeReport(report, { verbose: true })).not.toContain('RLIMIT_MEMLOCK');
  });

  it('of a QNX system is qnx-typed-memory; a pidin listing holds no lock limit', async () => {
    const report = await probe({ pidin: 'test/fixtures/qnx/pidin-asinfo-qnx8-aarch64.txt', options: {}, env: {}, cwd: process.cwd() }, recorded);
    if (report.subject.kind !== 'qnx') throw new Error('not a QNX report');
    expect(report.subject.memoryAdapter.kind).toBe('qnx-typed-memory');
    expect(report.subject.memoryAdapter.lockLimit).toEqual({ value: null, unknown: 'a system page holds no process limits', source: 'RLIMIT_MEMLOCK' });
  });

  it('--json carries it under the subject', async () => {
    const output = new BufferedOutput();
    const code = await main(['node', 'wrt-target', 'probe', '--target', 'qemu-mps2-an386', '--json'], { output, env: {}, cwd: scratch });
    expect(code).toBe(0);
    const json = JSON.parse(output.text) as { subject: { memoryAdapter: { kind: string; locks: string; lockLimit: unknown } } };
    expect(json.subject.memoryAdapter).toMatchObject({ kind: 'linker-arena', lockLimit: null, locks: `the ${4 * 1024 * 1024 - loadTarget('qemu-mps2-an386').memory.firmwareReservedRamBytes}-byte arena, always (RAM without paging)` });
  });
});
