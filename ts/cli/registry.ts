import type { CommandModule } from './context.js';

/** A subcommand by name, its module loaded on demand. */
export interface CommandEntry {
  readonly name: string;
  load(): Promise<CommandModule>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'probe', load: async () => (await import('./commands/probe.js')).probeCommand },
  { name: 'cfi-report', load: async () => (await import('./commands/cfi-report.js')).cfiReportCommand },
  { name: 'validate', load: async () => (await import('./commands/validate.js')).validateCommand },
  { name: 'profile', load: async () => (await import('./commands/profile.js')).profileCommand },
  { name: 'run', load: async () => (await import('./commands/run.js')).runCommand },
  { name: 'deploy', load: async () => (await import('./commands/deploy.js')).deployCommand },
  { name: 'component', load: async () => (await import('./commands/component.js')).componentCommand },
  { name: 'boards', load: async () => (await import('./commands/boards.js')).boardsCommand },
  { name: 'hil', load: async () => (await import('./commands/hil.js')).hilCommand },
  { name: 'keygen', load: async () => (await import('./commands/signing.js')).keygenCommand },
  { name: 'sign', load: async () => (await import('./commands/signing.js')).signCommand },
  { name: 'verify', load: async () => (await import('./commands/signing.js')).verifyCommand },
  { name: 'wit', load: async () => (await import('./commands/wit.js')).witCommand },
];

/**
 * The commands to register for this command line: only the one it names, or every one when it
 * names none (top-level help, --version, a misspelt command, which commander answers from the
 * full list). Each module costs its load time, and a process runs one command.
 */
export async function commandsFor(args: readonly string[]): Promise<CommandModule[]> {
  const named = args.find((arg) => !arg.startsWith('-'));
  const entry = COMMANDS.find((command) => command.name === named);
  return Promise.all((entry === undefined ? COMMANDS : [entry]).map((command) => command.load()));
}
