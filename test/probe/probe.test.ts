import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WrtError } from '../../ts/core/errors.js';
import type { NativeFacts } from '../../ts/native/facts.js';
import { type ProbeDeps, probe } from '../../ts/probe/gather.js';
import { readLinuxHostFacts } from '../../ts/probe/linux/host-facts.js';
import { renderProbeReport } from '../../ts/probe/render.js';
import { scenarioFiles } from './linux/fixtures.js';
import { loadTarget } from '../../ts/targets/index.js';

const MiB = 1024 * 1024;

/** A recorded addon answer for an x86-64 Linux machine with an 8 MiB stack. */
const nativeFacts: NativeFacts = {
  arch: 'x86_64',
  os: 'linux',
  cpu: {
    kind: 'x86_64',
    vendor: 'GenuineIntel',
    brand: 'Intel(R) Xeon(R) Test CPU',
    family: 6,
    model: 143,
    stepping: 8,
    maxLeaf: 27,
    leaf1: { eax: 0, ebx: 0, ecx: 0x80000000, edx: 0 },
    leaf7: { eax: 0, ebx: 0, ecx: 0x80, edx: 0x100000 },
    shstkStatus: { ok: false, errno: 22, name: 'EINVAL' },
  },
  rlimits: {
    stack: { ok: true, value: { soft: 8n * 1024n * 1024n, hard: null } },
    as: { ok: true, value: { soft: null, hard: null } },
    data: { ok: true, value: { soft: null, hard: null } },
    nofile: { ok: true, value: { soft: 1024n, hard: 4096n } },
  },
  system: { totalRamBytes: { ok: true, value: 16710053888n }, pageSize: 4096, onlineCpus: 4 },
  qnxSyspage: null,
};

function dockerV2(): ProbeDeps {
  return {
    hostFacts: () => readLinuxHostFacts(scenarioFiles('docker-v2-limited')),
    nativeFacts: () => ({ facts: nativeFacts, detail: 'recorded' }),
  };
}

const scratch = mkdtempSync(join(tmpdir(), 'wrt-probe-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('probe of a recorded cgroup v2 container', () => {
  it('takes total memory from memory.max and CPUs from cpu.max, rounded down', async () => {
    const report = await probe({ options: {}, env: {}, cwd: scratch }, dockerV2());
    expect(report.limits.maxMemory.value).toBe(536870912);
    expect(report.limits.maxMemory.layer).toBe('discovered');
    expect(report.limits.maxMemory.source).toMatch(/^discovered: .*cgroup v2 memory\.max/);
    expect(report.limits.cpus.value).toBe(1);
    expect(report.limits.cpus.source).toMatch(/1\.5 CPUs rounded down$/);
    expect(report.limits.maxStack.value).toBe(8 * MiB);
    expect(report.limits.platform.value).toBe('linux');
    expect(report.subject.kind).toBe('host');
    if (report.subject.kind !== 'host') return;
    expect(report.subject.cgroup.memory).toMatchObject({ state: 'limited', value: 536870912n, version: 2 });
    expect(report.subject.container.detected).toBe(true);
    expect(report.subject.cpu.vendor).toBe('GenuineIntel');
  });

  it('lets the command line beat the environment, the config file and discovery, and says so', async () => {
    const config = join(scratch, 'limits.yaml');
    writeFileSync(config, 'limits:\n  maxMemory: 256MiB\n  maxStack: 512KiB\n  asil: C\n');
    const report = await probe(
      {
        options: { maxMemory: '64MiB', config },
        env: { WRT_MAX_MEMORY: '128MiB', WRT_MAX_STACK: '256KiB' },
        cwd: scratch,
      },
      dockerV2(),
    );
    expect(report.limits.maxMemory.value).toBe(64 * MiB);
    expect(report.limits.maxMemory.source).toBe('cli --max-memory');
    expect(report.limits.maxMemory.overrides.map((c) => [c.layer, c.value])).toEqual([
      ['env', 128 * MiB],
      ['config', 256 * MiB],
      ['discovered', 536870912],
      ['default', 1024 * MiB],
    ]);
    expect(report.limits.maxStack.value).toBe(256 * 1024);
    expect(report.limits.maxStack.source).toBe('env WRT_MAX_STACK');
    expect(report.limits.asil.value).toBe('C');
    expect(report.limits.asil.source).toMatch(/^config .*limits\.yaml: limits\.asil$/);
    expect(report.configFile).toBe(config);
    const text = renderProbeReport(report, { verbose: true });
    expect(text).toMatch(/total memory\s+64 MiB\s+cli --max-memory \(overrides env WRT_MAX_MEMORY: 128 MiB; config/);
    // Within 80 columns the overridden values are cut, and the table says so.
    const brief = renderProbeReport(report);
    expect(brief.split('\n').filter((line) => line.length > 80)).toEqual([]);
    expect(brief).toMatch(/total memory\s+64 MiB\s+cli --max-memory \(overrides env WRT_MAX_MEMO\S*…\n/);
    expect(brief).toContain('(… marks text cut to fit 80 columns: --verbose prints it in full)');
  });

  it('names the variable when an environment value is malformed', async () => {
    const attempt = probe({ options: {}, env: { WRT_MAX_STACK: 'lots' }, cwd: scratch }, dockerV2());
    await expect(attempt).rejects.toBeInstanceOf(WrtError);
    await expect(attempt).rejects.toMatchObject({ code: 'VALUE_INVALID', location: { source: 'env WRT_MAX_STACK' } });
  });

  it('refuses two subjects at once', async () => {
    await expect(probe({ target: 'native-sim', pidin: 'x', options: {}, env: {}, cwd: scratch }, dockerV2())).rejects.toMatchObject({
      code: 'USAGE',
    });
  });
});

describe('probe of a target definition', () => {
  it('gives lm3s6965evb 64 KiB minus the measured firmware for modules, and no whole wasm page', async () => {
    const report = await probe({ target: 'qemu-lm3s6965evb', options: {}, env: {}, cwd: scratch }, dockerV2());
    expect(report.limits.platform.value).toBe('embedded');
    expect(report.limits.maxMemory.value).toBe(65536 - loadTarget('qemu-lm3s6965evb').memory.firmwareReservedRamBytes);
    expect(report.limits.maxStack.value).toBe(8192);
    expect(report.limits.maxLinearMemory.value).toBe(0);
    expect(report.warnings.some((w) => w.includes('no whole 64 KiB page'))).toBe(true);
  });

  it('derives whole pages on mps2-an386 from the 4 MiB arena region', async () => {
    const report = await probe({ target: 'qemu-mps2-an386', options: {}, env: {}, cwd: scratch }, dockerV2());
    // 4 MiB minus the firmware's measured reserve (1 MiB of it the upload buffer).
    const total = 4 * 1024 * 1024 - loadTarget('qemu-mps2-an386').memory.firmwareReservedRamBytes;
    expect(report.limits.maxMemory.value).toBe(total);
    const room = total - report.limits.maxStack.value - Math.floor(total / 16);
    expect(report.limits.maxLinearMemory.value).toBe(Math.floor(room / 65536) * 65536);
  });
});

describe('probe of a QNX box', () => {
  it('sums the sysram entries of a pidin listing', async () => {
    const report = await probe(
      { pidin: 'test/fixtures/qnx/pidin-asinfo-qnx8-aarch64.txt', options: {}, env: {}, cwd: process.cwd() },
      dockerV2(),
    );
    expect(report.limits.platform.value).toBe('qnx');
    expect(report.limits.maxMemory.value).toBe(2139144192);
    expect(report.limits.cpus.value).toBe(2);
    expect(report.subject.kind).toBe('qnx');
  });

  it('reports a missing dump as FILE_NOT_FOUND', async () => {
    await expect(probe({ syspage: 'no-such.dump', options: {}, env: {}, cwd: scratch }, dockerV2())).rejects.toMatchObject({
      code: 'FILE_NOT_FOUND',
    });
  });
});
