import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../ts/cli/main.js';
import { BufferedOutput, CUT_NOTE } from '../../ts/core/output.js';
import { packageRoot } from '../../ts/core/paths.js';
import { wat } from '../wasm/wat.js';

/** Each command's text output on this machine fits 80 columns; --verbose gives back what was cut. */
async function run(args: readonly string[]): Promise<{ code: number; text: string }> {
  const out = new BufferedOutput();
  const code = await main(['node', 'wrt-target', ...args], { output: out, env: {}, cwd: packageRoot() });
  return { code, text: out.stdout.join('\n') };
}

function tooWide(text: string): string[] {
  return text.split('\n').filter((line) => line.length > 80);
}

const scratch = mkdtempSync(join(tmpdir(), 'wrt-width-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const LONG_NAME = `export_${'with_a_name_longer_than_any_terminal_'.repeat(3)}end`;
const longExport = join(scratch, 'long-export.wasm');
writeFileSync(longExport, wat(`(module (func (export "${LONG_NAME}") (param i64 f64 i32 i32) (result f32) f32.const 0))`));

const SQL_WASM = join(packageRoot(), 'node_modules', 'sql.js', 'dist', 'sql-wasm.wasm');
const PIDIN = 'test/fixtures/qnx/pidin-asinfo-qnx7-x86_64.txt';

describe('text output fits 80 columns without --verbose', () => {
  const commandLines: readonly (readonly string[])[] = [
    ['probe'],
    ['probe', '--target', 'qemu-lm3s6965evb'],
    ['probe', '--target', 'nucleo-f429zi'],
    ['probe', '--pidin', PIDIN],
    ['validate', SQL_WASM],
    ['validate', longExport],
    ['validate', 'examples/hello.wasm', '--target', 'qemu-mps2-an386'],
    ['profile', 'examples/add.wasm', '--target', 'qemu-lm3s6965evb', '--asil', 'B', '--fuel', '5000', '--explain'],
    ['profile', SQL_WASM, '--explain'],
    ['cfi-report'],
    ['cfi-report', 'build/Release/wrt_probe.node', '/usr/bin/node'],
    ['hil', 'list', '--hardware-map', 'hil/maps/lab.yaml'],
  ];
  it.each(commandLines.map((args) => [args.join(' ').replace(packageRoot(), '.'), args] as const))('%s', async (_name, args) => {
    const { code, text } = await run(args);
    expect(code).toBe(0);
    expect(text.length).toBeGreaterThan(100);
    expect(tooWide(text)).toEqual([]);
  });
});

describe('--verbose prints what the 80 columns cut', () => {
  it('probe: every limit source in full', async () => {
    const brief = await run(['probe', '--target', 'qemu-lm3s6965evb']);
    const verbose = await run(['probe', '--target', 'qemu-lm3s6965evb', '--verbose']);
    const provenance = 'target qemu-lm3s6965evb: memory.ram[sram].bytes - memory.firmwareReservedRamBytes (Stellaris LM3S6965 Data Sheet';
    expect(brief.text).not.toContain(provenance);
    expect(brief.text).toContain(CUT_NOTE);
    expect(verbose.text).toContain(provenance);
    expect(verbose.text).not.toContain(CUT_NOTE);
  });

  it('probe of this machine: sources of the cgroup and rlimit facts', async () => {
    const verbose = await run(['probe', '--verbose']);
    expect(verbose.text).toMatch(/RLIMIT_STACK\s+soft .*\s+getrlimit\(RLIMIT_STACK\)\n/);
    expect(verbose.text).toMatch(/online CPUs\s+\d+\s+sysconf\(_SC_NPROCESSORS_ONLN\)\n/);
  });

  it('validate: an export name longer than a line', async () => {
    const brief = await run(['validate', longExport]);
    expect(brief.text).not.toContain(LONG_NAME);
    expect(brief.text).toMatch(/ {4}export_with_a_name\S*…\s+function\s+0\s+\(i64, f64, i32, i32\) -> f32\n/);
    expect(brief.text).toContain(CUT_NOTE);
    const verbose = await run(['validate', longExport, '--verbose']);
    expect(verbose.text).toContain(`    ${LONG_NAME}  function  0  (i64, f64, i32, i32) -> f32`);
  });

  it('cfi-report: the reason behind each level and where each mark was read', async () => {
    const brief = await run(['cfi-report', 'build/Release/wrt_probe.node']);
    const verbose = await run(['cfi-report', 'build/Release/wrt_probe.node', '--verbose']);
    expect(brief.text).not.toMatch(/hardware {2}(yes|no): CPUID/);
    expect(verbose.text).toMatch(/hardware {2}(yes|no): CPUID/);
    expect(verbose.text).toMatch(/build\/Release\/wrt_probe\.node +x86-64 ELF64 LE +shared object +SHSTK \w+, IBT \w+ +\S+/);
  });
});
