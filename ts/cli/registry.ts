import type { Command } from 'commander';
import type { ExitCode } from '../core/error-codes.js';
import { cfiReportCommand } from './commands/cfi-report.js';
import { deployCommand } from './commands/deploy.js';
import { hilCommand } from './commands/hil.js';
import { probeCommand } from './commands/probe.js';
import { profileCommand } from './commands/profile.js';
import { runCommand } from './commands/run.js';
import { validateCommand } from './commands/validate.js';
import type { CliContext } from './context.js';

/** A subcommand: it adds itself to the program and reports its exit code through `done`. */
export interface CommandModule {
  register(program: Command, ctx: CliContext, done: (code: ExitCode) => void): void;
}

export const COMMANDS: readonly CommandModule[] = [probeCommand, cfiReportCommand, validateCommand, profileCommand, runCommand, deployCommand, hilCommand];
