/** Text for people: the profile summary, --explain, and budget errors. Pure. */
import { renderLabelled, TEXT_WIDTH, wrapText } from '../core/output.js';
import { formatAsil } from '../foundation/asil.js';
import type { BudgetError, Profile } from './types.js';

export interface ProfileTextOptions {
  /** How each number was derived and from which limit. */
  readonly explain?: boolean;
  /** Hashes in full; otherwise their first 16 hex digits (--json and the files carry them all). */
  readonly verbose?: boolean;
}

const SHORT_HASH_DIGITS = 16;

/** Lines fit TEXT_WIDTH: texts wrap under their column, hashes are shortened unless verbose. */
export function renderProfile(profile: Profile, options: ProfileTextOptions = {}): string {
  const verbose = options.verbose === true;
  const hash = (hex: string): string => (verbose ? hex : `${hex.slice(0, SHORT_HASH_DIGITS)}…`);
  // Continuations start under the text they continue ("rule: ", "from: ").
  const fit = (text: string, hang: number): string => (verbose ? text : wrapText(text, TEXT_WIDTH, hang));
  const lines: string[] = [];
  lines.push(fit(`profile for module sha256 ${hash(profile.moduleSha256)} on target ${profile.target.id}, ${formatAsil(profile.asil)}, debug ${profile.debug}`, 4));
  const m = profile.memory;
  const rows: string[][] = [
    ['memory', m.rule === 'no-memory' ? 'none' : `${m.initialPages} initial / ${m.maximumPages} maximum pages, ${m.bytes} bytes${m.truncated ? ' (truncated: accesses past it trap)' : ''}`],
    ['tables', `${profile.tables.elements} elements (largest table ${profile.tables.elementsMax})`],
    ['globals', `${profile.globals.slots} slots`],
    ['value stack', `${profile.stack.valueSlots} slots`],
    ['call depth', `${profile.stack.callDepth} frames`],
    ['control depth', `${profile.stack.controlDepth}`],
    ['locals', `${profile.stack.locals}`],
    ['fuel', profile.fuel === null ? 'unlimited' : `${profile.fuel} instructions per invocation`],
    ['imports', profile.imports.length === 0 ? 'none' : profile.imports.map((i) => `${i.module}.${i.name} (${i.budget === null ? 'unlimited' : `${i.budget} calls`}${i.policy === 'allow' ? '' : `, ${i.policy}`})`).join(', ')],
    ['arena', `${profile.arena.totalBytes} of ${profile.arena.budgetBytes} bytes: ${profile.arena.regions.map((r) => `${r.name} ${r.bytes}`).join(', ')}`],
    ['CFI', `software always on; hardware ${profile.cfi.hardwareRequired.length === 0 ? 'none required' : `required: ${profile.cfi.hardwareRequired.join(', ')}`}`],
    ['components', `${profile.components.maxComponents} components, ${profile.components.maxInstances} instances, ${profile.components.maxResources} resources`],
    ['profile sha256', hash(profile.profileSha256)],
  ];
  const block = profile.component;
  if (block !== undefined) {
    rows.splice(rows.length - 1, 0, [
      'component',
      `${block.instances.length} core instances (arena above: all of them), ${block.adapters} adapters, nesting ${block.nestingDepth}, ${block.resourceTypes} resource types, ${block.handleTables} handle tables of ${block.handlesPerTable}; sha256 ${hash(block.componentSha256)}, plan ${hash(block.planSha256)}`,
    ]);
  }
  lines.push(renderLabelled(rows.map(([a, b]) => [a ?? '', b ?? '']), 2, verbose ? Number.POSITIVE_INFINITY : TEXT_WIDTH));
  if (options.explain === true) {
    lines.push('', 'how each number was derived:');
    for (const d of profile.derivations) lines.push(`  ${d.budget} = ${d.value}`, `      rule: ${d.rule}`, `      from: ${d.source}`);
  }
  return fit(lines.join('\n'), 6);
}

export function renderBudgetErrors(file: string, target: string, errors: readonly BudgetError[]): string {
  const lines = [`${file}: cannot be profiled for target ${target}: ${errors.length} budget${errors.length === 1 ? '' : 's'} not met`];
  for (const e of errors) lines.push(`  ${e.budget}: needs ${e.needs}; target gives ${e.gives}`, `      limit from: ${e.source} [${e.code}]`);
  return lines.join('\n');
}
