/**
 * `wrt-target run FILE [ARGS...]`: runs a module on native-sim (the device interpreter on this
 * host, over the same wire protocol as a board) and exits with what the program did.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { ExitCode } from '../../core/error-codes.js';
import type { RunDeps } from '../../run/run-module.js';
import type { PreparedModule } from '../../run/module.js';
import type { NativesFile } from '../../targets/host-functions.js';
import { asilFlag, outcomeJson, parseFuel, printOutcome, profileSummary, RUN_DOCUMENT } from '../outcome.js';
import { jsonDocument, processOutput } from '../../core/output.js';
import type { CliContext, CommandModule } from '../context.js';
import { addHostOptions, hostRecorder, type RawHostOptions, readHostOptions } from '../host-flags.js';
import { addDebugOptions, breakSink, debugFlag, debugJson, printTrace, type RawDebugOptions } from '../debug-flags.js';

const EXAMPLES = `
Arguments:
  A component (docs/component.md): --invoke 'name(arg, ...)' with WAVE
  values, e.g. --invoke 'greet("wasm")'; the result prints as one WAVE value.
  A wasi:cli/run command component runs without --invoke, as a program:
  ARGS are its argv[1..], its output and exit code are its own.
  With --invoke, ARGS are the export's arguments: plain numbers are typed by
  its signature, or write the type: i32:5 i64:-3 f32:1.5 f64:-inf
  externref:null. Put -- before a plain negative number.
  Without --invoke the module runs as a WASI command (_start); ARGS are its
  argv[1..], argv[0] is the file name. Put -- before arguments with a dash.

Examples:
  wrt-target run examples/add.wasm --invoke add 2 3
      prints i32:5
  wrt-target run examples/hello.wasm -- --name board
      a WASI command: prints "hello, board"; exits with the program's code
  wrt-target run examples/add.wasm --invoke spin --fuel 100000
      100000 instructions, then the trap "fuel exhausted" (exit 1)
  wrt-target run examples/add.wasm --invoke boom
      the trap "unreachable" in function 1 (boom) (exit 1)
  wrt-target run examples/scale.wasm --natives examples/natives.c \\
      --invoke scale 5
      prints i32:16 from a native-sim built with the C native app.scale
  wrt-target run examples/add.wasm --invoke add i32:2 i32:3 --json
      {results|exitCode|trap, fuelUsed, peakStackBytes, output, profile, cfi}
      (cfi: native-sim's IBT/SHSTK ELF marks and its kernel CFI state, each
      fact with its source)
  wrt-target run examples/fib.wasm --invoke fib 3 --debug basic --break fib
      prints "break #1 at fib(i32:3)" and the stack on stderr at each entry of
      fib, then i32:2; after a trap --debug basic|full prints the last
      function entries (docs/limits.md, "Debugging on the device")
  wrt-target run examples/add.wasm --profile add.wrtp --invoke add 2 3
      under a profile made by \`wrt-target profile examples/add.wasm
      --target native-sim -o add.wrtp\`

Profile: --profile FILE, else the module's wrt.profile section, else one
compiled for native-sim (--fuel becomes its fuel); --profile none: no budgets
but --fuel. A profile of another module or target is refused (exit 1).

Exit code: the program's (proc_exit code, 0 when it returns); 1 when it traps;
2-4 for errors of the tool. A program exiting 1-4 is told apart by --json.
Host calls: --host FILE.mjs serves imports from JavaScript (export default
{ 'env.read_sensor': ([ch]) => 21 }); --trace-host-calls prints each host
call; wrt:logging records print with their level. All on stderr.
More: docs/native-sim.md ("wrt-target run"), docs/profile.md,
docs/host-calls.md.`;

interface RawRunOptions extends RawHostOptions, RawDebugOptions {
  readonly invoke?: string;
  readonly fuel?: string;
  readonly profile?: string;
  readonly asil?: string;
  readonly natives?: string;
  readonly signingKey?: string;
  readonly json?: boolean;
}

/** Where program output goes: straight to this process's stdout/stderr, or gathered. */
interface OutputSink {
  readonly sinks: { stdout(bytes: Uint8Array): void; stderr(bytes: Uint8Array): void };
  /** What was gathered, for --json or for an Output that is not the process's. */
  gathered(): { stdout: string; stderr: string };
}

function outputSink(ctx: CliContext, stream: boolean): OutputSink {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const direct = stream && ctx.output === processOutput;
  return {
    sinks: {
      stdout: (bytes) => (direct ? void process.stdout.write(bytes) : void out.push(Buffer.from(bytes))),
      stderr: (bytes) => (direct ? void process.stderr.write(bytes) : void err.push(Buffer.from(bytes))),
    },
    gathered: () => ({ stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }),
  };
}

/**
 * `run --natives FILE.c`: the file read and checked against the module's imports (as validate
 * --target native-sim --natives would), then native-sim built with it.
 */
async function nativesFor(
  natives: string,
  module: PreparedModule,
  hostServed: readonly string[],
  ctx: CliContext,
): Promise<{ readonly file: NativesFile; readonly binary: string }> {
  const [{ checkImportsOffered, readNativesFile }, { loadTarget }, { nativeSimWithNatives }] = await Promise.all([
    import('../../targets/host-functions.js'),
    import('../../targets/load.js'),
    import('../../run/native-sim-binary.js'),
  ]);
  const file = readNativesFile(natives, ctx.cwd);
  checkImportsOffered(module.report.imports, loadTarget('native-sim'), module.file, file, hostServed);
  return { file, binary: await nativeSimWithNatives(file, ctx.env) };
}

/**
 * `run COMPONENT --invoke 'f(args)'`: a component's function on native-sim through the canonical
 * ABI in the device core (docs/component.md, "Running components"); the result is printed as one
 * WAVE value on the last line.
 */
async function runComponentRun(file: string, args: readonly string[], raw: RawRunOptions, ctx: CliContext, deps: RunDeps): Promise<number> {
  const [
    { loadComponentPlan, planComponentCall, refuseCoreModuleFlags, runComponentOn, printComponentOutcome, componentOutcomeJson, componentRegionArgs },
    { resolveUploadProfile },
    { nativeSimLink },
    { DeviceSession, withSession },
  ] = await Promise.all([
    import('../../run/run-component.js'),
    import('../../profile/upload-profile.js'),
    import('../../run/run-module.js'),
    import('../../run/session.js'),
  ]);
  refuseCoreModuleFlags(file, [
    ['--natives', raw.natives !== undefined],
    ['--host', raw.host !== undefined],
    ['--trace-host-calls', raw.traceHostCalls === true],
    ['--host-policy', raw.hostPolicy !== undefined],
    ['--signing-key', raw.signingKey !== undefined],
    ['--break', (raw.break ?? []).length > 0],
  ]);
  const fuel = parseFuel(raw.fuel);
  const asil = asilFlag(raw.asil);
  const component = loadComponentPlan(file, ctx.cwd);
  const call = planComponentCall(component, raw.invoke, args);
  // A profile lays out the runtime for one module and one memory: a component of several core
  // instances, or whose core module has several memories (multi-memory: a profile sizes memory 0
  // only, docs/interpreter.md), runs in native-sim's default layout with region caps
  // (componentRegionArgs) unless --profile names one.
  const several = component.plan.steps.length > 1 || component.plan.coreReport.memories.length > 1;
  const profile = several && raw.profile === undefined ? undefined : await resolveUploadProfile({
    file,
    module: component.plan.coreModule,
    analysis: component.plan.coreReport,
    targetId: 'native-sim',
    ...(raw.profile === undefined ? {} : { profile: raw.profile }),
    ...(asil === undefined ? {} : { asil }),
    overrides: fuel === undefined ? {} : { fuel: { value: fuel, source: 'cli --fuel' } },
    env: ctx.env,
    cwd: ctx.cwd,
  });
  const json = raw.json === true;
  const sink = outputSink(ctx, !json);
  const report = await withSession(
    // Several core instances share the arena: each memory and table is capped (componentRegionArgs).
    () => DeviceSession.open(nativeSimLink({ env: ctx.env, ...deps, extraArgs: componentRegionArgs(component.plan) })),
    (session) =>
      runComponentOn(session, { component, call, ...(profile === undefined ? {} : { profile }), ...(fuel === undefined ? {} : { fuel }) }, sink.sinks),
    { handleSigint: deps.handleSigint !== false },
  );
  const gathered = sink.gathered();
  if (json) {
    ctx.output.out(jsonDocument(RUN_DOCUMENT, { ...componentOutcomeJson(report, call.fn, gathered), profile: profileSummary(profile) }));
    return report.exitCode;
  }
  printComponentOutcome(report, call.fn, gathered, (line) => ctx.output.out(line), (line) => ctx.output.err(line));
  return report.exitCode;
}

export async function runRun(
  file: string,
  args: readonly string[],
  raw: RawRunOptions,
  ctx: CliContext,
  deps: RunDeps = {},
): Promise<number> {
  const { fileIsComponent } = await import('../../component/detect.js');
  const { MAX_MODULE_FILE_BYTES } = await import('../../core/user-file.js');
  if (fileIsComponent(resolve(ctx.cwd, file), { what: 'module', maxBytes: MAX_MODULE_FILE_BYTES, shown: file })) return runComponentRun(file, args, raw, ctx, deps);
  const fuel = parseFuel(raw.fuel);
  const asil = asilFlag(raw.asil);
  const debug = debugFlag(raw);
  // The device client and the value codecs load only when `run` runs, not for every command.
  const [
    { runModule },
    { loadModule, planInvocation },
    { formatValue },
    { resolveUploadProfile },
    { NATIVE_SIM_UPLOAD_CAPACITY },
    { profileSignatureOf, readSigningKey },
    { loadTarget },
    { memoryAdapterOf },
  ] = await Promise.all([
    import('../../run/run-module.js'),
    import('../../run/module.js'),
    import('../../run/values.js'),
    import('../../profile/upload-profile.js'),
    import('../../targets/upload-capacity.js'),
    import('../../signing/signing-key.js'),
    import('../../targets/load.js'),
    import('../../targets/memory-adapter.js'),
  ]);
  // native-sim's arena is its target definition's: memory.arenaBytes, taken as memory.adapter says (--mem-lock, ...).
  const simTarget = loadTarget('native-sim');
  const memoryAdapter = memoryAdapterOf(simTarget);
  const arenaBytes = simTarget.memory.arenaBytes;
  const signingKey = raw.signingKey === undefined ? undefined : readSigningKey(raw.signingKey, ctx.cwd);
  const json = raw.json === true;
  const sink = outputSink(ctx, !json);
  const hostOptions = await readHostOptions(raw, ctx.cwd);
  const recorder = await hostRecorder(ctx.output, !json);
  // Read and validated once; a missing export or a bad argument is refused before any profile work.
  const module = loadModule(file, ctx.cwd, NATIVE_SIM_UPLOAD_CAPACITY);
  planInvocation(module, raw.invoke, args);
  const { checkBreakpointBudget, resolveBreakpoints } = await import('../../run/debug.js');
  const breakpoints = resolveBreakpoints(module, raw.break ?? []);
  const hostServed = hostOptions.host === undefined ? [] : [...hostOptions.host.functions.keys()];
  const natives = raw.natives === undefined ? undefined : await nativesFor(raw.natives, module, hostServed, ctx);
  const profile = await resolveUploadProfile({
    file,
    module: module.bytes,
    analysis: module.report,
    targetId: 'native-sim',
    ...(raw.profile === undefined ? {} : { profile: raw.profile }),
    ...(asil === undefined ? {} : { asil }),
    ...(debug === undefined ? {} : { debug }),
    ...(natives === undefined ? {} : { natives: natives.file }),
    ...(hostServed.length === 0 ? {} : { hostServed }),
    ...(natives === undefined ? {} : { simBinary: natives.binary }),
    overrides: {
      ...(fuel === undefined ? {} : { fuel: { value: fuel, source: 'cli --fuel' } }),
      ...(hostOptions.hostPolicies === undefined ? {} : { hostPolicyByImport: hostOptions.hostPolicies }),
      ...(signingKey === undefined ? {} : { signingKey: profileSignatureOf(signingKey) }),
    },
    env: ctx.env,
    cwd: ctx.cwd,
  });
  if (hostOptions.hostPolicies !== undefined) (await import('../../profile/host-policy.js')).checkPoliciesCarried(hostOptions.hostPolicies, profile, file);
  checkBreakpointBudget(breakpoints.length, profile, file);
  const report = await runModule(
    {
      file,
      module,
      args,
      ...(raw.invoke === undefined ? {} : { invoke: raw.invoke }),
      ...(fuel === undefined ? {} : { fuel }),
      ...(profile === undefined ? {} : { profile }),
      ...(hostOptions.host === undefined ? {} : { host: hostOptions.host }),
      traceHostCalls: hostOptions.traceHostCalls,
      ...(breakpoints.length === 0 ? {} : { breakpoints }),
      ...(natives === undefined ? {} : { natives: natives.file }),
      ...(signingKey === undefined ? {} : { signingKey: Buffer.from(signingKey.publicKey).toString('hex') }),
    },
    { ...sink.sinks, ...recorder.sinks, ...(await breakSink(ctx.output, module, formatValue, !json)) },
    { env: ctx.env, memoryAdapter, ...(arenaBytes === undefined ? {} : { arenaBytes }), ...(natives === undefined ? {} : { binary: natives.binary }), ...deps },
  );
  const gathered = sink.gathered();
  if (json) {
    ctx.output.out(jsonDocument(RUN_DOCUMENT, { ...outcomeJson(report, gathered, formatValue), ...recorder.json(formatValue), ...(await debugJson(report, module, formatValue)), profile: profileSummary(profile), cfi: report.cfi }));
    return report.exitCode;
  }
  printOutcome(report, gathered, ctx.output, formatValue);
  await printTrace(report, module, ctx.output);
  return report.exitCode;
}

export const runCommand: CommandModule = {
  register(program: Command, ctx: CliContext, done: (code: ExitCode) => void): void {
    const command = program
      .command('run')
      .description('run a WebAssembly module on native-sim (the device interpreter on this host)')
      .argument('<file>', 'the .wasm module')
      .argument('[args...]', 'arguments of --invoke, or the WASI program\'s arguments')
      .option('--invoke <name>', 'call this export instead of running _start as a WASI command')
      .option('--fuel <n>', "instruction budget of the invocation (default: the profile's)")
      .option('--asil <level>', 'the safety level the run asks for (QM, A-D): a compiled profile is made at it, a given one must be at it')
      .option('--profile <file|none>', 'the profile to run under (default: the module\'s wrt.profile section, else one compiled for native-sim)')
      .option('--natives <file.c>', 'run on a native-sim built with the natives of this C file (docs/host-functions.md)')
      .option('--signing-key <key.pub>', 'require the module signed by this key: in the profile, and native-sim holds it (required from ASIL C)')
      .option('--json', 'print {results|exitCode|trap, fuelUsed, peakStackBytes, output, hostCalls, logs, profile, cfi} as JSON');
    addDebugOptions(addHostOptions(command))
      .addHelpText('after', EXAMPLES)
      .action(async (file: string, args: string[], raw: RawRunOptions) => {
        /* The program's exit code may be any byte; the CLI passes it through unchanged. */
        done((await runRun(file, args, raw, ctx)) as ExitCode);
      });
  },
};


