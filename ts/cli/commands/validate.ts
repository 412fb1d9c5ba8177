/**
 * `wrt-target validate FILE`: decodes and validates a WebAssembly 2.0 module as it streams from
 * disk, checks it against a target's limits, and prints what it needs (or --json).
 * Exit 0 valid and within limits, 1 invalid or over budget, 2 usage or unreadable input.
 * The validator loads only when this command runs.
 */
import type { Command } from 'commander';
import type { ExitCode } from '../../core/error-codes.js';
import type { ValidateCommandOptions } from './validate-run.js';
import type { CliContext, CommandModule } from '../context.js';

const EXAMPLES = `
Examples:
  wrt-target validate app.wasm
      validate and print sizes, memory use, features, frames, call graph, imports, exports
  wrt-target validate app.wasm --target nucleo-f429zi
      also check the target's linear-memory budget, table size and FPU/SIMD/bulk-memory support
  wrt-target validate app.wasm --limits limits.json --allow-import 'env.*' --json
      explicit limits (maxTypes, maxFunctions, linearMemoryBytes, maxStackBytes, …), as JSON
  wrt-target validate app.component.wasm
      a component: every core module inside, types, aliases, instantiations, names

Exit codes: 0 valid and within limits, 1 invalid or over a limit, 2 usage or unreadable file.`;


function collect(value: string, previous: readonly string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').map((s) => s.trim()).filter((s) => s !== '')];
}

export const validateCommand: CommandModule = {
  register(program: Command, ctx: CliContext, done: (code: ExitCode) => void): void {
    program
      .command('validate')
      .description('validate a WebAssembly 2.0 module while it streams in, check it against a target and report what it needs')
      .argument('<file>', 'the .wasm module (a component, told apart by its layer byte, is validated as a component)')
      .option('--json', 'print the analysis as one JSON object')
      .option('--target <id>', 'check the limits of a target definition from targets/')
      .option('--limits <file>', 'check limits from a JSON/YAML file (or a `probe --json` report)')
      .option('--allow-import <patterns>', 'host functions the module may import: module.name or module.* (repeatable, comma-separated)', collect)
      .addHelpText('after', EXAMPLES)
      .action(async (file: string, options: ValidateCommandOptions) => {
        const { runValidate } = await import('./validate-run.js');
        done(await runValidate(file, options, ctx));
      });
  },
};
