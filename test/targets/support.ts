import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { expect } from 'vitest';
import { WrtError } from '../../ts/core/errors.js';
import type { ErrorCode } from '../../ts/core/error-codes.js';
import { targetsDir } from '../../ts/targets/index.js';

/** A shipped definition as a mutable plain object, to break in one place per test. */
export function shippedData(id: string): Record<string, unknown> {
  const data: unknown = parse(readFileSync(join(targetsDir(), `${id}.yaml`), 'utf8'));
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error(`${id}.yaml is not a mapping`);
  return data as Record<string, unknown>;
}

/** Walks a JSON-pointer-like path of keys/indices and returns the object or array there. */
export function at(data: Record<string, unknown>, ...path: (string | number)[]): Record<string, unknown> {
  let node: unknown = data;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) throw new Error(`no ${String(key)} in path ${path.join('/')}`);
    node = (node as Record<string | number, unknown>)[key];
  }
  if (typeof node !== 'object' || node === null) throw new Error(`path ${path.join('/')} is not an object`);
  return node as Record<string, unknown>;
}

export class TempTargets {
  readonly dir = mkdtempSync(join(tmpdir(), 'wrt-targets-'));

  /** Writes <id>.yaml (YAML text as given, or a data object serialised) and returns its path. */
  write(id: string, content: string | Record<string, unknown>): string {
    const file = join(this.dir, `${id}.yaml`);
    writeFileSync(file, typeof content === 'string' ? content : stringify(content));
    return file;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Runs `action`, expects a WrtError with this code, and returns it for further assertions. */
export function expectWrtError(action: () => unknown, code: ErrorCode): WrtError {
  let caught: unknown;
  try {
    action();
  } catch (error: unknown) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(WrtError);
  const error = caught as WrtError;
  expect(error.code, error.describe()).toBe(code);
  return error;
}
