/**
 * `profile --target` reports the target's memory adapter beside the profile (text and the JSON's
 * optional memoryAdapter key); the binary profile does not carry it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../ts/core/error-codes.js';
import { runProfile } from '../../ts/cli/commands/profile.js';
import { profileBytesOf } from '../../ts/profile/upload-profile.js';
import { context, moduleFile } from './helpers.js';

// No memory: fits the 37,896-byte arena of the smallest board.
const MODULE = `(module (func (export "f") (result i32) (i32.const 7)))`;

describe('profile --target: the memory adapter', () => {
  it('prints which adapter a board uses and that its whole arena stays resident, within 80 columns', async () => {
    const m = moduleFile(MODULE);
    const { ctx, output } = context(m.dir);
    expect(await runProfile(m.file, { target: 'qemu-lm3s6965evb', asil: 'A', fuel: '5000' }, ctx)).toBe(ExitCode.Ok);
    const text = output.text;
    expect(text).toContain('\nmemory adapter  linker-arena (no options), from target qemu-lm3s6965evb:');
    expect(text.replace(/\s+/g, ' ')).toContain('from target qemu-lm3s6965evb: default of kind emulated (no memory.adapter) locks the');
    expect(text).toMatch(/\n {2}locks {9}the \d+-byte arena, always \(RAM without paging\)/);
    expect(text.split('\n').filter((line) => line.length > 80)).toEqual([]);
  });

  it('puts it in the JSON, and a JSON profile with it encodes to the same binary profile as one without', async () => {
    const m = moduleFile(MODULE);
    const { ctx, output } = context(m.dir);
    const base = { target: 'qemu-lm3s6965evb', asil: 'A', fuel: '5000' };
    expect(await runProfile(m.file, { ...base, json: true, out: 'p.json' }, ctx)).toBe(ExitCode.Ok);
    expect(await runProfile(m.file, { ...base, out: 'p.wrtp' }, context(m.dir).ctx)).toBe(ExitCode.Ok);
    const printed = JSON.parse(output.text) as { memoryAdapter: Record<string, unknown>; arena: { budgetBytes: number } };
    expect(printed.memoryAdapter).toEqual({
      kind: 'linker-arena',
      lock: false,
      populate: false,
      hugepages: false,
      typedMemoryName: null,
      locks: `the ${printed.arena.budgetBytes}-byte arena, always (RAM without paging)`,
      source: 'target qemu-lm3s6965evb: default of kind emulated (no memory.adapter)',
    });
    const file = readFileSync(join(m.dir, 'p.json'));
    expect(JSON.parse(file.toString('utf8'))).toHaveProperty('memoryAdapter.kind', 'linker-arena');
    const fromJson = await profileBytesOf(new Uint8Array(file), 'p.json');
    expect(Buffer.from(fromJson).equals(readFileSync(join(m.dir, 'p.wrtp')))).toBe(true);
  });

  it('has none without --target (a profile for this host names no target definition)', async () => {
    const m = moduleFile(MODULE);
    const { ctx, output } = context(m.dir);
    expect(await runProfile(m.file, { json: true, fuel: '5000' }, ctx)).toBe(ExitCode.Ok);
    expect(JSON.parse(output.text)).not.toHaveProperty('memoryAdapter');
  });
});
