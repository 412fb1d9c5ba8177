/**
 * `wrt-target wit check PATH… | print PATH`: WIT packages parsed, resolved and checked against
 * bounded limits (a preset, each limit overridable). The WIT code loads only when this runs.
 */
import { type Command, Option } from 'commander';
import type { ExitCode } from '../../core/error-codes.js';
import { WIT_LIMIT_KEYS, WIT_LIMIT_SPECS, WIT_PRESET_NAMES } from '../../limits/wit-specs.js';
import type { CliContext, CommandModule } from '../context.js';
import type { WitCommandOptions } from './wit-run.js';

const EXAMPLES = `
Examples:
  wrt-target wit check examples/wit/
      a package directory (its *.wit files) with its deps/ packages
  wrt-target wit check examples/wit/blink.wit --preset small --features active
      under the seed's small bounds, @unstable(feature = active) items kept
  wrt-target wit check examples/wit/ --json
      the resolved packages in wit-parser's Resolve shape, each limit's source
  wrt-target wit print examples/wit/
      the main package as normalized WIT

Limits: the preset (default medium) gives every limit; the config file (wit:
in wrt-target.yaml), WRT_WIT_* variables and flags override single limits.
Exit codes: 0 every path resolved, 1 a WIT error or a limit hit, 2 usage or
unreadable path. More: docs/wit.md.`;

function addShared(command: Command): Command {
  command
    .addOption(new Option('--preset <name>', 'the limits to start from').choices([...WIT_PRESET_NAMES]))
    .option('--features <list>', 'features whose @unstable items are kept (comma-separated)')
    .option('--config <file>', 'config file (default: $WRT_CONFIG, else ./wrt-target.yaml)')
    .option('--json', 'print one JSON document');
  for (const key of WIT_LIMIT_KEYS) {
    const spec = WIT_LIMIT_SPECS[key];
    command.option(`${spec.flag} <${spec.kind === 'bytes' ? 'bytes' : 'count'}>`, `${spec.description} (env ${spec.env})`);
  }
  return command.addHelpText('after', EXAMPLES);
}

export const witCommand: CommandModule = {
  register(program: Command, ctx: CliContext, done: (code: ExitCode) => void): void {
    const wit = program.command('wit').description('check WIT packages (the Component Model interface language) within bounded limits, print them normalized');
    addShared(wit.command('check').description('parse, resolve and check WIT packages: files, or directories with deps/').argument('<paths...>', '.wit files or package directories')).action(
      async (paths: string[], options: WitCommandOptions) => {
        const { runWitCheck } = await import('./wit-run.js');
        done(await runWitCheck(paths, options, ctx));
      },
    );
    addShared(wit.command('print').description('print a WIT package as normalized WIT').argument('<path>', 'a .wit file or package directory')).action(
      async (path: string, options: WitCommandOptions) => {
        const { runWitPrint } = await import('./wit-run.js');
        done(await runWitPrint(path, options, ctx));
      },
    );
  },
};
