import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WrtError } from '../../ts/core/errors.js';
import { convertTestsuite, readSpecScript } from '../../ts/testsuite/convert.js';
import { locateTestsuite } from '../../ts/testsuite/locate.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'wrt-testsuite-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

describe('spec testsuite conversion', () => {
  it('converts i32.wast into a script with the known command counts', () => {
    const [script] = convertTestsuite({ only: ['i32'], cacheDir });
    expect(script?.name).toBe('i32');
    const parsed = readSpecScript(script!.jsonPath);
    const count = (type: string): number => parsed.commands.filter((c) => c.type === type).length;
    // Counts of the pinned commit's i32.wast as wast2json 1.0.32 writes them.
    expect(count('module')).toBe(1);
    expect(count('assert_return')).toBe(364);
    expect(count('assert_trap')).toBe(10);
    expect(count('assert_invalid')).toBe(83);
    const first = parsed.commands.find((c) => c.type === 'assert_return');
    expect(first).toMatchObject({
      line: 37,
      action: { type: 'invoke', field: 'add', args: [{ type: 'i32', value: '1' }, { type: 'i32', value: '1' }] },
      expected: [{ type: 'i32', value: '2' }],
    });
  });

  it('does not convert again while the .wast is unchanged', () => {
    const [first] = convertTestsuite({ only: ['nop'], cacheDir });
    const before = statSync(first!.jsonPath).mtimeMs;
    const [second] = convertTestsuite({ only: ['nop'], cacheDir });
    expect(statSync(second!.jsonPath).mtimeMs).toBe(before);
  });

  it('names the variable when the testsuite is missing', () => {
    expect(() => locateTestsuite({ WRT_WASM_TESTSUITE: '/nonexistent/suite' })).toThrow(WrtError);
    expect(() => locateTestsuite({ WRT_WASM_TESTSUITE: '/nonexistent/suite' })).toThrow(/WRT_WASM_TESTSUITE/);
  });

  it('rejects an unknown script name', () => {
    expect(() => convertTestsuite({ only: ['no_such_file'], cacheDir })).toThrow(/no_such_file/);
  });
});
