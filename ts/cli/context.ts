import type { Command } from 'commander';
import type { ExitCode } from '../core/error-codes.js';
import type { Output } from '../core/output.js';

/** What every command receives besides its own options. */
export interface CliContext {
  readonly output: Output;
  /** The process environment (tests pass their own). */
  readonly env: NodeJS.ProcessEnv;
  /** Current directory for relative paths and the default config file. */
  readonly cwd: string;
  /** Colours only on a terminal and when NO_COLOR is unset. */
  readonly color: boolean;
}

/** Options every command accepts. */
export interface GlobalOptions {
  readonly json?: boolean;
}

/** A subcommand: it adds itself to the program and reports its exit code through `done`. */
export interface CommandModule {
  register(program: Command, ctx: CliContext, done: (code: ExitCode) => void): void;
}
