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
  wrt-target validate examples/hello.wasm
      sizes, memory use, features, frames, call graph, imports, exports
  wrt-target validate examples/hello.wasm --target nucleo-f429zi
      also the target's memory budget, table size, FPU/SIMD/bulk memory
  wrt-target validate examples/hello.wasm --limits examples/limits.yaml
      explicit limits (maxFunctions, linearMemoryBytes, maxStackBytes, ...);
      exit 1: its memory starts at 2 pages, more than linearMemoryBytes
  wrt-target validate examples/add.wasm --allow-import 'env.*' --json
      the analysis as JSON
  A component binary (layer 1) is validated as one: every core module inside,
  types, aliases, instantiations, names (docs/component.md).

Exit codes: 0 valid and within limits, 1 invalid or over a limit, 2 usage or
unreadable file. Limits and the report: docs/validator.md.`;


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
      .option('--verbose', 'import and export names and types in full, however wide')
      .option('--target <id>', 'check the limits of a target definition from targets/')
      .option('--limits <file>', 'check limits from a JSON/YAML file (or a `probe --json` report)')
      .option('--natives <file.c>', 'with --target: the target offers the natives of this C file too (as deploy --natives builds them in)')
      .option('--allow-import <patterns>', 'host functions the module may import: module.name or module.* (repeatable, comma-separated)', collect)
      .addHelpText('after', EXAMPLES)
      .action(async (file: string, options: ValidateCommandOptions) => {
        const { runValidate } = await import('./validate-run.js');
        done(await runValidate(file, options, ctx));
      });
  },
};
