import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { main } from '../../ts/cli/main.js';
import { HELP_WIDTH } from '../../ts/cli/program.js';
import { COMMANDS } from '../../ts/cli/registry.js';
import { BufferedOutput } from '../../ts/core/output.js';
import { packageRoot } from '../../ts/core/paths.js';

/** Every command line that has a --help: the program, each command and each subcommand. */
async function helpCommandLines(): Promise<string[][]> {
  const lines: string[][] = [[]];
  for (const entry of COMMANDS) {
    const program = new Command('wrt-target');
    (await entry.load()).register(program, { output: new BufferedOutput(), env: {}, cwd: packageRoot(), color: false }, () => undefined);
    for (const command of program.commands) {
      lines.push([command.name()]);
      for (const sub of command.commands) lines.push([command.name(), sub.name()]);
    }
  }
  return lines;
}

/** The help as a 200-column terminal would get it: the width must not follow the terminal. */
async function help(words: readonly string[]): Promise<string> {
  const out = new BufferedOutput();
  const stdout = process.stdout as { isTTY?: boolean; columns?: number };
  const saved = { isTTY: stdout.isTTY, columns: stdout.columns };
  stdout.isTTY = true;
  stdout.columns = 200;
  try {
    const code = await main(['node', 'wrt-target', ...words, '--help'], { output: out, env: {}, cwd: packageRoot() });
    expect(code).toBe(0);
  } finally {
    stdout.isTTY = saved.isTTY;
    stdout.columns = saved.columns;
  }
  return out.stdout.join('\n');
}

// Repository paths a help example names as input (outputs such as out/hil.xml are not checked).
const REPOSITORY_PATH = /(?:^|[\s'"=])((?:examples|hil|test|targets|docs)\/[\w./-]*\w)/g;

describe('--help', async () => {
  const commandLines = await helpCommandLines();

  it('covers every command and the hil subcommands', () => {
    expect(commandLines.map((words) => words.join(' '))).toEqual(
      expect.arrayContaining(['', 'probe', 'cfi-report', 'validate', 'profile', 'run', 'deploy', 'hil', 'hil run', 'hil list']),
    );
  });

  it.each(commandLines.map((words) => [words.join(' ') || '(program)', words] as const))('%s fits 80 columns', async (_name, words) => {
    const text = await help(words);
    const long = text.split('\n').filter((line) => line.length > HELP_WIDTH);
    expect(long).toEqual([]);
    expect(HELP_WIDTH).toBe(80);
  });

  it('names only files that exist in the repository, and uses examples/ for modules', async () => {
    const named = new Set<string>();
    let modules = 0;
    for (const words of commandLines) {
      const text = await help(words);
      for (const match of text.matchAll(REPOSITORY_PATH)) named.add(match[1] as string);
      // A module in an example is one a user can run from a checkout.
      for (const match of text.matchAll(/\bwrt-target \S+ (\S+\.wasm)\b/g)) {
        modules += 1;
        expect(match[1]).toMatch(/^examples\//);
      }
    }
    expect(modules).toBeGreaterThan(10);
    expect([...named]).toEqual(expect.arrayContaining(['examples/add.wasm', 'examples/hello.wasm', 'examples/limits.yaml', 'hil/maps/qemu.yaml']));
    expect([...named].filter((path) => !existsSync(join(packageRoot(), path)))).toEqual([]);
  });
});
