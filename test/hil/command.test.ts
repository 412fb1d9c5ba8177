import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { hilCommand } from '../../ts/cli/commands/hil.js';
import { runHilRun, selectTests, type HilRunCliOptions } from '../../ts/cli/commands/hil-run.js';
import { loadSuites } from '../../ts/hil/suite.js';
import type { CliContext } from '../../ts/cli/context.js';
import { BufferedOutput } from '../../ts/core/output.js';
import { packageRoot } from '../../ts/core/paths.js';
import { WrtError } from '../../ts/core/errors.js';
import { rejected } from '../support/wrt-error.js';
import { tempDir, writeTree } from './support.js';
import { checkXml } from './xml-check.js';

const ROOT = packageRoot();
const work = tempDir('cli');
const cacheDir = join(work, 'cache');
afterAll(() => rmSync(work, { recursive: true, force: true }));

function context(): { ctx: CliContext; output: BufferedOutput } {
  const output = new BufferedOutput();
  return { ctx: { output, env: process.env, cwd: work, color: false }, output };
}

async function run(options: Partial<HilRunCliOptions>): Promise<{ code: number; output: BufferedOutput }> {
  const { ctx, output } = context();
  const { code } = await runHilRun({ suites: [], hardwareMap: join(ROOT, 'hil', 'maps', 'reference.yaml'), ...options }, ctx, { buildCacheDir: cacheDir });
  return { code, output };
}

/** The command as the CLI registers it, for argument parsing. */
async function cli(argv: string[]): Promise<{ code: number; output: BufferedOutput; error?: string }> {
  const { ctx, output } = context();
  let code = 0;
  const program = new Command('wrt-target').exitOverride().configureOutput({ writeOut: (t) => output.out(t), writeErr: (t) => output.err(t) });
  hilCommand.register(program, ctx, (c) => (code = c));
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof WrtError) return { code: error.exitCode, output, error: error.code };
    if (error instanceof CommanderError) return { code: 2, output, error: error.code };
    throw error;
  }
  return { code, output };
}

// A suite with one passing and one wrong expectation.
writeTree(work, {
  'suites/mixed/suite.yaml': [
    'name: mixed',
    'tests:',
    '  - name: right',
    '    module: add.wat',
    '    invoke: { export: add, args: [{ i32: 1 }, { i32: 2 }] }',
    '    expect: { returns: [{ i32: 3 }] }',
    '  - name: wrong',
    '    module: add.wat',
    '    invoke: { export: add, args: [{ i32: 1 }, { i32: 2 }] }',
    '    expect: { returns: [{ i32: 4 }] }',
    '',
  ].join('\n'),
  'suites/mixed/add.wat': '(module (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))',
  'quarantine.yaml': 'quarantine:\n  - test: mixed/wrong\n    reason: expectation under review\n    until: 2999-12-31\n',
  'bad-map.yaml': 'boards:\n  - id: v8\n    connection: reference-v8\n    colour: blue\n',
});

describe('wrt-target hil run', () => {
  it('runs a suite on the reference map and writes all three reports', async () => {
    const { code, output } = await run({ suites: ['smoke'], junit: 'out/hil.xml', json: 'out/hil.json', html: 'out/hil.html' });
    expect(code).toBe(0);
    const progress = output.stdout.filter((line) => /^\[[ \d]+\/13\] (PASS|FAIL|TIME|ERR |SKIP) /.test(line));
    expect(progress).toHaveLength(13);
    // Each result says how far the run is.
    expect(progress[0]).toMatch(/^\[ 1\/13\] PASS  v8  smoke\/add-i32  \d+\.\d ms$/);
    expect(progress.map((line) => line.slice(0, 7))).toEqual(Array.from({ length: 13 }, (_, i) => `[${String(i + 1).padStart(2)}/13]`));
    expect(output.stdout.at(-1)).toMatch(/^13 results on 1 board in .*:\n  13 passed, 0 failed, 0 timed out, 0 errors, 0 skipped\nHIL run passed$/);
    const xml = readFileSync(join(work, 'out', 'hil.xml'), 'utf8');
    expect(checkXml(xml).problems).toEqual([]);
    expect(xml).toContain('<testsuite name="v8" tests="13" failures="0" errors="0" skipped="0"');
    expect(JSON.parse(readFileSync(join(work, 'out', 'hil.json'), 'utf8')).summary.pass).toBe(13);
    expect(existsSync(join(work, 'out', 'hil.html'))).toBe(true);
  });

  it('exits 1 on a failure, and 0 when the quarantine list covers it', async () => {
    const failing = await run({ suites: ['mixed'], suitesDir: 'suites' });
    expect(failing.code).toBe(1);
    expect(failing.output.stdout.filter((l) => l.includes('] FAIL'))).toEqual([expect.stringMatching(/^\[[12]\/2\] FAIL  v8  mixed\/wrong  \d+\.\d ms  expected return \(i32:4\), returned \(i32:3\)$/)]);
    expect(failing.output.stdout.at(-1)).toMatch(/HIL run FAILED$/);
    const excused = await run({ suites: ['mixed'], suitesDir: 'suites', quarantine: 'quarantine.yaml' });
    expect(excused.code).toBe(0);
    expect(excused.output.stdout.find((l) => l.includes('] FAIL'))).toMatch(/^\[[12]\/2\] FAIL  v8  mixed\/wrong \(quarantined\)/);
  });

  it('prints the JSON report alone on stdout with --json, progress on stderr', async () => {
    const { code, output } = await run({ suites: ['mixed'], suitesDir: 'suites', json: true });
    expect(code).toBe(1);
    expect(output.stdout).toHaveLength(1);
    const report = JSON.parse(output.stdout[0] ?? '') as { summary: { pass: number; fail: number }; failed: boolean };
    expect(report.summary).toMatchObject({ pass: 1, fail: 1 });
    expect(report.failed).toBe(true);
    expect(output.stderr.filter((l) => /^\[\d\/2\] (PASS|FAIL) /.test(l))).toHaveLength(2);
  });

  it('exits 2 for a bad map, an unknown suite, a bad timeout, or a connection nobody can drive', async () => {
    const schema = await rejected(run({ hardwareMap: 'bad-map.yaml' }));
    expect([schema.code, schema.exitCode, schema.location.field, schema.location.line]).toEqual(['CONFIG_SCHEMA', 2, '/boards/0/colour', 4]);
    expect((await rejected(run({ suites: ['nope'] }))).code).toBe('USAGE');
    expect((await rejected(run({ timeout: '10s' }))).location).toMatchObject({ field: '--timeout', limit: '1..3600000' });
    writeTree(work, { 'probe-map.yaml': 'boards:\n  - id: probe-1\n    target: nucleo-f429zi\n    connection: jtag-probe\n' });
    const lab = await rejected(run({ hardwareMap: 'probe-map.yaml', suites: ['smoke'] }));
    expect([lab.code, lab.exitCode, lab.location.limit]).toEqual(['CONFIG_SCHEMA', 2, 'available kinds: native-sim | qemu | reference-v8 | serial']);
    expect((await rejected(run({ hardwareMap: undefined }))).code).toBe('USAGE');
  });

  it('parses its command line', async () => {
    const usage = await cli(['hil', 'run', 'smoke']);
    expect(usage.code).toBe(2);
    expect(usage.error).toBe('USAGE');
    const unknownFlag = await cli(['hil', 'run', '--hardware-map', 'x.yaml', '--frobnicate']);
    expect([unknownFlag.code, unknownFlag.error]).toEqual([2, 'commander.unknownOption']);
    // Every flag is known; the bad --timeout is the first thing checked, before anything is built.
    const ref = join(ROOT, 'hil', 'maps', 'reference.yaml');
    const flags = ['--test', 'smoke/add-*', '--tag', 'smoke', '--board', 'v8', '--differential', '--junit', 'j.xml', '--html', 'h.html', '--json', 'r.json'];
    const parsed = await cli(['hil', 'run', 'smoke', '--hardware-map', ref, ...flags, '--timeout', 'soon']);
    expect([parsed.code, parsed.error]).toEqual([2, 'VALUE_INVALID']);
  });

  it('selects tests by tag and id pattern', () => {
    const suites = loadSuites(join(ROOT, 'hil', 'suites'), ['smoke', 'wasi']);
    expect(selectTests(suites, { test: ['smoke/add-*', '*/sort'] }).flatMap((s) => s.tests.map((t) => t.id))).toEqual(['smoke/add-i32', 'smoke/add-i32-wraps', 'smoke/add-i64', 'wasi/sort']);
    expect(selectTests(suites, { tag: ['c'] }).map((s) => [s.name, s.tests.length])).toEqual([['wasi', 4]]);
  });
});

describe('wrt-target hil list', () => {
  it('lists boards and suites within 80 columns, runner and fixtures with --verbose', async () => {
    const brief = await cli(['hil', 'list', '--hardware-map', join(ROOT, 'hil', 'maps', 'lab.yaml')]);
    expect(brief.code).toBe(0);
    expect(brief.output.text.split('\n').filter((line) => line.length > 80)).toEqual([]);
    expect(brief.output.text).toMatch(/nucleo-1 +nucleo-f429zi +serial \/dev\/serial\/by-id\/\S*… +yes +yes\n/);
    expect(brief.output.text).toMatch(/lm3s-qemu +qemu-lm3s6965evb +qemu +no +yes\n/);
    expect(brief.output.text).toContain('(… marks text cut to fit 80 columns: --verbose prints it in full)');

    const { code, output } = await cli(['hil', 'list', '--verbose', '--hardware-map', join(ROOT, 'hil', 'maps', 'lab.yaml')]);
    expect(code).toBe(0);
    const text = output.text;
    expect(text).toMatch(/nucleo-1 +nucleo-f429zi +serial \/dev\/serial\/by-id\/usb-STMicroelectronics_STM32_STLink_0671FF485557725187122328-if02 +openocd +gpio-loopback +yes +yes/);
    expect(text).toMatch(/lm3s-qemu +qemu-lm3s6965evb +qemu +qemu +- +no +yes/);
    expect(text).toMatch(/v8 +- +reference-v8 +- +- +yes +yes/);
    expect(text).toContain('Executors available: native-sim, qemu, reference-v8, serial');
    expect(text).toMatch(/smoke +13 +Integer arithmetic/);
    expect(text).toMatch(/wasi +4 +printf/);
  });

  it('lists as JSON', async () => {
    const { code, output } = await cli(['hil', 'list', '--hardware-map', join(ROOT, 'hil', 'maps', 'reference.yaml'), '--json']);
    expect(code).toBe(0);
    const listing = JSON.parse(output.text) as { boards: unknown[]; executors: string[]; suites: { name: string; tests?: number }[] };
    expect(Object.entries(listing).slice(0, 2)).toEqual([['schema', 'wrt-target/hil-list'], ['schemaVersion', 1]]);
    expect(listing.executors).toEqual(['native-sim', 'qemu', 'reference-v8', 'serial']);
    expect(listing.boards).toEqual([{ id: 'v8', target: null, connection: 'reference-v8', runner: null, fixtures: [], enabled: true, executor: true }]);
    expect(listing.suites.map((s) => s.name)).toEqual(['host', 'smoke', 'spec-derived', 'wasi']);
  });
});
