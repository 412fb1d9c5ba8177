import type { CommandModule } from './context.js';

/** A subcommand by name, its module loaded on demand. */
export interface CommandEntry {
  readonly name: string;
  /** Its module in ts/cli/commands/, without extension; the build bundles one file per command from it. */
  readonly module: string;
  /** The module's export that registers the command. */
  readonly exportName: string;
  load(): Promise<CommandModule>;
}

function entry(name: string, module: string, exportName: string): CommandEntry {
  return {
    name,
    module,
    exportName,
    load: async () => {
      // A plain string, not a template: bundlers and vitest would turn a template into a glob of files.
      const specifier = './commands/' + module + '.js';
      const loaded = (await import(specifier)) as Readonly<Record<string, CommandModule | undefined>>;
      const command = loaded[exportName];
      if (command === undefined) throw new Error(`ts/cli/commands/${module} exports no ${exportName}`);
      return command;
    },
  };
}

export const COMMANDS: readonly CommandEntry[] = [
  entry('probe', 'probe', 'probeCommand'),
  entry('cfi-report', 'cfi-report', 'cfiReportCommand'),
  entry('validate', 'validate', 'validateCommand'),
  entry('profile', 'profile', 'profileCommand'),
  entry('run', 'run', 'runCommand'),
  entry('deploy', 'deploy', 'deployCommand'),
  entry('component', 'component', 'componentCommand'),
  entry('boards', 'boards', 'boardsCommand'),
  entry('hil', 'hil', 'hilCommand'),
  entry('keygen', 'signing', 'keygenCommand'),
  entry('sign', 'signing', 'signCommand'),
  entry('verify', 'signing', 'verifyCommand'),
  entry('wit', 'wit', 'witCommand'),
];

/**
 * The commands to register for this command line: only the one it names, or every one when it
 * names none (top-level help, --version, a misspelt command, which commander answers from the
 * full list). Each module costs its load time, and a process runs one command.
 */
export async function commandsFor(args: readonly string[]): Promise<CommandModule[]> {
  // bin/wrt-target.js picks a command's bundle by the same rule: the first word that is not an option.
  const named = args.find((arg) => !arg.startsWith('-'));
  const found = COMMANDS.find((command) => command.name === named);
  return Promise.all((found === undefined ? COMMANDS : [found]).map((command) => command.load()));
}
