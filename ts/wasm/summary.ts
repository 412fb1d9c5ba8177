/**
 * The readable summary `wrt-target validate` prints for a valid module. Pure: report in, text out.
 */
import { CUT_NOTE, fitTable, formatBytes, renderLabelled, renderTable, TEXT_WIDTH, wrapText } from '../core/output.js';
import type { FunctionReport, WasmReport } from './report.js';
import { PAGE_BYTES } from './types.js';

export interface SummaryOptions {
  /** Rows of the export table before "… n more" (imports are always listed in full). */
  readonly maxExports?: number;
  /** How many of the largest frames to list. */
  readonly topFrames?: number;
  /** Import and export tables in full however wide; otherwise names and types are cut to fit. */
  readonly verbose?: boolean;
}

function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

function pages(n: number): string {
  return `${n} pages = ${formatBytes(n * PAGE_BYTES)}`;
}

function functionName(report: WasmReport, index: number): string {
  const defined = report.functions[index - report.counts.importedFunctions];
  if (defined?.name !== null && defined?.name !== undefined) return `$${defined.name}`;
  const imported = report.imports.find((i) => i.kind === 'function' && i.index === index);
  return imported !== undefined ? `${imported.module}.${imported.name}` : `function ${index}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function renderSummary(report: WasmReport, options: SummaryOptions = {}): string {
  const lines: string[] = [];
  const c = report.counts;
  const name = report.file ?? 'module';
  lines.push(wrapText(`${name}: valid WebAssembly 2.0 module, ${formatBytes(report.bytes)}${report.moduleName !== null ? `, named $${report.moduleName}` : ''}`, TEXT_WIDTH, 4));
  if (report.target !== null) lines.push(`  target ${report.target}: within its limits`);

  const rows: string[][] = [];
  rows.push([
    'sections',
    [
      plural(c.types, 'type'),
      `${plural(c.functions, 'function')} (${c.importedFunctions} imported)`,
      plural(c.tables, 'table'),
      plural(c.memories, 'memory').replace('memorys', 'memories'),
      plural(c.globals, 'global'),
      plural(c.exports, 'export'),
      plural(c.elementSegments, 'element segment'),
      plural(c.dataSegments, 'data segment'),
      `code ${formatBytes(c.codeBytes)}`,
    ].join(', '),
  ]);

  const memory = report.memories[0];
  const m = report.memory;
  if (memory !== undefined) {
    const origin = [memory.imported ? 'imported' : '', memory.exported ? 'exported' : ''].filter((s) => s !== '').join(', ');
    rows.push([
      'memory',
      `initial ${pages(memory.initialPages)}, maximum ${memory.maximumPages === null ? 'none (65536 pages)' : pages(memory.maximumPages)}${origin === '' ? '' : ` (${origin})`}`,
    ]);
  } else {
    rows.push(['memory', 'none']);
  }
  rows.push([
    '',
    `memory.grow: ${m.canGrow && m.firstGrow !== null ? `yes (first at byte ${hex(m.firstGrow.offset)} in ${functionName(report, m.firstGrow.function)})` : 'no'}`,
  ]);
  rows.push([
    '',
    `highest static address ${hex(m.highestStaticAddress)} (data segments end ${hex(m.dataSegmentsEnd)}, constant accesses end ${hex(m.constantAccessEnd)}` +
      `, __heap_base ${m.heapBase === null ? '-' : hex(m.heapBase)}, __data_end ${m.dataEnd === null ? '-' : hex(m.dataEnd)})` +
      (m.dataSegmentsWithDynamicOffset > 0 ? `; ${m.dataSegmentsWithDynamicOffset} segments placed by an imported global` : ''),
  ]);
  for (const table of report.tables) {
    rows.push([
      table.index === 0 ? 'tables' : '',
      `table ${table.index}: ${table.elementType} initial ${table.initial}, maximum ${table.maximum ?? 'none'}` +
        `${table.imported ? ', imported' : ''}${table.exported ? ', exported' : ''}${table.grows ? ', grown by table.grow' : ''}`,
    ]);
  }
  rows.push([
    'features',
    report.features.length === 0
      ? 'MVP only'
      : report.features.map((f) => `${f.feature} (first: ${f.what} at byte ${hex(f.offset)}, ${f.where})`).join('\n'),
  ]);

  const topFrames = options.topFrames ?? 3;
  const byFrame = [...report.functions].sort((a, b) => b.frameBytes - a.frameBytes || a.index - b.index).slice(0, topFrames);
  const deepest = report.functions.reduce<FunctionReport | undefined>(
    (best, f) => (best === undefined || f.maxControlDepth > best.maxControlDepth ? f : best),
    undefined,
  );
  if (byFrame.length > 0) {
    rows.push([
      'frames',
      byFrame
        .map(
          (f) =>
            `${functionName(report, f.index)}: ${f.frameBytes} B (${plural(f.locals, 'local')} ${f.localBytes} B, operand stack ${plural(f.maxStackSlots, 'value')} ${f.maxStackBytes} B)`,
        )
        .join('\n'),
    ]);
  }
  if (deepest !== undefined) rows.push(['', `deepest blocks: ${deepest.maxControlDepth} in ${functionName(report, deepest.index)}`]);

  const g = report.callGraph;
  const bounded = g.entries.filter((e) => e.maxCallDepth !== null);
  const unbounded = g.entries.length - bounded.length;
  if (g.recursive) {
    const largest = g.cycles.reduce((n, cycle) => Math.max(n, cycle.functions.length), 0);
    // Largest components first: they are the ones a profile has to break up.
    const shown = [...g.cycles]
      .sort((a, b) => b.functions.length - a.functions.length)
      .slice(0, 3)
      .map((cycle) => {
        const hops = cycle.description.split(' -> ');
        const shortened = hops.length > 6 ? [...hops.slice(0, 3), '…', ...hops.slice(-2)].join(' -> ') : cycle.description;
        const others = cycle.functions.length - (cycle.path.length - 1);
        return others > 0 ? `${shortened} (and ${others} more)` : shortened;
      });
    rows.push([
      'call graph',
      `recursive: ${plural(g.cycles.length, 'cycle')} (largest ${plural(largest, 'function')}); ${shown.join('; ')}${g.cycles.length > shown.length ? '; …' : ''}`,
    ]);
  } else {
    rows.push(['call graph', 'acyclic']);
  }
  const worst = bounded.reduce<(typeof bounded)[number] | undefined>(
    (best, e) => (best === undefined || (e.maxStackBytes ?? 0) > (best.maxStackBytes ?? 0) ? e : best),
    undefined,
  );
  rows.push([
    '',
    `${plural(g.entries.length, 'entry point')}: ${bounded.length} bounded` +
      (worst !== undefined ? `, worst ${worst.kind === 'start' ? 'start' : `"${worst.name}"`} depth ${worst.maxCallDepth} / ${worst.maxStackBytes} B stack` : '') +
      (unbounded > 0 ? `, ${unbounded} reach recursion (no static bound)` : ''),
  ]);
  if (g.openTables.length > 0) rows.push(['', `tables ${g.openTables.join(', ')} are imported or exported: the host may store its own functions there`]);
  lines.push(renderLabelled(rows.map(([label, text]) => [label ?? '', text ?? ''])));

  let cut = false;
  // A long name loses its middle-to-end before a signature does; --verbose and --json keep both.
  const table = (rows: readonly (readonly string[])[], typeColumn: number): string => {
    if (options.verbose === true) return renderTable(null, rows);
    const fitted = fitTable(null, rows, {
      width: TEXT_WIDTH - 4,
      shrink: [
        [0, 24],
        [typeColumn, 16],
      ],
    });
    cut ||= fitted.cut;
    return fitted.text;
  };
  if (report.imports.length > 0) {
    lines.push(`  imports (${report.imports.length})`);
    lines.push(indent(table(report.imports.map((i) => [`${i.module}.${i.name}`, i.kind, i.type]), 2), 4));
  }
  if (report.exports.length > 0) {
    const max = options.maxExports ?? 30;
    lines.push(`  exports (${report.exports.length})`);
    lines.push(indent(table(report.exports.slice(0, max).map((e) => [e.name, e.kind, `${e.index}`, e.type]), 3), 4));
    if (report.exports.length > max) lines.push(`    … ${report.exports.length - max} more (--json lists all)`);
  }
  if (cut) lines.push(`  ${CUT_NOTE}`);
  return lines.join('\n');
}

function indent(text: string, n: number): string {
  const pad = ' '.repeat(n);
  return text
    .split('\n')
    .map((line) => pad + line)
    .join('\n');
}
