import { existsSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cfiReportCommand, type CfiReportDeps, runCfiReport } from '../../ts/cli/commands/cfi-report.js';
import type { CliContext } from '../../ts/cli/context.js';
import { BufferedOutput } from '../../ts/core/output.js';
import { packageRoot } from '../../ts/core/paths.js';
import type { GatheredHost } from '../../ts/cfi/gather.js';
import { AMD_CPUINFO, AMD_FACTS, AMD_STATUS, inputs } from './host-records.js';
import { FREESTANDING_C, HELLO_C, run, Scratch } from './toolchain.js';
import { rejected as rejection } from '../support/wrt-error.js';

const AMD_HOST: GatheredHost = {
  inputs: inputs('x86_64', AMD_FACTS, AMD_CPUINFO, AMD_STATUS),
  sources: { nativeAddon: 'loaded from build/Release/wrt_probe.node', cpuinfo: 'read', status: 'read', smaps: null },
};
const recorded: CfiReportDeps = { gatherHost: async () => AMD_HOST };

function context(cwd: string): { ctx: CliContext; output: BufferedOutput } {
  const output = new BufferedOutput();
  return { ctx: { output, env: {}, cwd, color: false }, output };
}

describe('cfi-report', () => {
  const scratch = new Scratch('command');
  beforeAll(() => {
    scratch.write('hello.c', HELLO_C);
    scratch.write('f.c', FREESTANDING_C);
    run('gcc', ['-O1', '-fcf-protection=full', '-Wl,-z,ibt', '-Wl,-z,shstk', '-o', 'cet', 'hello.c'], scratch.dir);
    run('gcc', ['-O1', '-fcf-protection=none', '-o', 'plain', 'hello.c'], scratch.dir);
    run('clang', ['--target=thumbv8.1m.main-none-eabi', '-march=armv8.1-m.main+pacbti', '-mbranch-protection=pac-ret+bti', '-O1', '-c', 'f.c', '-o', 'm85.o'], scratch.dir);
    writeFileSync(scratch.path('notes.txt'), 'not an ELF file\n');
    writeFileSync(scratch.path('cut.elf'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 62, 0]));
  });
  afterAll(() => scratch.dispose());

  it('text: 80 columns by default, file sources and verdict reasons with --verbose', async () => {
    const brief = context(scratch.dir);
    expect(await runCfiReport({ files: ['cet', 'plain', 'm85.o'] }, brief.ctx, recorded)).toBe(0);
    const briefLines = brief.output.text.split('\n');
    expect(briefLines.filter((l) => l.length > 80)).toEqual([]);
    expect(briefLines.find((l) => l.startsWith('  cet '))).toMatch(/x86-64 ELF64 LE\s+PIE executable\s+SHSTK yes, IBT yes$/);
    expect(briefLines).toContain('  ASIL C   refused: shadow stack (refuse), indirect branch tracking (warn)');
    expect(brief.output.text).not.toContain('PT_GNU_PROPERTY');

    const { ctx, output } = context(scratch.dir);
    const code = await runCfiReport({ files: ['cet', 'plain', 'm85.o'], verbose: true }, ctx, recorded);
    expect(code).toBe(0);
    const lines = output.text.split('\n');
    expect(lines[0]).toBe('CFI report for host x86_64: AuthenticAMD, AMD EPYC (family 25 model 1 stepping 1)');
    expect(lines).toContain('  shadow stack (CET SHSTK)            yes       no      no');
    expect(lines).toContain('  indirect branch tracking (CET IBT)  no        no      no');
    const fileRow = (name: string): string | undefined => lines.find((l) => l.startsWith(`  ${name} `));
    expect(fileRow('cet')).toMatch(/x86-64 ELF64 LE\s+PIE executable\s+SHSTK yes, IBT yes\s+PT_GNU_PROPERTY$/);
    expect(fileRow('plain')).toMatch(/SHSTK no, IBT no\s+PT_GNU_PROPERTY$/);
    expect(fileRow('m85.o')).toMatch(/ARM ELF32 LE v8\.1-M\.mainline M\s+relocatable\s+BTI yes, PAC yes\s+\.ARM\.attributes$/);
    expect(lines).toContain('  ASIL C   refused');
    expect(output.text).toContain('- shadow stack [kernel, process, file plain]: shadow stack is missing');
    expect(output.text).toContain('  ARM target (file m85.o): QM accepted; A accepted; B accepted; C accepted; D accepted');
  });

  it('--json: one object with host levels, marks, verdicts and the rule table', async () => {
    const { ctx, output } = context(scratch.dir);
    expect(await runCfiReport({ files: ['cet', 'm85.o'], json: true }, ctx, recorded)).toBe(0);
    expect(output.stdout).toHaveLength(1);
    const doc = JSON.parse(output.text) as {
      schema: string;
      host: { features: { id: string; hardware: { state: string } }[] };
      files: { file: string; marks: { feature: string; state: string }[]; gnuProperties: { notes: { properties: { type: string; data: string }[] }[] }; armAttributes: { cfi: Record<string, number | null> } | null }[];
      verdicts: { host: { asil: { asil: string; outcome: string }[] } };
      rules: Record<string, { missing: Record<string, string> }>;
    };
    expect(doc.schema).toBe('wrt-target/cfi-report');
    expect(doc.host.features.find((f) => f.id === 'shstk')?.hardware.state).toBe('yes');
    expect(doc.files.map((f) => [f.file, f.marks.map((m) => `${m.feature}:${m.state}`)])).toEqual([
      ['cet', ['shstk:present', 'ibt:present']],
      ['m85.o', ['bti:present', 'pac:present']],
    ]);
    expect(doc.files[0]?.gnuProperties.notes[0]?.properties[0]).toEqual({ type: '0xc0000002', name: 'GNU_PROPERTY_X86_FEATURE_1_AND', offset: expect.any(Number), data: '03000000' });
    expect(doc.files[1]?.armAttributes?.cfi).toEqual({ cpuArch: 21, cpuArchProfile: 77, pacExtension: 2, btiExtension: 2, btiUse: 1, pacretUse: 1 });
    expect(doc.verdicts.host.asil.map((a) => a.outcome)).toEqual(['accepted', 'accepted with notes', 'accepted with warnings', 'refused', 'refused']);
    expect(doc.rules['shstk']?.missing['D']).toBe('refuse');
  });

  it('--md: a Markdown document', async () => {
    const { ctx, output } = context(scratch.dir);
    expect(await runCfiReport({ files: ['plain'], md: true }, ctx, recorded)).toBe(0);
    const md = output.text;
    expect(md.startsWith('# CFI report: host x86_64\n')).toBe(true);
    expect(md).toContain('| shadow stack (CET SHSTK) | hardware | yes | CPUID.(EAX=7,ECX=0):ECX[bit 7] CET_SS = 1 |');
    expect(md).toContain('### `plain`');
    expect(md).toContain('| SHSTK | no | SHSTK not set: no GNU_PROPERTY_X86_FEATURE_1_AND in PT_GNU_PROPERTY |');
    expect(md).toMatch(/\| D \| refused \| shadow stack \[kernel, process, file plain\]: /);
  });

  it('a missing file is FILE_NOT_FOUND (exit 2)', async () => {
    const { ctx } = context(scratch.dir);
    const e = await rejection(runCfiReport({ files: ['cet', 'missing.elf'] }, ctx, recorded));
    expect(e.code).toBe('FILE_NOT_FOUND');
    expect(e.exitCode).toBe(2);
    expect(e.location.file).toBe('missing.elf');
  });

  it('a file that is not ELF, or is cut short, is the ELF error (exit 2)', async () => {
    const { ctx } = context(scratch.dir);
    const notElf = await rejection(runCfiReport({ files: ['notes.txt'] }, ctx, recorded));
    expect([notElf.code, notElf.exitCode, notElf.location.file]).toEqual(['ELF_NOT_ELF', 2, 'notes.txt']);
    const cut = await rejection(runCfiReport({ files: ['cut.elf'] }, ctx, recorded));
    expect([cut.code, cut.exitCode, cut.location.field]).toEqual(['ELF_TRUNCATED', 2, 'ELF header']);
    expect(cut.describe()).toBe('cut.elf: byte 20 (0x14): ELF header: the ELF64 file header is cut short (limit: 64 bytes <= file size 20)');
  });

  it('--json and --md together are a usage error', async () => {
    const { ctx } = context(scratch.dir);
    const e = await rejection(runCfiReport({ files: ['cet'], json: true, md: true }, ctx, recorded));
    expect([e.code, e.exitCode]).toEqual(['USAGE', 2]);
  });

  it('with no files: the running node and the project binaries that exist, on the live host', async () => {
    const { ctx, output } = context(packageRoot());
    expect(await runCfiReport({ files: [], json: true }, ctx)).toBe(0);
    const doc = JSON.parse(output.text) as { files: { file: string }[]; sources: { nativeAddon: string } };
    const names = doc.files.map((f) => f.file);
    expect(names[0]).toBe(realpathSync(process.execPath));
    const addon = join(packageRoot(), 'build', 'Release', 'wrt_probe.node');
    if (existsSync(addon)) expect(names).toContain('build/Release/wrt_probe.node');
    expect(new Set(names).size).toBe(names.length);
    expect(doc.sources.nativeAddon).toMatch(/^(loaded from |not loaded: |loaded, but )/);
  });

  describe('registered on a commander program', () => {
    function program(ctx: CliContext, codes: number[]): Command {
      const p = new Command('wrt-target').exitOverride().configureOutput({
        writeOut: (t) => ctx.output.out(t),
        writeErr: (t) => ctx.output.err(t),
      });
      cfiReportCommand.register(p, ctx, (code) => codes.push(code));
      for (const sub of p.commands) sub.exitOverride();
      return p;
    }

    it('runs with files and reports exit 0 through done', async () => {
      const { ctx, output } = context(scratch.dir);
      const codes: number[] = [];
      await program(ctx, codes).parseAsync(['cfi-report', '--json', 'cet'], { from: 'user' });
      expect(codes).toEqual([0]);
      const parsed = JSON.parse(output.text) as { files: { file: string }[] };
      expect(Object.entries(parsed).slice(0, 2)).toEqual([['schema', 'wrt-target/cfi-report'], ['schemaVersion', 1]]);
      expect(parsed.files.map((f) => f.file)).toEqual(['cet']);
    });

    it('passes the ELF error through to the caller', async () => {
      const { ctx } = context(scratch.dir);
      const e = await rejection(program(ctx, []).parseAsync(['cfi-report', 'notes.txt'], { from: 'user' }));
      expect(e.code).toBe('ELF_NOT_ELF');
    });

    it('--help shows usage and examples', async () => {
      const { ctx, output } = context(scratch.dir);
      let caught: unknown;
      try {
        await program(ctx, []).parseAsync(['cfi-report', '--help'], { from: 'user' });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(CommanderError);
      expect((caught as CommanderError).exitCode).toBe(0);
      const help = output.text;
      expect(help).toContain('Usage: wrt-target cfi-report [options] [files...]');
      expect(help).toContain('--json');
      expect(help).toContain('--md');
      expect(help).toContain('Examples:');
      expect(help).toContain('wrt-target cfi-report --md > cfi.md');
    });
  });
});
