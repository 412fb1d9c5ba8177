/**
 * The profile's component block (docs/profile.md, "The component block"): compiled from a
 * component's plan, encoded and decoded (TS and the device's C decoder), its arena equal to the C
 * `wrt_layout_bytes` of the layout the device takes from it, each budget one below what the
 * component needs refused naming the budget, and the device limits the host assumes equal to the
 * C headers, native-sim's Makefile and the component.mk each board's definition generates.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../ts/core/paths.js';
import { loadComponentPlan } from '../../ts/run/run-component.js';
import { resolveLimits } from '../../ts/limits/resolve.js';
import { decodeProfile, encodeProfile, FLAG_COMPONENT } from '../../ts/profile/binary.js';
import {
  adapterNestingDepth,
  BOARD_COMPONENT_LIMITS,
  compileComponentProfile,
  type ComponentProfileInputs,
  type DeviceComponentLimits,
  componentLimitsOf,
  NATIVE_SIM_COMPONENT_LIMITS,
} from '../../ts/profile/component-profile.js';
import { boardFiles } from '../../ts/targets/board-files.js';
import { loadTarget } from '../../ts/targets/load.js';
import { measureLoadRegions } from '../../ts/profile/load-regions.js';
import { PROFILE_JSON_SCHEMA } from '../../ts/profile/schema.js';
import type { Profile } from '../../ts/profile/types.js';
import { CACHE, cachedComponent, chain, COUNTER, SHARED } from '../component/board-samples.js';
import { tempDir } from './helpers.js';
import { lockedMake } from '../support/locked-make.js';

const DUMP = resolve(packageRoot(), 'build', 'profile', 'wrt_profile_dump');
const LIMITS = resolveLimits({ discovered: { maxMemory: { value: 16 * 1024 * 1024, source: 'test' } } });
const TARGET64 = { id: 'native-sim', host: true, pointerBits: 64, arch: 'x86_64', maxTableEntries: null, hardwareCfi: { features: { shstk: 'no', ibt: 'no', pac: 'no', bti: 'no' }, source: 'recorded' } } as const;

/** lm3s6965evb's module memory: 64 KiB minus its measured firmware reserve. */
const LM3S_ARENA = 65536 - loadTarget('qemu-lm3s6965evb').memory.firmwareReservedRamBytes;

let counter = '';
let shared = '';
let deep = '';

beforeAll(async () => {
  lockedMake(resolve(packageRoot(), 'native', 'profile'));
  counter = await cachedComponent('counter', COUNTER);
  shared = await cachedComponent('shared', SHARED);
  deep = await cachedComponent('chain3', chain(3));
}, 120_000);

function inputs(file: string, over: Partial<ComponentProfileInputs> = {}): ComponentProfileInputs {
  const { plan, bytes } = loadComponentPlan(file, CACHE);
  return {
    plan,
    component: bytes,
    measure: (module, label) => measureLoadRegions(module, label, 64),
    device: NATIVE_SIM_COMPONENT_LIMITS,
    limits: LIMITS,
    target: TARGET64,
    asil: 'QM',
    debug: 'none',
    overrides: {},
    toolchain: '0.1.0',
    ...over,
  };
}

function compiled(file: string, over: Partial<ComponentProfileInputs> = {}): Profile {
  const result = compileComponentProfile(inputs(file, over));
  if (!result.ok) throw new Error(result.errors.map((e) => `${e.budget}: ${e.needs}`).join('; '));
  return result.profile;
}

function dump(bytes: Uint8Array): Map<string, string> {
  const file = join(tempDir(), 'component.wrtp');
  writeFileSync(file, bytes);
  const run = spawnSync(DUMP, [file], { encoding: 'utf8' });
  expect(run.status).toBe(0);
  return new Map(run.stdout.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

describe('the component block', () => {
  it('sums the core instances as the device fills its regions; the C layout of the binary is the profile\'s arena byte for byte', () => {
    const profile = compiled(counter);
    const block = profile.component;
    if (block === undefined) throw new Error('no component block');
    expect(block.instances).toHaveLength(3);
    expect({ handleTables: block.handleTables, nestingDepth: block.nestingDepth, adapters: block.adapters, resourceTypes: block.resourceTypes }).toEqual({
      handleTables: 2,
      nestingDepth: 1,
      adapters: 4,
      resourceTypes: 1,
    });
    expect(block.componentSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(block.planSha256).toMatch(/^[0-9a-f]{64}$/);
    // The instances' shares add up to the fixed part's regions.
    const region = (name: string): number => profile.arena.regions.find((r) => r.name === name)?.bytes ?? -1;
    expect(region('meta')).toBe(block.instances.reduce((n, i) => n + i.metaBytes, 0));
    expect(region('code')).toBe(block.instances.reduce((n, i) => n + i.codeBytes, 0));
    expect(profile.stack.valueSlots).toBe(block.instances.reduce((n, i) => n + i.valueSlots, 0));
    expect(profile.stack.callDepth).toBe(block.instances.reduce((n, i) => n + i.callDepth, 0));
    // The one memory (one page) is the memory region; every other instance has none.
    expect(block.instances.map((i) => i.memoryBytes)).toEqual([65536, 0, 0]);
    expect(profile.moduleSha256).toBe(block.instances[0]?.moduleSha256);

    const { bytes } = encodeProfile(profile);
    const decoded = decodeProfile(bytes);
    expect(decoded.flags & FLAG_COMPONENT).toBe(FLAG_COMPONENT);
    expect(decoded.component).toEqual(block);
    const c = dump(bytes);
    expect(c.get('status')).toBeUndefined();
    expect(c.get('layout_bytes')).toBe(String(profile.arena.totalBytes));
    expect(c.get('component_instances')).toBe('3');
    expect(c.get('component_sha256')).toBe(block.componentSha256);
    expect(c.get('plan_sha256')).toBe(block.planSha256);
    expect([c.get('handle_tables'), c.get('handles_per_table'), c.get('nesting_depth'), c.get('adapters'), c.get('resource_types')]).toEqual(['2', '256', '1', '4', '1']);
    // Each memory reserves at most the block's cap, not the whole region.
    expect(c.get('layout_memory_pages_max')).toBe(String(profile.memory.maximumPages));
  });

  it('lays out three instances without memory byte for byte too, and the JSON schema accepts the block', () => {
    const profile = compiled(shared);
    expect(profile.component?.instances).toHaveLength(3);
    expect(profile.component?.adapters).toBe(0);
    expect(dump(encodeProfile(profile).bytes).get('layout_bytes')).toBe(String(profile.arena.totalBytes));
    const schema = PROFILE_JSON_SCHEMA as { properties: Record<string, { required?: string[] }> };
    expect(schema.properties.component?.required).toEqual([
      'componentSha256', 'planSha256', 'instances', 'handleTables', 'handlesPerTable', 'valueBufferBytes', 'nestingDepth', 'adapters', 'resourceTypes',
    ]);
  });

  it('truncates the component\'s only memory to __heap_base on a board too small for its page', () => {
    const profile = compiled(counter, { target: { ...TARGET64, pointerBits: 32, host: false, id: 'qemu-lm3s6965evb' }, limits: { ...LIMITS, maxMemory: { ...LIMITS.maxMemory, value: LM3S_ARENA } }, measure: (m, l) => measureLoadRegions(m, l, 32), device: boardLimits('qemu-lm3s6965evb') });
    expect(profile.memory.truncated).toBe(true);
    expect(profile.memory.bytes).toBe(2048);
    expect(profile.arena.totalBytes).toBeLessThanOrEqual(LM3S_ARENA);
  });

  it('counts adapters nested inside one another', () => {
    expect(adapterNestingDepth(loadComponentPlan(deep, CACHE).plan)).toBe(2);
    expect(adapterNestingDepth(loadComponentPlan(shared, CACHE).plan)).toBe(0);
  });
});

describe('each budget one below what the component needs is refused, naming it', () => {
  const needs = { instances: 3, registrations: 1, adapters: 4, nestingDepth: 1, resourceTypes: 1, handleTables: 2 } as const;
  const names: Record<keyof typeof needs, string> = {
    instances: 'core instances',
    registrations: 'registrations',
    adapters: 'adapters',
    nestingDepth: 'adapter nesting depth',
    resourceTypes: 'resource types',
    handleTables: 'handle tables',
  };
  for (const key of Object.keys(needs) as (keyof typeof needs)[]) {
    it(`${names[key]}: ${needs[key]} fits, ${needs[key] - 1} does not`, () => {
      const at: DeviceComponentLimits = { ...NATIVE_SIM_COMPONENT_LIMITS, [key]: needs[key] };
      expect(compileComponentProfile(inputs(counter, { device: at })).ok).toBe(true);
      const below = compileComponentProfile(inputs(counter, { device: { ...at, [key]: needs[key] - 1 } }));
      if (below.ok) throw new Error('accepted one below');
      expect(below.errors.map((e) => [e.code, e.budget, e.gives])).toEqual([['BUDGET_EXCEEDED', names[key], String(needs[key] - 1)]]);
      expect(below.errors[0]?.needs).toMatch(new RegExp(`^${needs[key]} \\(`));
      expect(below.errors[0]?.source).toContain('to run it:');
    });
  }

  it('handles per table: the budget asked for (--max-resources) above the device\'s table is refused', () => {
    const asked = { maxResources: { value: 17, source: 'cli --max-resources' } };
    const result = compileComponentProfile(inputs(counter, { device: { ...NATIVE_SIM_COMPONENT_LIMITS, handlesPerTable: 16 }, overrides: asked }));
    if (result.ok) throw new Error('accepted');
    expect(result.errors.map((e) => [e.budget, e.gives])).toEqual([['handles per table', '16']]);
  });

  it('profile size: the encoded profile fits the frame UPLOAD_BEGIN carries, one byte less does not', () => {
    const size = encodeProfile(compiled(counter)).bytes.length;
    expect(size).toBe(184 + 2 + 'native-sim'.length + 2 + '0.1.0'.length + 2 + 84 + 3 * 64 + 4);
    expect(compileComponentProfile(inputs(counter, { device: { ...NATIVE_SIM_COMPONENT_LIMITS, profileBytes: size } })).ok).toBe(true);
    const below = compileComponentProfile(inputs(counter, { device: { ...NATIVE_SIM_COMPONENT_LIMITS, profileBytes: size - 1 } }));
    if (below.ok) throw new Error('accepted one byte below');
    expect(below.errors.map((e) => [e.budget, e.gives])).toEqual([['profile size', `${size - 1} bytes`]]);
  });

  it('the arena: its exact size fits, one byte less does not', () => {
    const profile = compiled(counter);
    const total = profile.arena.totalBytes;
    const at = { ...LIMITS, maxMemory: { ...LIMITS.maxMemory, value: total } };
    expect(compileComponentProfile(inputs(counter, { limits: at, overrides: { truncateMemory: 'never' } })).ok).toBe(true);
    const below = compileComponentProfile(inputs(counter, { limits: { ...at, maxMemory: { ...at.maxMemory, value: total - 1 } }, overrides: { truncateMemory: 'never' } }));
    if (below.ok) throw new Error('accepted one byte below');
    expect(below.errors.map((e) => [e.code, e.budget, e.gives])).toEqual([['BUDGET_EXCEEDED', 'arena', `${total - 1} bytes`]]);
    expect(below.errors[0]?.needs).toMatch(new RegExp(`^${total} bytes \\(runtime `));
  });
});

/** The limits the host assumes for a board: its definition's firmware.component, as profile and deploy read it. */
function boardLimits(id: string): DeviceComponentLimits {
  const def = loadTarget(id);
  return componentLimitsOf({ id, host: false, ...(def.firmware?.component === undefined ? {} : { firmwareComponent: def.firmware.component }) });
}

/** The make fragment the firmware build generates for a board from its definition (ts/targets/board-files.ts). */
function componentMakefile(id: string): string {
  return boardFiles(loadTarget(id)).componentMakefile;
}

describe('the device limits the host assumes are the ones built', () => {
  const header = readFileSync(resolve(packageRoot(), 'native', 'engine', 'wrt_interp_engine.h'), 'utf8');
  const define = (text: string, name: string): number => Number(new RegExp(`${name}[ =](\\d+)u?\\b`).exec(text)?.[1]);
  const fields: Array<[keyof DeviceComponentLimits, string]> = [
    ['instances', 'WRT_ENGINE_MAX_INSTANCES'],
    ['registrations', 'WRT_ENGINE_MAX_REGISTRATIONS'],
    ['adapters', 'WRT_ENGINE_MAX_ADAPTERS'],
    ['nestingDepth', 'WRT_ENGINE_ADAPTER_DEPTH'],
    ['resourceTypes', 'WRT_ENGINE_MAX_RESOURCE_TYPES'],
    ['handleTables', 'WRT_ENGINE_MAX_HANDLE_TABLES'],
    ['handlesPerTable', 'WRT_ENGINE_MAX_HANDLES'],
  ];
  it.each([
    ['the firmware (header defaults)', BOARD_COMPONENT_LIMITS, header],
    ['native-sim (its Makefile)', NATIVE_SIM_COMPONENT_LIMITS, readFileSync(resolve(packageRoot(), 'native', 'sim', 'Makefile'), 'utf8')],
    ...['qemu-lm3s6965evb', 'nucleo-f429zi', 'qemu-mps2-an386', 'qemu-netduinoplus2'].map(
      (id) => [`${id} (its definition's component.mk)`, boardLimits(id), `${componentMakefile(id)}\n${header}`] as const,
    ),
  ] as const)('%s', (_what, limits, text) => {
    // WASI 0.2: native-sim's engine has it unless its Makefile turns it off (WRT_CONFIG_WASI2 follows linking), a board where its component.mk says so.
    const sim = limits === NATIVE_SIM_COMPONENT_LIMITS;
    expect(limits.wasi2).toBe(sim ? !text.includes('WRT_CONFIG_WASI2=0') : /^BOARD_WASI2 := 1$/m.test(text));
    for (const [field, name] of fields) expect([field, limits[field]]).toEqual([field, define(text, name)]);
    const component = readFileSync(resolve(packageRoot(), 'native', 'component', 'wrt_component.h'), 'utf8');
    expect(limits.valueBufferBytes).toBe(define(component, 'WRT_COMPONENT_VALUE_BYTES'));
    expect(limits.profileBytes).toBe(define(readFileSync(resolve(packageRoot(), 'targets', 'firmware', 'interp', 'wrt_fw_main.c'), 'utf8'), 'WRT_FW_PROFILE_BYTES'));
    expect(limits.profileBytes).toBe(Number(/profile_capacity = (\d+)u/.exec(readFileSync(resolve(packageRoot(), 'native', 'sim', 'sim_options.c'), 'utf8'))?.[1]));
  });
});

describe('profile COMPONENT --target ID -o FILE', () => {
  it('writes the component\'s profile with its block (binary and JSON alike), which deploy --profile takes', async () => {
    const { main } = await import('../../ts/cli/main.js');
    const { BufferedOutput } = await import('../../ts/core/output.js');
    const dir = tempDir();
    const run = async (out: string): Promise<{ code: number; text: string }> => {
      const output = new BufferedOutput();
      const code = await main(['node', 'wrt-target', 'profile', counter, '--target', 'qemu-lm3s6965evb', '-o', join(dir, out)], { output, env: process.env, cwd: dir });
      return { code, text: [...output.stdout, ...output.stderr].join('\n') };
    };
    const binary = await run('counter.wrtp');
    expect(binary.code).toBe(0);
    expect(binary.text.replace(/\s+/g, ' ')).toContain('component 3 core instances (arena above: all of them), 4 adapters, nesting 1, 1 resource types, 2 handle tables of 8;');
    const decoded = decodeProfile(new Uint8Array(readFileSync(join(dir, 'counter.wrtp'))));
    expect(decoded.component?.instances).toHaveLength(3);
    expect(decoded.imports).toEqual([]);
    expect((await run('counter.json')).code).toBe(0);
    const json = JSON.parse(readFileSync(join(dir, 'counter.json'), 'utf8')) as { component: { instances: unknown[]; handlesPerTable: number } };
    expect([json.component.instances.length, json.component.handlesPerTable]).toEqual([3, 8]);
    const wasm = await run('counter.wasm');
    expect(wasm.code).toBe(2);
  }, 60_000);
});

describe('the measurable form of a core instance that imports a memory, table or global', () => {
  it('defines them in place (no index moves), keeps function imports, and the device core measures it', async () => {
    const { measurableForm } = await import('../../ts/profile/measure-form.js');
    const { validateWasm } = await import('../../ts/wasm/validate.js');
    const { wat2wasm } = await import('../../ts/testsuite/wat.js');
    const module = wat2wasm(`(module
      (import "#0" "f" (func $f (result i32)))
      (import "#0" "mem" (memory 1 2))
      (import "#0" "tab" (table 3 funcref))
      (import "#0" "g" (global $g (mut i64)))
      (global $h i32 (i32.const 7))
      (func (export "run") (result i32) (i32.add (call $f) (global.get $h)))
      (data (i32.const 8) "x"))`);
    const form = measurableForm(module);
    const report = validateWasm(form);
    expect(report.imports.map((i) => `${i.module}.${i.name}:${i.kind}`)).toEqual(['#0.f:function']);
    expect(report.memories.map((m) => [m.initialPages, m.maximumPages, m.imported])).toEqual([[1, 2, false]]);
    expect(report.tables.map((t) => [t.initial, t.imported])).toEqual([[3, false]]);
    expect([report.counts.globals, report.counts.importedGlobals]).toEqual([2, 0]);
    expect(measureLoadRegions(form, 'form', 64).code).toBeGreaterThan(0);
    // A module with nothing to convert is returned as it is.
    const plain = wat2wasm('(module (import "#0" "f" (func)) (memory 1))');
    expect(measurableForm(plain)).toBe(plain);
  });
});

describe('the device binds every core instance to the block (native-sim)', () => {
  it('loads the plan\'s instances under the profile, and refuses a swapped one (limit 38) or one too many', async () => {
    const [{ nativeSimLink }, { DeviceSession, instantiateComponent }, { compileComponentUploadProfile }, { buildRealNativeSim }] = await Promise.all([
      import('../../ts/run/run-module.js'),
      import('../../ts/run/session.js'),
      import('../../ts/profile/component-upload.js'),
      import('../run/helpers.js'),
    ]);
    const binary = buildRealNativeSim();
    const { plan, bytes } = loadComponentPlan(shared, CACHE);
    const profile = await compileComponentUploadProfile({ file: shared, plan, component: bytes, targetId: 'native-sim', env: { ...process.env, WRT_NATIVE_SIM: binary }, cwd: CACHE });
    const attempt = async (instances: typeof plan.instances): Promise<unknown> => {
      const session = await DeviceSession.open(nativeSimLink({ binary, env: process.env }));
      try {
        return await instantiateComponent(session, { file: shared, instances, steps: instances.map((_, k) => ({ instance: k })), profile });
      } catch (error) {
        return error;
      } finally {
        await session.close();
      }
    };
    expect(await attempt(plan.instances)).toMatchObject({ ids: [1, 2, 3] });
    // The client bound to instance 1 in the place of the second counter: refused by its hash.
    const swapped = plan.instances.map((inst, k) => (k === 1 ? (plan.instances[2] as typeof inst) : inst));
    const refused = await attempt(swapped);
    expect(String((refused as Error).message)).toContain('the component block names another module');
    // One instance more than the block counts.
    const more = await attempt([...plan.instances, plan.instances[0] as (typeof plan.instances)[number]]);
    expect(String((more as Error).message)).toContain('the component block names another module');
  }, 60_000);
});
