import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WrtError } from '../../ts/core/errors.js';
import type { AssertModuleCommand, SpecAction, SpecCommand, SpecScript } from '../../ts/testsuite/commands.js';
import { type ConvertOptions, conformanceScripts, readSpecScript } from '../../ts/testsuite/convert.js';
import {
  type ActionOutcome,
  type ConformanceReport,
  FileTally,
  type FileReport,
  actionFailure,
  instantiationAssertionFailure,
  loadAssertionFailure,
  totalReport,
} from '../../ts/testsuite/expectations.js';
import { type InterpNative, type InterpVariant, loadInterp } from './ffi.js';
import { type InterpInstance, type InterpLayout, InterpRuntime } from './runtime.js';
import { argumentSlot } from '../../ts/testsuite/slots.js';
import { wat2wasm } from '../../ts/testsuite/wat.js';
import { spectestWat } from '../../ts/testsuite/spectest.js';

/**
 * The spec testsuite conformance harness: runs wast2json command scripts against the interpreter,
 * one runtime (arena) per script, and counts every command as passed or failed. Text-format
 * assert_malformed modules test a text parser this toolchain does not have: counted apart.
 * simd_*.wast files are not run: SIMD is not supported on this target. What each command expects
 * is judged in ts/testsuite/expectations.ts, shared with the protocol harness.
 */

export type { CommandFailure, ConformanceReport, FileReport } from '../../ts/testsuite/expectations.js';
export { formatConformanceReport, isSimdScript } from '../../ts/testsuite/expectations.js';

/**
 * The layout of each runtime the harness creates: one per instantiated module (a script's modules
 * link across runtimes through registered names), generous on purpose: the suite grows a memory
 * to 804 pages and recurses until exhaustion. Arenas are lazily mapped: untouched pages cost nothing.
 */
export const CONFORMANCE_LAYOUT: InterpLayout = {
  metaBytes: 16 << 20,
  codeBytes: 16 << 20,
  controlBytes: 4 << 20,
  stackSlots: 1 << 20,
  callDepth: 10_000,
  memoryPages: 1024,
  memoryPagesMax: 0,
  tableElements: 1 << 20,
  tableElementsMax: 1 << 16,
  globalSlots: 1 << 16,
};

/** The spectest module: globals, table and memory in wasm; print functions from the host glue. */
export const SPECTEST_WAT = spectestWat('host');

let spectestBytes: Uint8Array | undefined;
function spectestModule(): Uint8Array {
  spectestBytes ??= wat2wasm(SPECTEST_WAT);
  return spectestBytes;
}

/**
 * Runs one script. Every instantiation gets a fresh runtime (its own arena, as a device would),
 * with all names registered so far registered in it too; modules that must fail to load are
 * checked in one shared runtime, which a failed load leaves as it was. Runtimes live until the
 * script ends: a failed instantiation may have written its functions into an imported table.
 */
class ScriptRunner {
  private readonly named = new Map<string, InterpInstance>();
  private readonly registered: Array<readonly [string, InterpInstance]> = [];
  private readonly runtimes: InterpRuntime[] = [];
  private current: InterpInstance | undefined;
  private readonly tally = new FileTally();

  constructor(
    private readonly native: InterpNative,
    private readonly layout: InterpLayout,
    private readonly checker: InterpRuntime,
    private readonly dir: string,
  ) {}

  private freshRuntime(): InterpRuntime {
    const rt = InterpRuntime.create(this.native, this.layout);
    this.runtimes.push(rt);
    for (const [name, instance] of this.registered) rt.register(name, instance);
    return rt;
  }

  registerName(name: string, instance: InterpInstance): void {
    this.registered.push([name, instance]);
  }

  dispose(): void {
    for (const rt of this.runtimes) rt.dispose();
  }

  private pass(command: SpecCommand): void {
    this.tally.judge(command, undefined);
  }

  private fail(command: SpecCommand, reason: string): void {
    this.tally.judge(command, reason);
  }

  private instanceFor(moduleName: string | undefined): InterpInstance | undefined {
    return moduleName !== undefined ? this.named.get(moduleName) : this.current;
  }

  private bytes(filename: string): Uint8Array {
    return new Uint8Array(readFileSync(join(this.dir, filename)));
  }

  /** Runs an action: results, a trap, or a reason it could not run. */
  private perform(action: SpecAction): ActionOutcome {
    const instance = this.instanceFor(action.module);
    if (instance === undefined) return { kind: 'error', reason: `no instance ${action.module ?? '(current)'}` };
    if (action.type === 'get') {
      const global = instance.global(action.field);
      if (global === undefined) return { kind: 'error', reason: `no exported global ${action.field}` };
      return { kind: 'results', results: [global.value] };
    }
    const func = instance.func(action.field);
    if (func === undefined) return { kind: 'error', reason: `no exported function ${action.field}` };
    let args: bigint[];
    try {
      args = action.args.map((arg) => argumentSlot(arg));
    } catch (error) {
      return { kind: 'error', reason: error instanceof Error ? error.message : String(error) };
    }
    const result = instance.invoke(func, args);
    if (!result.ok) return { kind: 'trap', trap: result.trap };
    return { kind: 'results', results: result.results };
  }

  private assertModule(command: AssertModuleCommand): void {
    if (command.type === 'assert_malformed' && command.module_type === 'text') {
      this.tally.skipTextModule();
      return;
    }
    if (command.type === 'assert_malformed' || command.type === 'assert_invalid') {
      const loaded = this.checker.load(this.bytes(command.filename));
      this.tally.judge(command, loadAssertionFailure(command, loaded.ok ? undefined : loaded.error));
      return;
    }
    const rt = this.freshRuntime();
    const loaded = rt.load(this.bytes(command.filename));
    if (!loaded.ok) {
      this.fail(command, `load failed: ${loaded.error.kind} (${loaded.error.message})`);
      return;
    }
    const instance = rt.instantiate(loaded.value, 'spectest');
    this.tally.judge(command, instantiationAssertionFailure(command, instance.ok ? undefined : instance.error));
  }

  run(commands: readonly SpecCommand[]): void {
    for (const command of commands) {
      switch (command.type) {
        case 'module': {
          const instance = this.freshRuntime().instantiateBytes(this.bytes(command.filename), 'spectest');
          if (!instance.ok) {
            this.current = undefined;
            this.fail(command, `${instance.error.kind}: ${instance.error.message} (offset ${instance.error.offset})`);
            break;
          }
          this.current = instance.value;
          if (command.name !== undefined) this.named.set(command.name, instance.value);
          this.pass(command);
          break;
        }
        case 'register': {
          const instance = this.instanceFor(command.name);
          if (instance === undefined) {
            this.fail(command, `no instance ${command.name ?? '(current)'} to register`);
            break;
          }
          this.registerName(command.as, instance);
          this.pass(command);
          break;
        }
        case 'action':
        case 'assert_return':
        case 'assert_trap':
        case 'assert_exhaustion':
          this.tally.judge(command, actionFailure(command, this.perform(command.action)));
          break;
        default:
          this.assertModule(command);
      }
    }
  }

  report(name: string): FileReport {
    return this.tally.report(name);
  }
}

/** Runs one converted script with the spectest module registered. */
export function runSpecScript(
  native: InterpNative,
  name: string,
  script: SpecScript,
  dir: string,
  layout: InterpLayout = CONFORMANCE_LAYOUT,
): FileReport {
  const checker = InterpRuntime.create(native, layout);
  const runner = new ScriptRunner(native, layout, checker, dir);
  try {
    const spectestRuntime = InterpRuntime.create(native, layout);
    try {
      const spectest = spectestRuntime.instantiateBytes(spectestModule(), 'spectest');
      if (!spectest.ok) throw new WrtError('INTERNAL', `spectest module does not instantiate: ${spectest.error.message}`);
      runner.registerName('spectest', spectest.value);
      runner.run(script.commands);
      return runner.report(name);
    } finally {
      runner.dispose();
      spectestRuntime.dispose();
    }
  } finally {
    checker.dispose();
  }
}

/** Which scripts (`only`: base names; all non-SIMD scripts otherwise), cache and environment. */
export interface ConformanceOptions extends ConvertOptions {
  readonly variant?: InterpVariant;
}

/** Converts the pinned testsuite (cached) and runs every non-SIMD script. */
export function runConformance(options: ConformanceOptions = {}): ConformanceReport {
  const native = loadInterp(options.variant ?? 'interp', options.env);
  const { run, simdFiles } = conformanceScripts(options);
  const files: FileReport[] = [];
  for (const script of run) {
    files.push(runSpecScript(native, script.name, readSpecScript(script.jsonPath), script.dir));
  }
  return totalReport(files, simdFiles);
}
