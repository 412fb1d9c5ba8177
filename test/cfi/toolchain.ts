/**
 * Builds real binaries for the CFI tests with the compilers the project's setup installs (gcc,
 * clang 14 with lld, gcc-arm-none-eabi). A missing tool fails the test with the command that was
 * tried: these tests exist to check the parser against what real toolchains emit.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function run(command: string, args: readonly string[], cwd?: string): string {
  try {
    return execFileSync(command, [...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`\`${command} ${args.join(' ')}\` failed: ${e.stderr ?? e.message}`);
  }
}

export class Scratch {
  readonly dir: string;
  constructor(prefix: string) {
    this.dir = mkdtempSync(join(tmpdir(), `wrt-cfi-${prefix}-`));
  }
  path(name: string): string {
    return join(this.dir, name);
  }
  write(name: string, text: string): string {
    const p = this.path(name);
    writeFileSync(p, text);
    return p;
  }
  read(name: string): Uint8Array {
    return new Uint8Array(readFileSync(this.path(name)));
  }
  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export const HELLO_C = '#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n';

/** Freestanding C with an indirect call, so BTI/IBT landing pads and PAC are emitted. */
export const FREESTANDING_C = `int add_one(int x) { return x + 1; }
int (*volatile indirect)(int) = add_one;
int entry(void) { return indirect(41); }
void _start(void) { entry(); for (;;) {} }
`;

/** `readelf -n` "Properties:" lines, e.g. ["x86 feature: IBT, SHSTK", "x86 ISA needed: x86-64-baseline"]. */
export function readelfProperties(path: string, readelf = 'readelf'): string[] {
  // Without -W readelf prints one property per line, which keeps "IBT, SHSTK" apart from the next property.
  const text = run(readelf, ['-n', path]);
  const lines = text.split('\n');
  const result: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const m = /Properties:\s*(.*)$/.exec(line);
    if (m === null) continue;
    result.push((m[1] ?? '').trim());
    // Continuation lines are indented with a tab and have no "Owner" column.
    for (let j = i + 1; j < lines.length && /^\t\s*\S/.test(lines[j] ?? ''); j++) result.push((lines[j] ?? '').trim());
  }
  return result;
}

/** The feature names readelf prints for the FEATURE_1_AND property, or [] when there is none. */
export function readelfFeatureNames(path: string): string[] {
  const line = readelfProperties(path).find((l) => /^(x86|AArch64) feature:/.test(l));
  if (line === undefined) return [];
  return line
    .replace(/^(x86|AArch64) feature:\s*/, '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    // binutils 2.40 predates GCS (AArch64 feature bit 2) and prints it as unknown.
    .map((s) => (s === '<unknown: 4>' && line.startsWith('AArch64') ? 'GCS' : s))
    .sort();
}

export interface ReadelfSection {
  readonly index: number;
  readonly name: string;
  readonly type: string;
  readonly offset: number;
  readonly size: number;
}

export function readelfSections(path: string): ReadelfSection[] {
  const result: ReadelfSection[] = [];
  for (const line of run('readelf', ['-S', '-W', path]).split('\n')) {
    const m = /^\s*\[\s*(\d+)\]\s+(\S+)\s+([A-Za-z][A-Za-z0-9_+]*)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s/.exec(line);
    if (m === null || m[1] === '0') continue;
    result.push({ index: Number(m[1]), name: m[2] ?? '', type: m[3] ?? '', offset: parseInt(m[5] ?? '', 16), size: parseInt(m[6] ?? '', 16) });
  }
  return result;
}

export interface ReadelfSegment {
  readonly type: string;
  readonly offset: number;
  readonly filesz: number;
  readonly align: number;
}

export function readelfSegments(path: string): ReadelfSegment[] {
  const result: ReadelfSegment[] = [];
  for (const line of run('readelf', ['-l', '-W', path]).split('\n')) {
    const m = /^\s+([A-Z][A-Z_0-9+]*)\s+0x([0-9a-f]+)\s+0x[0-9a-f]+\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+0x[0-9a-f]+\s+.*\s(0x[0-9a-f]+|0)$/.exec(line);
    if (m === null) continue;
    result.push({ type: m[1] ?? '', offset: parseInt(m[2] ?? '', 16), filesz: parseInt(m[3] ?? '', 16), align: Number(m[4]) });
  }
  return result;
}

/** `arm-none-eabi-readelf -A` file attributes as name -> printed value. */
export function readelfArmAttributes(path: string): Map<string, string> {
  const result = new Map<string, string>();
  for (const line of run('arm-none-eabi-readelf', ['-A', path]).split('\n')) {
    const m = /^\s+(Tag_\w+):\s*(.*)$/.exec(line);
    if (m !== null) result.set(m[1] ?? '', (m[2] ?? '').trim());
  }
  return result;
}
