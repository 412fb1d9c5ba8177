/**
 * `probe` on a QNX host: the addon's copy of the system page goes through the decoder `--syspage`
 * dumps use. No QNX box is here, so a stand-in addon (an object with the addon's gatherFacts)
 * hands over hand-built 7.x and 8.x pages, and the same bytes are also probed as a dump file.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { NativeFacts } from '../../../ts/native/facts.js';
import type { AddonLoad } from '../../../ts/native/load.js';
import { BufferedOutput } from '../../../ts/core/output.js';
import { runProbe } from '../../../ts/cli/commands/probe.js';
import { type ProbeDeps, probe } from '../../../ts/probe/gather.js';
import { renderProbeReport } from '../../../ts/probe/render.js';
import { rejected } from '../../support/wrt-error.js';
import { ARM_MAP, ARM_SYSRAM_BYTES, buildDump, type CpuSpec, type DumpSpec, X86_MAP, X86_SYSRAM_BYTES } from './syspage-builder.js';

const scratch = mkdtempSync(join(tmpdir(), 'wrt-qnx-live-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const FPU_MMU = (1n << 31n) | (1n << 30n);
const x86Cpus: CpuSpec[] = [0, 1, 2, 3].map(() => ({ cpu: 686, speed: 2904, flags: FPU_MMU | 0x3fffn, name: 'x86_64' }));
const armCpus: CpuSpec[] = [
  { cpu: 0xd08, speed: 1800, flags: FPU_MMU | 0x20000n, name: 'Cortex-A72' },
  { cpu: 0xd08, speed: 1800, flags: FPU_MMU | 0x20000n, name: 'Cortex-A72' },
];

/** What the addon built for QNX answers: its compile-time OS and the page it copied. */
function qnxFacts(page: Uint8Array | null, arch: string): NativeFacts {
  return {
    arch,
    os: 'qnx',
    cpu: { kind: 'unknown', reason: 'stand-in addon: no CPU feature probe' },
    rlimits: {
      stack: { ok: true, value: { soft: 512n * 1024n, hard: null } },
      as: { ok: true, value: { soft: null, hard: null } },
      data: { ok: true, value: { soft: null, hard: null } },
      nofile: { ok: true, value: { soft: 1000n, hard: 1000n } },
    },
    system: { totalRamBytes: { ok: false, errno: 89, name: 'ENOSYS' }, pageSize: 4096, onlineCpus: 1 },
    qnxSyspage: page,
  };
}

function standInAddon(facts: NativeFacts): ProbeDeps {
  const load: AddonLoad = { loaded: true, addon: { gatherFacts: () => facts }, path: '/stand-in/wrt_probe.node' };
  return { loadAddon: () => load };
}

const layouts: { name: string; spec: DumpSpec; arch: string; memory: bigint; cpus: number }[] = [
  { name: 'QNX 7.x x86_64', spec: { layout: '7.x', type: 0x100, asinfo: X86_MAP, cpus: x86Cpus }, arch: 'x86_64', memory: X86_SYSRAM_BYTES, cpus: 4 },
  { name: 'QNX 8.x aarch64', spec: { layout: '8.x', type: 0x1101, asinfo: ARM_MAP, cpus: armCpus }, arch: 'aarch64', memory: ARM_SYSRAM_BYTES, cpus: 2 },
];

/** Every resolved limit, value and source, with the page's origin taken out: what must not differ. */
function limitsWithout(limits: object, origin: string): string {
  return JSON.stringify(limits, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value)).replaceAll(origin, 'PAGE');
}

describe.each(layouts)('probe on a $name host through a stand-in addon', ({ spec, arch, memory, cpus }) => {
  const page = buildDump(spec).bytes;
  const dumpFile = join(scratch, `${arch}-${spec.layout}.syspage`);
  writeFileSync(dumpFile, page);

  it('decodes the live page into the same limits as --syspage of the same bytes', async () => {
    const live = await probe({ options: {}, env: {}, cwd: scratch }, standInAddon(qnxFacts(page, arch)));
    const dump = await probe({ syspage: dumpFile, options: {}, env: {}, cwd: scratch }, standInAddon(qnxFacts(null, arch)));

    expect(live.subject.kind).toBe('qnx');
    expect(live.limits.platform.value).toBe('qnx');
    expect(live.limits.maxMemory.value).toBe(Number(memory));
    expect(live.limits.cpus.value).toBe(cpus);
    expect(live.limits.maxMemory.source).toContain('SYSPAGE of live system page (addon loaded from /stand-in/wrt_probe.node)');
    for (const key of ['platform', 'maxMemory', 'cpus', 'maxStack'] as const) {
      expect(live.limits[key].value).toEqual(dump.limits[key].value);
    }
    expect(live.subject).toEqual({ ...dump.subject, origin: live.subject.kind === 'qnx' ? live.subject.origin : null });
    const liveOrigin = 'live system page (addon loaded from /stand-in/wrt_probe.node)';
    expect(limitsWithout(live.limits, liveOrigin)).toBe(limitsWithout(dump.limits, dumpFile));
    expect(renderProbeReport(live)).toContain('SYSPAGE of live system page');
  });

  it('prints, as `probe --verbose`, what `probe --syspage` prints for the same bytes, but for the origin', async () => {
    const printed = async (raw: { syspage?: string }, facts: NativeFacts): Promise<string> => {
      const out = new BufferedOutput();
      await runProbe({ ...raw, verbose: true }, { output: out, env: {}, cwd: scratch, color: false }, standInAddon(facts));
      return out.text;
    };
    const live = await printed({}, qnxFacts(page, arch));
    const dump = await printed({ syspage: dumpFile }, qnxFacts(null, arch));
    // The table's rule is as wide as its longest source, which holds the origin.
    const same = (text: string, origin: string): string => text.replaceAll(origin, 'PAGE').replace(/-{3,}/g, '---');
    expect(live).toContain('live system page (addon loaded from /stand-in/wrt_probe.node)');
    expect(same(live, 'live system page (addon loaded from /stand-in/wrt_probe.node)')).toBe(same(dump, dumpFile));
  });
});

describe('probe on a QNX host whose addon gives no page', () => {
  it('is HOST_READ_FAILED naming the addon and the flags that still work', async () => {
    const error = await rejected(probe({ options: {}, env: {}, cwd: scratch }, standInAddon(qnxFacts(null, 'x86_64'))));
    expect(error.code).toBe('HOST_READ_FAILED');
    expect(error.message).toContain('the addon on this QNX host gave no system page (loaded from /stand-in/wrt_probe.node)');
    expect(error.message).toContain('--syspage FILE');
  });

  it('keeps a damaged live page a SYSPAGE error naming the live source', async () => {
    const page = buildDump(layouts[0]!.spec).bytes.slice(0, 20);
    const error = await rejected(probe({ options: {}, env: {}, cwd: scratch }, standInAddon(qnxFacts(page, 'x86_64'))));
    expect(error.code).toBe('SYSPAGE_TRUNCATED');
    expect(error.location).toMatchObject({ source: 'live system page (addon loaded from /stand-in/wrt_probe.node)' });
  });
});
