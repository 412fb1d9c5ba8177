/**
 * The command line of the project's scripts (conformance, differential, fuzz, bench, build
 * helpers): flags parsed by commander as the CLI's are, and one ending for all of them: a
 * WrtError prints its description and exits with its code, a bad flag exits 2, anything else is
 * a defect (4).
 */
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { WrtError } from './errors.js';

/** A commander program for a script, configured to throw instead of exiting. */
export function scriptProgram(name: string, description: string): Command {
  return new Command(name).description(description).exitOverride().showHelpAfterError('(run with --help for usage)');
}

/** A flag's value as a whole number in [min, max]; commander reports the flag when it is not. */
export function integerOption(min: number, max: number = Number.MAX_SAFE_INTEGER): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (!/^-?[0-9]+$/.test(text) || !Number.isSafeInteger(value) || value < min || value > max) {
      throw new InvalidArgumentError(`a whole number from ${min} to ${max}`);
    }
    return value;
  };
}

/** A comma-separated list flag. */
export function listOption(text: string): string[] {
  return text.split(',').filter((item) => item !== '');
}

/** Parses argv with `program`, runs `main` with the parsed program, and sets the exit code. */
export async function runScript(program: Command, main: (program: Command) => Promise<number> | number, argv: readonly string[] = process.argv): Promise<void> {
  try {
    program.parse([...argv], { from: 'node' });
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    throw error;
  }
  try {
    process.exitCode = await main(program);
  } catch (error) {
    if (!(error instanceof WrtError)) {
      process.stderr.write(`${program.name()}: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 4;
      return;
    }
    process.stderr.write(`${program.name()}: ${error.describe()}\n`);
    process.exitCode = error.exitCode;
  }
}
