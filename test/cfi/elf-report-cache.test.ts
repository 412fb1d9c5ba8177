/**
 * `run` reports the CFI marks of the native-sim binary it runs; the report is read once per binary
 * (readFileReportCached): it comes back from the per-user cache equal to a fresh analysis, a
 * rebuilt file (another size or mtime) is analysed again, and a torn entry is replaced.
 */
import { copyFileSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readFileReport, readFileReportCached } from '../../ts/cfi/gather.js';
import { buildRealNativeSim } from '../run/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'wrt-elf-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ELF reports of a binary that stays put are cached', () => {
  it('answers from the cache, equal to a fresh analysis, and analyses a changed file again', async () => {
    const env = { ...process.env, WRT_CACHE_DIR: join(dir, 'cache') };
    const binary = join(dir, 'native-sim');
    copyFileSync(buildRealNativeSim(), binary);
    const entries = (): string[] => readdirSync(join(dir, 'cache', 'elf-reports'));

    const fresh = await readFileReport(binary, dir);
    const first = await readFileReportCached(binary, dir, env);
    expect(JSON.parse(JSON.stringify(first))).toEqual(JSON.parse(JSON.stringify(fresh)));
    expect(entries()).toHaveLength(1);
    const [entry] = entries();

    // A cached answer: the entry is read, not the binary (replace the entry's content to see it).
    const marked = { ...fresh, machineName: 'from the cache' };
    writeFileSync(join(dir, 'cache', 'elf-reports', entry!), JSON.stringify(marked));
    expect((await readFileReportCached(binary, dir, env)).machineName).toBe('from the cache');

    // A torn entry is analysed again and replaced.
    writeFileSync(join(dir, 'cache', 'elf-reports', entry!), '{"file":');
    expect((await readFileReportCached(binary, dir, env)).machineName).toBe(fresh.machineName);

    // A rebuilt binary (another mtime) is another entry.
    utimesSync(binary, new Date(), new Date(Date.now() + 5000));
    expect((await readFileReportCached(binary, dir, env)).machineName).toBe(fresh.machineName);
    expect(entries()).toHaveLength(2);
  });
});
