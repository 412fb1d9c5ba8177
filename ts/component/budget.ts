/**
 * The memory budget of a component on a target: every core instance's needs (the core profile
 * compiler's arena figure for its module, times how often one instantiation of the component
 * instantiates it) plus the component runtime's own (handle tables, value buffer, instance
 * records), checked against the target's arena budget and the component limits (maxComponents,
 * maxInstances, maxResources). Pure: the caller gathers limits and target facts.
 */
import { compileProfile, type ProfileInputs } from '../profile/compile.js';
import type { BudgetError } from '../profile/types.js';
import type { LoadRegions } from '../profile/load-regions.js';
import type { ComponentFacts } from './validator.js';

/** One handle-table entry: representation (u32), resource type index (u16), own/borrow flag and lend count (u16), scope (u32), spare (u32). */
export const HANDLE_ENTRY_BYTES = 16;
/** The canonical ABI passes at most 16 flat parameters and 1 flat result directly: 17 × 8 bytes, rounded to 16. */
export const VALUE_BUFFER_BYTES = 144;
/** A component or core instance record of the runtime: index spaces are arrays into the core instance's own tables. */
export const INSTANCE_RECORD_BYTES = 64;
/** Handles per resource type when --max-resources is not given. */
export const DEFAULT_HANDLES = 256;

export interface BudgetContributor {
  readonly name: string;
  /** Bytes of one instance. */
  readonly bytes: number;
  readonly times: number;
  readonly totalBytes: number;
}

export interface ComponentBudget {
  readonly contributors: readonly BudgetContributor[];
  readonly totalBytes: number;
  readonly budgetBytes: number;
  readonly budgetSource: string;
  readonly components: number;
  readonly instances: number;
  readonly resourceTypes: number;
  readonly handlesPerInstance: number;
  readonly errors: readonly BudgetError[];
}

/** What the core profile compiler takes, with the component's facts in place of one module's analysis. */
export type ComponentBudgetInputs = Omit<ProfileInputs, 'analysis' | 'moduleSha256' | 'loadRegions'> & {
  readonly facts: ComponentFacts;
  /** The load-time regions of one core module (measureLoadRegions at the edge). */
  readonly measure: (module: Uint8Array, label: string) => LoadRegions;
};

export function compileComponentBudget(inputs: ComponentBudgetInputs): ComponentBudget {
  const { facts, limits, target } = inputs;
  const errors: BudgetError[] = [];
  const contributors: BudgetContributor[] = [];
  const budgetBytes = limits.maxMemory.value - limits.debugOverhead.value;
  const budgetSource = `${limits.maxMemory.source} minus debug overhead ${limits.debugOverhead.value} bytes (${limits.debugOverhead.source})`;
  // Each module is compiled as if it had the arena to itself: the sum is checked here.
  const unbounded = { ...limits, maxMemory: { ...limits.maxMemory, value: Number.MAX_SAFE_INTEGER, source: 'the component budget (summed below)' } };
  const seen = new Set<string>();
  for (const module of facts.modules) {
    if (module.instantiations === 0) continue;
    const result = compileProfile({
      analysis: module.report,
      moduleSha256: module.sha256,
      loadRegions: inputs.measure(module.code, `core module ${module.index}`),
      limits: unbounded,
      target,
      asil: inputs.asil,
      debug: inputs.debug,
      overrides: inputs.overrides,
      toolchain: inputs.toolchain,
    });
    if (!result.ok) {
      for (const e of result.errors) {
        const key = `${e.budget}|${e.needs}`;
        if (seen.has(key)) continue;
        seen.add(key);
        errors.push({ ...e, budget: `core module ${module.index}: ${e.budget}` });
      }
      continue;
    }
    // A profile lays out memory 0 (docs/interpreter.md, "Multi-memory"): each further memory the
    // module defines takes its declared pages too, its maximum when memory.grow is used.
    const further = module.report.memories
      .filter((m) => m.index > 0 && !m.imported)
      .reduce((n, m) => n + (module.report.memory.canGrow && m.maximumPages !== null ? m.maximumPages : m.initialPages) * 65_536, 0);
    const bytes = result.profile.arena.totalBytes + further;
    contributors.push({ name: `core module ${module.index} (sha256 ${module.sha256.slice(0, 12)})`, bytes, times: module.instantiations, totalBytes: bytes * module.instantiations });
  }
  const componentInstances = 1 + facts.componentInstances.reduce((n, i) => n + (facts.components[i.scope]?.instantiations ?? 0), 0);
  const coreInstances = facts.coreInstances.reduce((n, i) => n + (facts.components[i.component]?.instantiations ?? 0), 0);
  const instances = componentInstances + coreInstances;
  const components = facts.components.filter((c) => c.instantiations > 0).length;
  const resourceTypes = facts.resources.length;
  const handles = inputs.overrides.maxResources?.value ?? DEFAULT_HANDLES;
  const usesHandles = resourceTypes > 0 || facts.canons.some((c) => c.kind.startsWith('resource.'));
  const handleBytes = usesHandles ? handles * HANDLE_ENTRY_BYTES : 0;
  contributors.push({ name: 'handle tables (one per component instance)', bytes: handleBytes, times: componentInstances, totalBytes: handleBytes * componentInstances });
  contributors.push({ name: 'value buffer (one synchronous call)', bytes: VALUE_BUFFER_BYTES, times: 1, totalBytes: VALUE_BUFFER_BYTES });
  contributors.push({ name: 'instance records', bytes: INSTANCE_RECORD_BYTES, times: instances, totalBytes: INSTANCE_RECORD_BYTES * instances });
  const totalBytes = contributors.reduce((n, c) => n + c.totalBytes, 0);

  if (components > limits.maxComponents.value) {
    errors.push({ code: 'LIMIT_EXCEEDED', budget: 'components', needs: `${components} components`, gives: `${limits.maxComponents.value}`, source: limits.maxComponents.source });
  }
  if (instances > limits.maxInstances.value) {
    errors.push({ code: 'LIMIT_EXCEEDED', budget: 'instances', needs: `${instances} instances (${componentInstances} component, ${coreInstances} core)`, gives: `${limits.maxInstances.value}`, source: limits.maxInstances.source });
  }
  if (inputs.overrides.maxResources !== undefined && resourceTypes > inputs.overrides.maxResources.value) {
    errors.push({ code: 'LIMIT_EXCEEDED', budget: 'resources', needs: `${resourceTypes} resource types`, gives: `${inputs.overrides.maxResources.value}`, source: inputs.overrides.maxResources.source });
  }
  if (totalBytes > budgetBytes) {
    const largest = [...contributors].sort((a, b) => b.totalBytes - a.totalBytes).slice(0, 3);
    const named = largest.map((c) => `${c.name} ${c.bytes} B × ${c.times} = ${c.totalBytes} B`).join('; ');
    errors.push({ code: 'BUDGET_EXCEEDED', budget: 'component arena', needs: `${totalBytes} bytes; largest: ${named}`, gives: `${budgetBytes} bytes`, source: budgetSource });
  }
  return { contributors, totalBytes, budgetBytes, budgetSource, components, instances, resourceTypes, handlesPerInstance: handles, errors };
}
