/**
 * `wrt-target profile FILE`: compiles the bounded execution profile of a module for a target under
 * an ASIL preset: JSON for people, a binary with CRC-32 for devices, or the module with the profile
 * embedded as a `wrt.profile` custom section. Exit 0 profiled, 1 a budget not met, 2 usage/input.
 */
import { writeFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import type { Command } from 'commander';
import { ExitCode } from '../../core/error-codes.js';
import { WrtError } from '../../core/errors.js';
import { LIMIT_FLAGS } from '../../limits/limit-specs.js';
import { parseBaud } from '../../device/serial-link.js';
import type { CliContext, CommandModule } from '../context.js';
import { parseFuel } from '../outcome.js';
import type { ProfileDeps, ProfileRequest } from '../../profile/gather.js';
import type { ProfileMemoryAdapter } from '../../profile/json.js';
import { parseHostPolicies } from '../../profile/host-policy.js';
import type { ProfileOverrides, Sourced, TargetFacts } from '../../profile/types.js';
import type { ResolvedLimits } from '../../limits/types.js';
import type { LoadRegions } from '../../profile/load-regions.js';
import { type NativesFile, readNativesFile } from '../../targets/host-functions.js';
import { profileSignatureOf, readSigningKey } from '../../signing/signing-key.js';

const EXAMPLES = `
Examples:
  wrt-target profile examples/add.wasm --target nucleo-f429zi --asil C \\
        --fuel 100000
      print the budgets; exit 1 naming every budget the module cannot meet
  wrt-target profile examples/hello.wasm --device /dev/ttyACM0 -o hello.wrtp
      for the board on that port: its measured arena (HELLO)
  wrt-target profile examples/add.wasm --target qemu-lm3s6965evb --asil B \\
        --fuel 5000 --explain
      show how each number was derived and from which limit
  wrt-target profile examples/add.wasm --target native-sim -o add.json
      JSON (versioned schema); -o add.wrtp: the binary for the device;
      -o add.profiled.wasm: the module with a wrt.profile section
  A component binary is profiled as the sum of its core instances (with
  multiplicity) plus handle tables and a value buffer (docs/component.md).

ASIL and debug level resolve like every limit: --asil / WRT_ASIL_LEVEL /
config, --debug-level (or --debug). More: docs/profile.md.`;

interface RawProfileOptions {
  readonly target?: string;
  readonly syspage?: string;
  readonly pidin?: string;
  readonly device?: string;
  readonly baud?: string;
  readonly debug?: string;
  readonly out?: string;
  readonly format?: string;
  readonly explain?: boolean;
  readonly verbose?: boolean;
  readonly json?: boolean;
  readonly fuel?: string;
  readonly callDepth?: string;
  readonly valueStack?: string;
  readonly hostCalls?: readonly string[];
  readonly allowImport?: readonly string[];
  readonly hostPolicy?: readonly string[];
  readonly natives?: string;
  readonly host?: string;
  readonly maxResources?: string;
  readonly truncateMemory?: string;
  readonly signingKey?: string;
  readonly [key: string]: unknown;
}

function collect(value: string, previous: readonly string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').map((s) => s.trim()).filter((s) => s !== '')];
}

export function count(text: string, flag: string): number {
  if (!/^\d+$/.test(text.trim())) throw new WrtError('VALUE_INVALID', `${flag} must be a whole number, got "${text}"`, { field: flag, source: `cli ${flag}` });
  const n = Number(text.trim());
  if (!Number.isSafeInteger(n)) throw new WrtError('VALUE_INVALID', `${flag} ${text} is too large`, { field: flag, source: `cli ${flag}`, limit: '2^53 - 1' });
  return n;
}

function sourced(text: string | undefined, flag: string): Sourced<number> | undefined {
  return text === undefined ? undefined : { value: count(text, flag), source: `cli ${flag}` };
}

/** Turns the flags into overrides, each with the flag that set it. */
export function overridesFromOptions(raw: RawProfileOptions, cwd: string): ProfileOverrides {
  const byImport = new Map<string, Sourced<number>>();
  let hostCalls: Sourced<number> | undefined;
  for (const item of raw.hostCalls ?? []) {
    const eq = item.lastIndexOf('=');
    if (eq < 0) hostCalls = { value: count(item, '--host-calls'), source: 'cli --host-calls' };
    else byImport.set(item.slice(0, eq), { value: count(item.slice(eq + 1), `--host-calls ${item.slice(0, eq)}`), source: `cli --host-calls ${item}` });
  }
  const mode = raw.truncateMemory;
  if (mode !== undefined && mode !== 'auto' && mode !== 'always' && mode !== 'never') {
    throw new WrtError('VALUE_INVALID', `--truncate-memory must be auto, always or never, got "${mode}"`, { field: '--truncate-memory' });
  }
  const callDepth = sourced(raw.callDepth, '--call-depth');
  const valueSlots = sourced(raw.valueStack, '--value-stack');
  const fuelCount = parseFuel(raw.fuel);
  const fuel = fuelCount === undefined ? undefined : { value: fuelCount, source: 'cli --fuel' };
  const maxResources = sourced(raw.maxResources, '--max-resources');
  const signingKey = raw.signingKey === undefined ? undefined : profileSignatureOf(readSigningKey(raw.signingKey, cwd));
  return {
    ...(callDepth !== undefined ? { callDepth } : {}),
    ...(valueSlots !== undefined ? { valueSlots } : {}),
    ...(fuel !== undefined ? { fuel } : {}),
    ...(hostCalls !== undefined ? { hostCalls } : {}),
    ...(byImport.size > 0 ? { hostCallsByImport: byImport } : {}),
    ...(raw.hostPolicy !== undefined ? { hostPolicyByImport: parseHostPolicies(raw.hostPolicy) } : {}),
    ...(raw.allowImport !== undefined ? { allowedImports: { value: raw.allowImport, source: 'cli --allow-import' } } : {}),
    ...(maxResources !== undefined ? { maxResources } : {}),
    ...(mode !== undefined ? { truncateMemory: mode } : {}),
    ...(signingKey !== undefined ? { signingKey } : {}),
  };
}

type Format = 'json' | 'binary' | 'wasm';

function formatOf(raw: RawProfileOptions): Format {
  const given = raw.format ?? (raw.out === undefined ? 'json' : extname(raw.out) === '.wasm' ? 'wasm' : extname(raw.out) === '.json' ? 'json' : 'binary');
  if (given !== 'json' && given !== 'binary' && given !== 'wasm') {
    throw new WrtError('USAGE', `--format must be json, binary or wasm, got "${given}"`, { field: '--format' });
  }
  return given;
}

/** --natives FILE.c: natives the target's firmware is built with, offered beside its own. */
function nativesOf(raw: RawProfileOptions, ctx: CliContext): NativesFile {
  if (raw.natives === undefined || raw.target === undefined) {
    throw new WrtError('USAGE', '--natives adds host functions to a target: name the target with --target', { field: '--natives' });
  }
  return readNativesFile(raw.natives, ctx.cwd);
}

/** --host FILE.mjs: the imports a JavaScript host module serves over the wire (run/deploy --host), as module.field. */
async function hostServedOf(raw: RawProfileOptions, ctx: CliContext): Promise<readonly string[]> {
  if (raw.host === undefined) return [];
  const { loadHostModule } = await import('../../run/host-calls.js');
  return [...(await loadHostModule(raw.host, ctx.cwd)).functions.keys()];
}

/** The request both profile paths give probe: the subject flags, the limit flags, the overrides. */
function profileRequest(file: string, raw: RawProfileOptions, ctx: CliContext, options: Record<string, unknown>, hostServed: readonly string[]): ProfileRequest {
  return {
    file,
    ...(raw.target !== undefined ? { target: raw.target } : {}),
    ...(raw.syspage !== undefined ? { syspage: raw.syspage } : {}),
    ...(raw.pidin !== undefined ? { pidin: raw.pidin } : {}),
    ...(raw.device !== undefined ? { device: raw.device } : {}),
    ...(raw.baud !== undefined ? { baud: parseBaud(raw.baud) } : {}),
    ...(raw.natives !== undefined ? { natives: nativesOf(raw, ctx) } : {}),
    ...(hostServed.length > 0 ? { hostServed } : {}),
    overrides: overridesFromOptions(raw, ctx.cwd),
    options,
    env: ctx.env,
    cwd: ctx.cwd,
  };
}

/**
 * `profile COMPONENT --target ID -o OUT`: the device profile of the whole component, with its
 * component block (docs/profile.md), as deploy compiles it; `deploy --profile OUT` takes it.
 */
async function writeComponentProfile(
  file: string,
  out: string,
  format: 'json' | 'binary',
  context: { limits: ResolvedLimits; target: TargetFacts; overrides: ProfileOverrides; measure: (module: Uint8Array, label: string) => LoadRegions },
  ctx: CliContext,
): Promise<ExitCode> {
  const [{ loadComponentPlan }, { compileComponentProfile, componentLimitsOf }, { encodeProfile, profileJson, renderBudgetErrors, renderProfile }, { TOOL_VERSION }] = await Promise.all([
    import('../../run/run-component.js'),
    import('../../profile/component-profile.js'),
    import('../../profile/index.js'),
    import('../../core/version.js'),
  ]);
  const { plan, bytes } = loadComponentPlan(file, ctx.cwd);
  const { limits, target } = context;
  const result = compileComponentProfile({
    plan,
    component: bytes,
    measure: context.measure,
    device: componentLimitsOf(target),
    limits,
    target,
    asil: limits.asil.value,
    debug: limits.debugLevel.value,
    overrides: context.overrides,
    toolchain: TOOL_VERSION,
  });
  if (!result.ok) {
    ctx.output.err(renderBudgetErrors(file, target.id, result.errors));
    return ExitCode.CheckFailed;
  }
  const written = format === 'json' ? Buffer.from(profileJson(result.profile), 'utf8') : encodeProfile(result.profile).bytes;
  try {
    await writeFile(resolve(ctx.cwd, out), written);
  } catch (error) {
    throw new WrtError('FILE_WRITE_FAILED', `cannot write ${out}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { file: out });
  }
  ctx.output.out(renderProfile(result.profile, { explain: false, verbose: false }));
  return ExitCode.Ok;
}

/** `profile` of a component: the summed budget of its core instances and the component runtime. */
async function runComponentProfile(file: string, raw: RawProfileOptions, ctx: CliContext, deps: ProfileDeps): Promise<ExitCode> {
  const format = raw.out === undefined ? undefined : formatOf(raw);
  if (format === 'wasm') {
    throw new WrtError('USAGE', `${file} is a component: -o writes its profile as JSON (.json) or binary; a component carries no embedded profile`, { field: '-o' });
  }
  const [{ loadComponent }, { compileComponentBudget }, { renderComponentBudget }, { profileContext }, { renderBudgetErrors }, { TOOL_VERSION }, { jsonDocument }] = await Promise.all([
    import('../../component/load.js'),
    import('../../component/budget.js'),
    import('../../component/inspect.js'),
    import('../../profile/gather.js'),
    import('../../profile/render.js'),
    import('../../core/version.js'),
    import('../../core/output.js'),
  ]);
  const facts = loadComponent(file, ctx.cwd);
  const options: Record<string, unknown> = { ...raw, ...(raw.debug !== undefined ? { debugLevel: raw.debug } : {}) };
  const request = profileRequest(file, raw, ctx, options, await hostServedOf(raw, ctx));
  const { limits, target } = await profileContext(request, deps);
  const { measureLoadRegions } = await import('../../profile/load-regions.js');
  const measure = (module: Uint8Array, label: string) => measureLoadRegions(module, `${file} (${label})`, target.pointerBits, ctx.env);
  const budget = compileComponentBudget({ facts, limits, target, asil: limits.asil.value, debug: limits.debugLevel.value, overrides: request.overrides, toolchain: TOOL_VERSION, measure });
  if (raw.out !== undefined && format !== undefined) return writeComponentProfile(file, raw.out, format, { limits, target, overrides: request.overrides, measure }, ctx);
  if (budget.errors.length > 0) {
    ctx.output.err(renderBudgetErrors(file, raw.target ?? (raw.device !== undefined ? `on ${raw.device}` : 'host'), budget.errors));
    return ExitCode.CheckFailed;
  }
  ctx.output.out(raw.json === true ? jsonDocument({ name: 'component-profile', version: 1 }, { file, target: target.id, ...budget }) : renderComponentBudget(file, target.id, budget));
  return ExitCode.Ok;
}

export async function runProfile(file: string, raw: RawProfileOptions, ctx: CliContext, deps: ProfileDeps = {}): Promise<ExitCode> {
  const { fileIsComponent } = await import('../../component/detect.js');
  const { MAX_MODULE_FILE_BYTES } = await import('../../core/user-file.js');
  if (fileIsComponent(resolve(ctx.cwd, file), { what: 'module', maxBytes: MAX_MODULE_FILE_BYTES, shown: file })) return runComponentProfile(file, raw, ctx, deps);
  const format = formatOf(raw);
  if (format !== 'json' && raw.out === undefined) throw new WrtError('USAGE', `--format ${format} writes bytes: give -o FILE`, { field: '-o' });
  if (raw.debug !== undefined && raw.debugLevel !== undefined && raw.debug !== raw.debugLevel) {
    throw new WrtError('USAGE', '--debug and --debug-level disagree: give one', { field: '--debug' });
  }
  const options: Record<string, unknown> = { ...raw, ...(raw.debug !== undefined ? { debugLevel: raw.debug } : {}) };
  const { gatherProfile } = await import('../../profile/gather.js');
  const { embedProfile, encodeProfile, profileJson, renderBudgetErrors, renderProfile, renderProfileMemoryAdapter } = await import('../../profile/index.js');
  const gathered = await gatherProfile(profileRequest(file, raw, ctx, options, await hostServedOf(raw, ctx)), deps);
  if (!gathered.result.ok) {
    ctx.output.err(renderBudgetErrors(file, raw.target ?? (raw.device !== undefined ? `on ${raw.device}` : 'host'), gathered.result.errors));
    return ExitCode.CheckFailed;
  }
  const profile = gathered.result.profile;
  const memoryAdapter = raw.target === undefined ? undefined : await profileMemoryAdapter(raw.target, profile.arena.budgetBytes);
  if (raw.out !== undefined) {
    const bytes =
      format === 'json'
        ? Buffer.from(profileJson(profile, memoryAdapter), 'utf8')
        : format === 'binary'
          ? encodeProfile(profile).bytes
          : embedProfile(gathered.module, encodeProfile(profile).bytes, file);
    try {
      await writeFile(resolve(ctx.cwd, raw.out), bytes);
    } catch (error) {
      throw new WrtError('FILE_WRITE_FAILED', `cannot write ${raw.out}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { file: raw.out });
    }
  }
  const text = () => {
    const summary = renderProfile(profile, { explain: raw.explain === true, verbose: raw.verbose === true });
    return memoryAdapter === undefined ? summary : `${summary}\n${renderProfileMemoryAdapter(memoryAdapter, raw.verbose === true)}`;
  };
  ctx.output.out(raw.json === true ? profileJson(profile, memoryAdapter) : text());
  return ExitCode.Ok;
}

/** How --target takes its arena (memory.adapter of its definition) and what a run of the profile keeps resident. */
async function profileMemoryAdapter(targetId: string, arenaBytes: number): Promise<ProfileMemoryAdapter> {
  const [{ loadTarget }, { describeLocking, memoryAdapterOf }] = await Promise.all([import('../../targets/load.js'), import('../../targets/memory-adapter.js')]);
  const adapter = memoryAdapterOf(loadTarget(targetId));
  return {
    kind: adapter.kind,
    lock: adapter.lock,
    populate: adapter.populate,
    hugepages: adapter.hugepages,
    typedMemoryName: adapter.typedMemoryName,
    locks: describeLocking(adapter, arenaBytes),
    source: adapter.source,
  };
}

export const profileCommand: CommandModule = {
  register(program: Command, ctx: CliContext, done: (code: ExitCode) => void): void {
    const command = program
      .command('profile')
      .description('compile the bounded execution profile of a module for a target under an ASIL preset')
      .argument('<file>', 'the .wasm module (a wrt.profile section in it is ignored and replaced), or a component: its summed budget')
      .option('--target <id>', 'a target definition from targets/ (default: this host)')
      .option('--syspage <file>', 'a QNX box from a raw SYSPAGE dump')
      .option('--pidin <file>', 'a QNX box from `pidin syspage=asinfo` output')
      .option('--device <port>', 'a device running the interpreter firmware, asked over its serial port (HELLO): its arena, its target id')
      .option('--baud <n>', 'with --device: the serial line speed (default: the one every target UART uses, 115200)')
      .option('--debug <level>', 'debug level none, basic or full (same as --debug-level)')
      .option('-o, --out <file>', 'write the profile: .json JSON, .wasm module with the profile embedded, else binary')
      .option('--format <format>', 'json, binary or wasm (default from the -o extension)')
      .option('--explain', 'show how each number was derived and from which limit')
      .option('--verbose', 'print the module and profile SHA-256 in full')
      .option('--json', 'print the profile as JSON')
      .option('--fuel <n>', 'executed instructions per invocation (required from ASIL A)')
      .option('--call-depth <n>', 'most active frames (required for recursion at ASIL C and D)')
      .option('--value-stack <n>', 'value-stack slots, at least what the module needs')
      .option('--host-calls <n|module.name=n>', 'calls per invocation for every import, or one (repeatable)', collect)
      .option('--host-policy <module.name=allow|deny|log>', 'what the device does with calls of an import: run, refuse (a trap naming it) or trace them (repeatable)', collect)
      .option('--allow-import <patterns>', 'host functions the module may import: module.name or module.* (repeatable)', collect)
      .option('--natives <file.c>', 'with --target: the target offers the natives of this C file too (deploy --natives)')
      .option('--host <file.mjs>', 'the imports this JavaScript host module serves over the wire (run/deploy --host) need no target to offer them')
      .option('--max-resources <n>', 'component resource handles per instance')
      .option('--truncate-memory <mode>', 'auto (when the pages do not fit), always or never')
      .option('--signing-key <key.pub>', 'require a module signed by this key (keygen\'s KEY.pub; required from ASIL C)');
    for (const flag of LIMIT_FLAGS) command.option(flag.flags, flag.description);
    command.addHelpText('after', EXAMPLES).action(async (file: string, raw: RawProfileOptions) => {
      done(await runProfile(file, raw, ctx));
    });
  },
};
