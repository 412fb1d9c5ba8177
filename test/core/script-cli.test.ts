/** The scripts' command line: commander parsing, typed values, and one exit-code rule. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WrtError } from '../../ts/core/errors.js';
import { integerOption, listOption, runScript, scriptProgram } from '../../ts/core/script-cli.js';

afterEach(() => {
  process.exitCode = undefined;
  vi.restoreAllMocks();
});

function program() {
  return scriptProgram('t', 'a test script')
    .option('--seed <n>', 'seed', integerOption(0, 10), 1)
    .option('--only <names>', 'names', listOption)
    .configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
}

describe('script command lines', () => {
  it('parses typed flags and runs main with them; main\'s number is the exit code', async () => {
    let seen: unknown;
    await runScript(program(), (p) => {
      seen = p.opts();
      return 7;
    }, ['node', 't', '--seed', '4', '--only', 'a,,b']);
    expect(seen).toEqual({ seed: 4, only: ['a', 'b'] });
    expect(process.exitCode).toBe(7);
  });

  it('exits 2 on an unknown flag or a value out of range, without running main', async () => {
    for (const argv of [['--bogus'], ['--seed', '11'], ['--seed', '1.5'], ['--seed', 'x']]) {
      let ran = false;
      await runScript(program(), () => {
        ran = true;
        return 0;
      }, ['node', 't', ...argv]);
      expect([argv.join(' '), process.exitCode, ran]).toEqual([argv.join(' '), 2, false]);
    }
  });

  it('ends a WrtError with its own exit code and description; anything else is 4', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    await runScript(program(), () => {
      throw new WrtError('TOOL_MISSING', 'qemu is missing', { field: 'qemu' });
    }, ['node', 't']);
    expect(process.exitCode).toBe(3);
    expect(String(stderr.mock.calls[0]?.[0])).toBe('t: qemu: qemu is missing\n');
    await runScript(program(), () => {
      throw new RangeError('boom');
    }, ['node', 't']);
    expect(process.exitCode).toBe(4);
  });
});
