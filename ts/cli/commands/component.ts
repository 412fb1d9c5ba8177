/**
 * `wrt-target component inspect FILE [--wit] [--json]`: validates a component and prints its
 * section and instance tree, its world as WIT and what it needs (core modules with SHA-256 and
 * instantiation count, memory/tables/globals per core instance, resources, canonical options,
 * imports to satisfy). Exit 0 valid, 1 invalid, 2 usage or unreadable file.
 */
import type { Command } from 'commander';
import { ExitCode } from '../../core/error-codes.js';
import type { CliContext, CommandModule } from '../context.js';

export interface ComponentInspectOptions {
  readonly wit?: boolean;
  readonly json?: boolean;
}

const EXAMPLES = `
Examples:
  wrt-target component inspect examples/add.component.wasm
      tree, requirements table and imports to satisfy
  wrt-target component inspect examples/add.component.wasm --wit
      the component's world as WIT
  wrt-target component inspect examples/add.component.wasm --json
      everything, with full SHA-256 sums and per-instance figures

Exit codes: 0 valid, 1 invalid or malformed component, 2 usage or unreadable
file. More: docs/component.md.`;

async function runInspect(file: string, options: ComponentInspectOptions, ctx: CliContext): Promise<ExitCode> {
  const [{ loadComponent }, inspect, { jsonDocument }] = await Promise.all([
    import('../../component/load.js'),
    import('../../component/inspect.js'),
    import('../../core/output.js'),
  ]);
  const facts = loadComponent(file, ctx.cwd);
  const requirements = inspect.componentRequirements(facts);
  const wit = inspect.componentWit(facts);
  if (options.json === true) {
    ctx.output.out(jsonDocument({ name: 'component-inspect', version: 1 }, { file, tree: facts.tree, wit, requirements }));
  } else if (options.wit === true) {
    ctx.output.out(wit);
  } else {
    ctx.output.out(`${inspect.renderTree(facts.tree)}\n\n${inspect.renderRequirements(requirements)}`);
  }
  return ExitCode.Ok;
}

export const componentCommand: CommandModule = {
  register(program: Command, ctx: CliContext, done: (code: ExitCode) => void): void {
    const component = program.command('component').description('inspect WebAssembly components (Component Model binaries)');
    component
      .command('inspect')
      .description('validate a component and print its tree, its world as WIT and what it needs')
      .argument('<file>', 'the component .wasm')
      .option('--wit', 'print the world as WIT only')
      .option('--json', 'print everything as one JSON object')
      .addHelpText('after', EXAMPLES)
      .action(async (file: string, options: ComponentInspectOptions) => {
        done(await runInspect(file, options, ctx));
      });
  },
};
