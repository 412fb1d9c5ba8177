/**
 * `wrt-target hil run [SUITE…] --hardware-map FILE` and `wrt-target hil list`: hardware-in-the-loop
 * runs of the suites under hil/suites on every board of a hardware map (boards in parallel), with
 * console progress and JUnit, JSON and HTML reports. Exit 1 when any test failed, timed out or
 * errored outside the quarantine list, or boards disagreed in differential mode; 2 for bad input.
 * The runner (./hil-run.ts) loads only when a hil command runs.
 */
import type { Command } from 'commander';
import type { ExitCode } from '../../core/error-codes.js';
import type { HilRunCliOptions } from './hil-run.js';
import type { CliContext, CommandModule } from '../context.js';

const EXAMPLES = `
Examples:
  wrt-target hil run --hardware-map hil/maps/reference.yaml
      every suite on the V8 reference board
  wrt-target hil run smoke wasi --hardware-map hil/maps/qemu.yaml \\
        --junit out/hil.xml --html out/hil.html
      two suites on every enabled board of the map, with JUnit and HTML
  wrt-target hil run --hardware-map hil/maps/qemu.yaml --differential \\
        --json out/hil.json
      also run each test on the V8 reference and flag any disagreement
  wrt-target hil list --hardware-map hil/maps/lab.yaml
      the boards (and whether this build can drive them) and the suites

A test that does not answer within its timeout is a hang: the board is reset
and the test runs once more; a second hang fails it. Tests matching
hil/quarantine.yaml run but cannot fail the run. Exit codes: 0 all passed,
1 a test failed / timed out / errored, or boards disagreed; 2 bad input.
Put SUITE names before options: \`--json\` takes an optional file name.
More: docs/hil.md.`;

/** The run options as commander parses them: everything but the suite names. */
type RawRunOptions = Omit<HilRunCliOptions, 'suites'>;


function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export const hilCommand: CommandModule = {
  register(program: Command, ctx: CliContext, done: (code: ExitCode) => void): void {
    const hil = program.command('hil').description('hardware-in-the-loop test runs on the boards of a hardware map');
    hil
      .command('run')
      .description('run HIL suites on every board of a hardware map, boards in parallel')
      .argument('[suites...]', 'suite names under hil/suites (default: all)')
      .option('--hardware-map <file>', 'the boards to use (YAML, hil/schema/hardware-map.schema.json)')
      .option('--differential', 'also run every test on the reference runtimes and flag disagreements')
      .option('--junit <file>', 'write a JUnit XML report')
      .option('--json [file]', 'write the JSON report to a file, or print it on stdout without one')
      .option('--html <file>', 'write a self-contained HTML report')
      .option('--timeout <ms>', 'timeout of tests that set none (default 10000)')
      .option('--board <id>', 'only this board (repeatable)', collect)
      .option('--tag <tag>', 'only tests with this tag (repeatable)', collect)
      .option('--test <pattern>', 'only tests whose id (suite/name) matches; * and ? wildcards (repeatable)', collect)
      .option('--quarantine <file>', 'quarantine list (default hil/quarantine.yaml)')
      .option('--suites-dir <dir>', 'folder of suites (default hil/suites)')
      .addHelpText('after', EXAMPLES)
      .action(async (suites: string[], raw: RawRunOptions) => {
        const { runHilRun } = await import('./hil-run.js');
        const { code } = await runHilRun({ suites, ...raw }, ctx);
        done(code);
      });
    hil
      .command('list')
      .description('list the boards of a hardware map and the suites')
      .option('--hardware-map <file>', 'the boards to list')
      .option('--suites-dir <dir>', 'folder of suites (default hil/suites)')
      .option('--json', 'print the listing as JSON')
      .option('--verbose', 'connections and descriptions in full, however wide')
      .action(async (raw: { hardwareMap?: string; suitesDir?: string; json?: boolean; verbose?: boolean }) => {
        const { runHilList } = await import('./hil-run.js');
        done(runHilList(raw, ctx));
      });
  },
};
