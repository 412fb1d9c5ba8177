import { Command, CommanderError } from 'commander';
import { ExitCode } from '../core/error-codes.js';
import { WrtError } from '../core/errors.js';
import { TOOL_VERSION } from '../core/version.js';
import type { CliContext, CommandModule } from './context.js';
import { ignoreClosedReaders, jsonDocument, type JsonDocumentKind, type Output, processOutput } from '../core/output.js';

export interface MainOptions {
  readonly output?: Output;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

/** Columns every --help fits in, the hand-written examples included. */
export const HELP_WIDTH = 80;

/** What a command given --json prints on stdout when it fails. */
export const ERROR_DOCUMENT: JsonDocumentKind = { name: 'error', version: 1 };

const EXIT_CODE_HELP = `
Exit codes:
  0  ok
  1  a check failed (over budget, invalid module, required CFI feature missing)
  2  usage or input error (bad flag, bad file, bad config or environment value)
  3  environment missing (native addon, toolchain or emulator not installed)
  4  internal error in wrt-target (please report it)`;

/**
 * Runs the CLI with these commands registered and returns the exit code; never throws and never
 * calls process.exit. main.ts gives it the commands the registry loads; a per-command bundle
 * (scripts/bundle/cli.ts) gives it its one command, so the bundle holds no other.
 */
export async function runProgram(argv: readonly string[], commands: readonly CommandModule[], options: MainOptions = {}): Promise<number> {
  const output = options.output ?? processOutput;
  if (output === processOutput) ignoreClosedReaders();
  const env = options.env ?? process.env;
  const ctx: CliContext = {
    output,
    env,
    cwd: options.cwd ?? process.cwd(),
    color: output === processOutput && process.stdout.isTTY === true && env['NO_COLOR'] === undefined,
  };
  let exitCode: number = ExitCode.Ok;
  const wantsJson = argv.includes('--json');

  const program = new Command('wrt-target')
    .description('Run WebAssembly on safety-critical embedded targets and prove it stays inside its budgets.')
    .version(TOOL_VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', EXIT_CODE_HELP)
    // A fixed width, not the terminal's: help reads the same everywhere and fits an 80-column
    // terminal. Subcommands created after this inherit it (commander copies help settings).
    .configureHelp({ helpWidth: HELP_WIDTH, minWidthToWrap: 24 })
    .exitOverride()
    .configureOutput({
      writeOut: (text) => output.out(text.replace(/\n$/, '')),
      writeErr: (text) => output.err(text.replace(/\n$/, '')),
    });

  for (const command of commands) {
    command.register(program, ctx, (code) => {
      exitCode = code;
    });
  }
  // Commands built apart and added (addCommand) do not inherit the program's settings: give them
  // the same help width and error handling, subcommands included.
  const pending = [...program.commands];
  for (let guard = 0; pending.length > 0 && guard < 1000; guard += 1) {
    const sub = pending.pop();
    if (sub === undefined) break;
    sub.exitOverride().configureHelp({ helpWidth: HELP_WIDTH, minWidthToWrap: 24 });
    pending.push(...sub.commands);
  }

  try {
    await program.parseAsync([...argv], { from: 'node' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through exitOverride with exitCode 0.
      return error.exitCode === 0 ? ExitCode.Ok : ExitCode.UsageOrInput;
    }
    return reportError(error, output, wantsJson);
  }
  return exitCode;
}

async function reportError(error: unknown, output: Output, json: boolean): Promise<number> {
  const wrt =
    error instanceof WrtError
      ? error
      : new WrtError('INTERNAL', `unexpected ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`, {}, { cause: error });
  if (json) {
    output.out(jsonDocument(ERROR_DOCUMENT, { error: wrt.toJSON() }));
  }
  output.err(`wrt-target: error[${wrt.code}]: ${wrt.describe()}`);
  if (wrt.code === 'INTERNAL' && error instanceof Error && error.stack !== undefined) {
    // Mapped to the sources only here: the maps load for a defect, not on every start.
    const { sourceMappedStack } = await import('../core/stack-map.js');
    output.err(sourceMappedStack(error.stack));
    output.err('This is a defect in wrt-target; please report it with the command line above.');
  }
  return wrt.exitCode;
}
