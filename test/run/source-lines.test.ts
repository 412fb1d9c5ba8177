/**
 * Source lines in a trap's backtrace, end to end: a C program built by clang with -g traps three
 * calls deep on native-sim, and `wrt-target run` prints each frame's file:line:column from the
 * module's .debug_line (ts/run/source-lines.ts, ts/wasm/dwarf-line.ts). Expected lines come from
 * the fixture's marker comments, columns from where the callee's name stands on that line.
 * llvm-dwarfdump --debug-line is the oracle for the reader's rows of both DWARF 4 and 5 tables.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../ts/core/paths.js';
import { deploy } from '../../ts/deploy/deploy.js';
import { formatBacktrace } from '../../ts/run/backtrace.js';
import { decodeDebugLine, type LineRow, moduleDebugLines } from '../../ts/wasm/dwarf-line.js';
import { gatherSinks } from '../deploy/deploy-helpers.js';
import { compiledScript } from '../support/compiled.js';
import { buildRealNativeSim } from './helpers.js';

const ROOT = packageRoot();
const FIXTURES = path.join(ROOT, 'test', 'run', 'fixtures');
const SOURCE = 'trap-lines.c';
const OUT = path.join(ROOT, 'build', 'test-run');

const works = (tool: string): boolean => spawnSync(tool, ['--version'], { stdio: 'ignore' }).status === 0;
const HAVE_CLANG = works('clang') && works('wasm-ld');
const DWARFDUMP = ['llvm-dwarfdump', 'llvm-dwarfdump-14'].find(works);
const HAVE_BOARD = works('qemu-system-arm') && works('arm-none-eabi-gcc');

/** The fixture's line holding `marker` (1-based) and the column (1-based) of `callee` on it. */
function marked(marker: string, callee: string): { line: number; column: number } {
  const lines = fs.readFileSync(path.join(FIXTURES, SOURCE), 'utf8').split('\n');
  const index = lines.findIndex((l) => l.includes(`/* ${marker} */`));
  expect(index, marker).toBeGreaterThanOrEqual(0);
  const column = (lines[index] ?? '').indexOf(callee) + 1;
  expect(column, callee).toBeGreaterThan(0);
  return { line: index + 1, column };
}

/** The fixture built by clang -g -O0 in the fixtures directory from its relative name (so DWARF 4 keeps it relative). */
function build(name: string, dwarf: readonly string[]): string {
  fs.mkdirSync(OUT, { recursive: true });
  const out = path.join(OUT, name);
  execFileSync('clang', ['--target=wasm32', '-g', '-O0', ...dwarf, '-nostdlib', '-Wall', '-Wextra', '-Werror', '-Wl,--no-entry', '-o', out, SOURCE], { cwd: FIXTURES });
  return out;
}

function cli(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'wrt-target.js'), 'run', ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The frames' source lines the fixture's markers say, innermost first. */
function expectedFrames(file: string): { name: string; file: string; line: number; column: number }[] {
  return [
    { name: 'inner', file, ...marked('TRAP', '__builtin_trap') },
    { name: 'middle', file, ...marked('CALL-INNER', 'inner') },
    { name: 'run', file, ...marked('CALL-MIDDLE', 'middle') },
  ];
}

/** The backtrace block of run's stderr, offsets (checked against wasm-objdump elsewhere) masked. */
function backtraceBlock(stderr: string): string[] {
  const lines = stderr.split('\n');
  const start = lines.indexOf('wasm backtrace:');
  expect(start, stderr).toBeGreaterThanOrEqual(0);
  return lines.slice(start, start + 7).map((l) => l.replace(/0x[0-9a-f]+/, '0x…'));
}

let dwarf4 = '';
let dwarf5 = '';

describe.skipIf(!HAVE_CLANG)('source lines of a trap (skipped: clang with wasm-ld is not installed)', () => {
  beforeAll(() => {
    buildRealNativeSim();
    compiledScript('ts/cli/commands/run.ts');
    compiledScript('ts/run/source-lines.ts');
    dwarf4 = build('trap-lines-dwarf4.wasm', ['-gdwarf-4']);
    dwarf5 = build('trap-lines-dwarf5.wasm', ['-gdwarf-5']);
  }, 120_000);

  it('run prints file:line:column under each frame (DWARF 4: the path relative as clang wrote it)', () => {
    const run = cli([dwarf4, '--invoke', 'run', '5']);
    expect(run.status).toBe(1);
    expect(backtraceBlock(run.stderr)).toEqual([
      'wasm backtrace:',
      ...expectedFrames(SOURCE).flatMap((f, i) => [`   ${i}: 0x… - ${f.name}`, `        at ${f.file}:${f.line}:${f.column}`]),
    ]);
  });

  it('DWARF 5 names the file with its directory 0, the compilation directory', () => {
    const run = cli([dwarf5, '--invoke', 'run', '5']);
    expect(run.status).toBe(1);
    const file = `${FIXTURES}/${SOURCE}`;
    expect(backtraceBlock(run.stderr).filter((l) => l.includes(' at '))).toEqual(expectedFrames(file).map((f) => `        at ${f.file}:${f.line}:${f.column}`));
  });

  it('--json carries file, line and column in each frame', () => {
    const run = cli([dwarf4, '--invoke', 'run', '5', '--json']);
    const doc = JSON.parse(run.stdout) as { schemaVersion: number; trap: { backtrace: { functionName: string; file: string | null; line: number | null; column: number | null; offset: number }[] } };
    expect(doc.schemaVersion).toBe(1);
    expect(doc.trap.backtrace.map((f) => ({ name: f.functionName, file: f.file, line: f.line, column: f.column }))).toEqual(expectedFrames(SOURCE));
  });

  it('a module whose .debug_line is damaged still prints its frames, and says why lines are missing', () => {
    const bytes = Uint8Array.from(fs.readFileSync(dwarf4));
    const debug = moduleDebugLines(bytes);
    const at = debug?.line.fileOffset ?? -1;
    expect(at).toBeGreaterThan(0);
    bytes.set([9, 0], at + 4); // the first unit's version
    const damaged = path.join(OUT, 'trap-lines-damaged.wasm');
    fs.writeFileSync(damaged, bytes);
    const run = cli([damaged, '--invoke', 'run', '5']);
    expect(run.status).toBe(1);
    const block = backtraceBlock(run.stderr);
    expect(block.slice(0, 4)).toEqual(['wasm backtrace:', '   0: 0x… - inner', '   1: 0x… - middle', '   2: 0x… - run']);
    expect(run.stderr).toContain(`(source lines unknown: DWARF_UNSUPPORTED: ${damaged}: byte ${at + 4} (0x${(at + 4).toString(16)}): .debug_line byte 4 (0x4): line table version 9`);
  });

  it.skipIf(!HAVE_BOARD)('deploy on qemu-mps2-an386 gives the same lines (skipped without qemu-system-arm and arm-none-eabi-gcc)', async () => {
    const report = await deploy(dwarf4, { target: 'qemu-mps2-an386', invoke: 'run', args: ['5'] }, gatherSinks(), { handleSigint: false });
    if (report.kind !== 'ran' || report.outcome.kind !== 'trapped') throw new Error(`expected a trap, got ${report.kind}`);
    const frames = report.outcome.backtrace.frames.map((f) => ({ name: f.functionName, file: f.file, line: f.line, column: f.column }));
    expect(frames).toEqual(expectedFrames(SOURCE));
    expect(formatBacktrace(report.outcome.backtrace).filter((l) => l.includes(' at '))).toEqual(expectedFrames(SOURCE).map((f) => `        at ${f.file}:${f.line}:${f.column}`));
  }, 300_000);

  describe.skipIf(DWARFDUMP === undefined)('against llvm-dwarfdump --debug-line (skipped: no llvm-dwarfdump)', () => {
    /** The rows and file paths llvm-dwarfdump prints for a one-unit table. */
    function oracle(file: string): { rows: LineRow[]; paths: string[] } {
      const text = execFileSync(DWARFDUMP ?? '', ['--debug-line', file], { encoding: 'utf8' });
      const rows: LineRow[] = [];
      for (const m of text.matchAll(/^0x([0-9a-f]{16}) +(\d+) +(\d+) +(\d+) +\d+ +\d+ *(.*)$/gm)) {
        const flags = (m[5] ?? '').split(' ');
        rows.push({ address: parseInt(m[1] ?? '', 16), line: Number(m[2]), column: Number(m[3]), file: Number(m[4]), isStmt: flags.includes('is_stmt'), endSequence: flags.includes('end_sequence') });
      }
      const dirs = [...text.matchAll(/^include_directories\[\s*(\d+)\] = "(.*)"$/gm)].map((m) => [Number(m[1]), m[2] ?? ''] as const);
      const version = Number(/^\s+version: (\d+)$/m.exec(text)?.[1]);
      const paths = [...text.matchAll(/^\s+name: "(.*)"\n\s+dir_index: (\d+)$/gm)].map((m) => {
        const index = Number(m[2]);
        const dir = dirs.find(([i]) => i === index)?.[1];
        // DWARF 4's directory 0 is DW_AT_comp_dir, outside .debug_line; DWARF 5 lists it.
        return dir === undefined || (version < 5 && index === 0) ? (m[1] ?? '') : `${dir}/${m[1] ?? ''}`;
      });
      return { rows, paths };
    }

    it('a wasi-libc program (dozens of units, dropped functions at the tombstone address): the same rows', () => {
      const file = path.join(OUT, 'hello-debug.wasm');
      execFileSync('clang', ['--target=wasm32-wasi', '-g', '-O0', '-o', file, path.join(FIXTURES, 'hello.c')]);
      const debug = moduleDebugLines(fs.readFileSync(file), file);
      if (debug === null) throw new Error(`${file} has no .debug_line`);
      const units = decodeDebugLine(debug);
      expect(units.length).toBeGreaterThan(10);
      const expected = oracle(file).rows;
      expect(units.flatMap((u) => u.rows)).toEqual(expected);
    }, 60_000);

    it.each([4, 5])('DWARF %i: the same rows and file paths', (version) => {
      const file = version === 4 ? dwarf4 : dwarf5;
      const debug = moduleDebugLines(fs.readFileSync(file), file);
      if (debug === null) throw new Error(`${file} has no .debug_line`);
      const units = decodeDebugLine(debug);
      expect(units.map((u) => u.version)).toEqual([version]);
      const expected = oracle(file);
      expect(expected.rows.length).toBeGreaterThan(10);
      expect(units[0]?.rows).toEqual(expected.rows);
      expect(units[0]?.files.map((f) => f.path)).toEqual(expected.paths);
    });
  });
});
