/**
 * Runs the converted component `.wast` commands against the component validator: a `component`
 * (or assert_unlinkable) command must validate, an assert_invalid/assert_malformed must be
 * refused with a typed error. Commands listed in skip.txt (with their reason) are counted apart,
 * as are commands with no binary (jco could not parse the text; `component quote` cases).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ComponentError } from '../../ts/component/errors.js';
import { validateComponent } from '../../ts/component/validator.js';
import type { ConvertedComponentScript } from './convert.js';

export interface SkipEntry {
  /** "wasm-tools:component-model/async/lift.wast" or with ":LINE" for one command. */
  readonly key: string;
  readonly reason: string;
}

/** skip.txt: `suite:path[:line] reason`, one per line; `#` starts a comment. */
export function parseSkipList(text: string): SkipEntry[] {
  const entries: SkipEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const space = line.indexOf(' ');
    if (space < 0) throw new Error(`skip.txt: "${line}" has no reason`);
    entries.push({ key: line.slice(0, space), reason: line.slice(space + 1).trim() });
  }
  return entries;
}

export interface ComponentFileResult {
  readonly file: string;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly positives: number;
  readonly negatives: number;
  readonly failures: readonly { line: number; expected: string; got: string }[];
}

export function runComponentScript(script: ConvertedComponentScript, skips: readonly SkipEntry[]): ComponentFileResult {
  const file = `${script.suite}:${script.name}`;
  const fileSkip = skips.find((s) => s.key === file);
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  let positives = 0;
  let negatives = 0;
  const failures: { line: number; expected: string; got: string }[] = [];
  for (const command of script.commands) {
    const negative = command.kind === 'assert_invalid' || command.kind === 'assert_malformed';
    if (fileSkip !== undefined || command.wasm === null || skips.some((s) => s.key === `${file}:${command.line}`)) {
      skipped += 1;
      continue;
    }
    if (negative) negatives += 1;
    else positives += 1;
    const bytes = readFileSync(join(script.dir, command.wasm));
    let got = 'valid';
    try {
      validateComponent(bytes);
    } catch (error) {
      got = error instanceof ComponentError ? `${error.code} at ${error.offset}: ${error.message}` : `untyped: ${String(error)}`;
    }
    const typed = got.startsWith('COMPONENT_');
    const ok = negative ? typed : got === 'valid';
    if (ok) passed += 1;
    else {
      failed += 1;
      failures.push({ line: command.line, expected: negative ? `${command.kind} "${command.message}"` : 'valid', got });
    }
  }
  return { file, passed, failed, skipped, positives, negatives, failures };
}
