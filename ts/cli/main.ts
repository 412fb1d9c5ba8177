import { type MainOptions, runProgram } from './program.js';
import { commandsFor } from './registry.js';

/** Runs the CLI with the command the command line names (every command when it names none); never throws. */
export async function main(argv: readonly string[], options: MainOptions = {}): Promise<number> {
  return runProgram(argv, await commandsFor(argv.slice(2)), options);
}
