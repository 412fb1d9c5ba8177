/** Text for people: the profile summary, --explain, and budget errors. Pure. */
import { renderTable } from '../core/output.js';
import { formatAsil } from '../foundation/asil.js';
import type { BudgetError, Profile } from './types.js';

export function renderProfile(profile: Profile, explain: boolean): string {
  const lines: string[] = [];
  lines.push(`profile for module sha256 ${profile.moduleSha256} on target ${profile.target.id}, ${formatAsil(profile.asil)}, debug ${profile.debug}`);
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
    ['imports', profile.imports.length === 0 ? 'none' : profile.imports.map((i) => `${i.module}.${i.name} (${i.budget === null ? 'unlimited' : `${i.budget} calls`})`).join(', ')],
    ['arena', `${profile.arena.totalBytes} of ${profile.arena.budgetBytes} bytes: ${profile.arena.regions.map((r) => `${r.name} ${r.bytes}`).join(', ')}`],
    ['CFI', `software always on; hardware ${profile.cfi.hardwareRequired.length === 0 ? 'none required' : `required: ${profile.cfi.hardwareRequired.join(', ')}`}`],
    ['components', `${profile.components.maxComponents} components, ${profile.components.maxInstances} instances, ${profile.components.maxResources} resources`],
    ['profile sha256', profile.profileSha256],
  ];
  lines.push(renderTable(null, rows.map(([a, b]) => [`  ${a ?? ''}`, b ?? ''])));
  if (explain) {
    lines.push('', 'how each number was derived:');
    for (const d of profile.derivations) lines.push(`  ${d.budget} = ${d.value}`, `      rule: ${d.rule}`, `      from: ${d.source}`);
  }
  return lines.join('\n');
}

export function renderBudgetErrors(file: string, target: string, errors: readonly BudgetError[]): string {
  const lines = [`${file}: cannot be profiled for target ${target}: ${errors.length} budget${errors.length === 1 ? '' : 's'} not met`];
  for (const e of errors) lines.push(`  ${e.budget}: needs ${e.needs}; target gives ${e.gives}`, `      limit from: ${e.source} [${e.code}]`);
  return lines.join('\n');
}
