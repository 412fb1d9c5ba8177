/**
 * An addon that cannot load (missing, not a shared object, another ABI) degrades `probe` to what
 * /proc and /sys give: exit 0, with a note naming the file looked for and how to get it.
 * node-gyp-build looks in $WRT_TARGET_PREBUILD instead of the package when it is set.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../ts/core/paths.js';
import { PREBUILT_ADDON_FILE, prebuildTuple } from '../../ts/core/prebuilds.js';
import { addonMissingNote, expectedAddonPath } from '../../ts/native/load.js';
import { compiledScript } from '../support/compiled.js';

const scratch = mkdtempSync(join(tmpdir(), 'wrt-addon-load-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface ProbeJson {
  readonly subject: {
    readonly addon: { readonly loaded: boolean; readonly detail: string };
    readonly memory: { readonly memTotalBytes: { readonly value: number; readonly source: string } };
    readonly limits?: unknown;
  };
}

function probeWith(prebuildDir: string): { readonly status: number | null; readonly report: ProbeJson } {
  compiledScript('ts/native/load.ts');
  const result = spawnSync(process.execPath, [join(packageRoot(), 'bin', 'wrt-target.js'), 'probe', '--json'], {
    env: { ...process.env, WRT_TARGET_PREBUILD: prebuildDir },
    encoding: 'utf8',
  });
  return { status: result.status, report: JSON.parse(result.stdout) as ProbeJson };
}

describe('probe without a loadable addon', () => {
  it('exits 0 with /proc facts and a note naming the missing file when there is none', () => {
    const { status, report } = probeWith(join(scratch, 'empty'));
    expect(status).toBe(0);
    expect(report.subject.addon.loaded).toBe(false);
    expect(report.subject.addon.detail).toContain(
      `native addon not loadable (${join(packageRoot(), 'build', 'Release', 'wrt_probe.node')} is missing: No native build was found for platform=${process.platform} arch=${process.arch}`,
    );
    expect(report.subject.addon.detail).toContain('CPUID, auxv and getrlimit facts are unknown, the rest comes from /proc and /sys; run `npm run build:addon`');
    expect(report.subject.memory.memTotalBytes.source).toBe('/proc/meminfo MemTotal');
    expect(report.subject.memory.memTotalBytes.value).toBeGreaterThan(0);
  });

  it('exits 0 and names the loader error when the prebuilt file is not a shared object for this machine', () => {
    const dir = join(scratch, 'broken');
    mkdirSync(join(dir, 'prebuilds', prebuildTuple()), { recursive: true });
    const file = join(dir, 'prebuilds', prebuildTuple(), PREBUILT_ADDON_FILE);
    // Long enough for the loader to read a whole ELF header from it.
    writeFileSync(file, 'not an ELF file '.repeat(16));
    const { status, report } = probeWith(dir);
    expect(status).toBe(0);
    expect(report.subject.addon.loaded).toBe(false);
    expect(report.subject.addon.detail).toContain(`native addon not loadable (${file}: invalid ELF header); CPUID, auxv`);
  });

  it('tells an install to reinstall or rebuild, naming the prebuilt file', () => {
    const root = '/opt/lib/node_modules/wrt-target';
    const note = addonMissingNote(`${expectedAddonPath(root, false)} is missing: No native build was found`, false);
    expect(note).toBe(
      `native addon not loadable (${root}/prebuilds/${prebuildTuple()}/${PREBUILT_ADDON_FILE} is missing: No native build was found); ` +
        'CPUID, auxv and getrlimit facts are unknown, the rest comes from /proc and /sys; ' +
        'reinstall wrt-target, or run `npm rebuild wrt-target` where make and g++ are installed (Debian packages make g++)',
    );
  });
});
