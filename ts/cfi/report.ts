/**
 * The cfi-report document and its three renderings (text, Markdown, JSON view). Pure: it takes the
 * host assessment and the file reports and formats them; nothing here reads files or probes.
 */
import { CUT_NOTE, fitTable, type JsonDocumentKind, renderTable, TEXT_WIDTH, wrapText } from '../core/output.js';
import { armTagName, cpuArchName, cpuArchProfileName } from './arm-attributes.js';
import type { FileMark, FileReport, MarkState } from './file-report.js';
import { CFI_LEVELS, type HostFeature, type HostFeatureId, type HostReport, type LevelState } from './host-levels.js';
import { CFI_RULES, type CfiVerdicts, type Verdict, cfiVerdicts } from './verdict.js';

export interface ReportSources {
  /** "loaded from build/Release/wrt_probe.node" or "not loaded: …". */
  readonly nativeAddon: string;
  readonly cpuinfo: string;
  readonly status: string;
  readonly smaps: string | null;
}

export interface CfiReport {
  readonly host: HostReport;
  readonly sources: ReportSources;
  readonly files: readonly FileReport[];
  readonly verdicts: CfiVerdicts;
}

export function buildReport(host: HostReport, sources: ReportSources, files: readonly FileReport[]): CfiReport {
  return { host, sources, files, verdicts: cfiVerdicts(host, files) };
}

const FEATURE_SHORT: Readonly<Record<HostFeatureId, string>> = {
  shstk: 'SHSTK',
  ibt: 'IBT',
  bti: 'BTI',
  pac: 'PAC',
  gcs: 'GCS',
  mte: 'MTE',
};

const LEVEL_WORD: Readonly<Record<LevelState, string>> = { yes: 'yes', no: 'no', unknown: 'unknown', 'not-applicable': 'n/a' };
const MARK_WORD: Readonly<Record<MarkState, string>> = { present: 'yes', absent: 'no', unavailable: 'n/a (arch)', unknown: 'unknown' };

function applicable(host: HostReport): HostFeature[] {
  return host.features.filter((f) => f.family === host.family);
}

function marksCell(marks: readonly FileMark[]): string {
  if (marks.length === 0) return 'none defined for this machine';
  return marks.map((m) => `${FEATURE_SHORT[m.feature]} ${MARK_WORD[m.state]}`).join(', ');
}

function sourceCell(file: FileReport): string {
  if (file.family === 'arm32') return file.armAttributes === null ? 'no .ARM.attributes' : '.ARM.attributes';
  return file.gnuProperties.source ?? 'no GNU property note';
}

function archCell(file: FileReport): string {
  const attrs = file.armAttributes?.cfi;
  const base = `${file.machineName} ELF${file.elfClass} ${file.endianness === 'little' ? 'LE' : 'BE'}`;
  if (attrs === undefined || attrs.cpuArch === null) return base;
  const profile = attrs.cpuArchProfile === null ? '' : ` ${cpuArchProfileName(attrs.cpuArchProfile).split(' ')[0] ?? ''}`;
  return `${base} ${cpuArchName(attrs.cpuArch)}${profile}`;
}

function verdictLines(verdict: Verdict, indent: string, withReasons: boolean): string[] {
  const lines: string[] = [];
  for (const outcome of verdict.asil) {
    // Without the reasons, the features behind the outcome and what each costs at this level.
    const why = withReasons || outcome.reasons.length === 0 ? '' : `: ${outcome.reasons.map((r) => `${CFI_RULES[r.feature].name} (${r.consequence})`).join(', ')}`;
    lines.push(`${indent}ASIL ${outcome.asil.padEnd(2)}  ${outcome.outcome}${why}`);
    if (!withReasons) continue;
    for (const reason of outcome.reasons) {
      lines.push(`${indent}      - ${CFI_RULES[reason.feature].name} [${reason.where.join(', ')}]: ${reason.text}`);
    }
  }
  return lines;
}

function oneLineVerdict(verdict: Verdict): string {
  return verdict.asil.map((o) => `${o.asil} ${o.outcome}`).join('; ');
}

export interface CfiTextOptions {
  /** Why each level is what it is, every file's marks and every verdict's reasons; no width limit. */
  readonly verbose?: boolean;
}

/**
 * The report for a person at a terminal: levels, files and verdicts within TEXT_WIDTH columns;
 * the evidence behind them with `verbose` (and always in --md and --json).
 */
export function renderText(report: CfiReport, options: CfiTextOptions = {}): string {
  const verbose = options.verbose === true;
  const { host } = report;
  const out: string[] = [];
  out.push(`CFI report for host ${host.arch}: ${host.cpu}`);
  out.push(`  native addon: ${report.sources.nativeAddon}`);
  out.push(`  /proc/cpuinfo: ${report.sources.cpuinfo}; /proc/self/status: ${report.sources.status}${report.sources.smaps === null ? '' : `; /proc/self/smaps: ${report.sources.smaps}`}`);
  out.push('');
  out.push('Host levels (process = this wrt-target process)');
  const features = applicable(host);
  if (features.length === 0) {
    out.push(`  no CFI feature is known for ${host.arch}`);
  } else {
    out.push(
      indentBlock(
        renderTable(
          ['feature', ...CFI_LEVELS],
          features.map((f) => [f.label, LEVEL_WORD[f.hardware.state], LEVEL_WORD[f.kernel.state], LEVEL_WORD[f.process.state]]),
        ),
        '  ',
      ),
    );
    const others = host.features.filter((f) => f.family !== host.family);
    if (others.length > 0) out.push(`  ${others.map((f) => FEATURE_SHORT[f.id]).join(', ')}: not applicable (${others[0]?.hardware.detail ?? ''})`);
    if (verbose) {
      out.push('');
      for (const f of features) {
        out.push(`  ${f.label}`);
        for (const level of CFI_LEVELS) out.push(`    ${level.padEnd(8)}  ${LEVEL_WORD[f[level].state]}: ${f[level].detail}`);
      }
    }
  }
  out.push('');
  out.push('Files');
  if (report.files.length === 0) {
    out.push('  (none)');
  } else {
    if (verbose) {
      out.push(
        indentBlock(
          renderTable(
            ['file', 'architecture', 'type', 'marks', 'source'],
            report.files.map((f) => [f.file, archCell(f), f.typeName, marksCell(f.marks), sourceCell(f)]),
          ),
          '  ',
        ),
      );
      out.push('');
      for (const f of report.files) {
        out.push(`  ${f.file}`);
        if (f.marks.length === 0) out.push(`    no CFI marks are defined for ${f.machineName}`);
        for (const m of f.marks) out.push(`    ${FEATURE_SHORT[m.feature].padEnd(5)}  ${MARK_WORD[m.state]}: ${m.detail}`);
      }
    } else {
      // Where a mark was read from is evidence for --verbose; a path keeps its file name.
      const files = fitTable(
        ['file', 'architecture', 'type', 'marks'],
        report.files.map((f) => [f.file, archCell(f), f.typeName, marksCell(f.marks)]),
        { width: TEXT_WIDTH - 2, shrink: [[0, 24], [1, 10]], keepEnd: [0] },
      );
      out.push(indentBlock(files.text, '  '));
      if (files.cut) out.push(`  ${CUT_NOTE}`);
    }
  }
  out.push('');
  out.push(`Verdict for ${report.verdicts.host.scope} (host levels and the files that run on it)`);
  out.push(...verdictLines(report.verdicts.host, '  ', verbose));
  const foreign = report.verdicts.files.filter((v) => !v.onHost);
  if (foreign.length > 0) {
    out.push('');
    out.push('Verdicts for files of other architectures (for a target of that architecture)');
    for (const v of foreign) {
      out.push(`  ${v.scope}: ${oneLineVerdict(v)}`);
      const worst = v.asil[v.asil.length - 1];
      for (const reason of verbose ? (worst?.reasons ?? []) : []) out.push(`      - at ASIL ${worst?.asil ?? 'D'}: ${CFI_RULES[reason.feature].name}: ${reason.text}`);
    }
  }
  if (!verbose) out.push('', 'The evidence behind each level, mark and verdict: --verbose, --md or --json.');
  // Prose wraps rather than being cut: every word of it is part of the finding.
  return verbose ? out.join('\n') : wrapText(out.join('\n'), TEXT_WIDTH, 4);
}

function indentBlock(text: string, indent: string): string {
  return text
    .split('\n')
    .map((line) => indent + line)
    .join('\n');
}

function mdCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function mdTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.map(mdCell).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The report as a Markdown document (for CI artefacts and safety-case appendices). */
export function renderMarkdown(report: CfiReport): string {
  const { host } = report;
  const out: string[] = [];
  out.push(`# CFI report: host ${host.arch}`);
  out.push('');
  out.push(`- CPU: ${host.cpu}`);
  out.push(`- native addon: ${report.sources.nativeAddon}`);
  out.push(`- /proc/cpuinfo: ${report.sources.cpuinfo}`);
  out.push(`- /proc/self/status: ${report.sources.status}`);
  if (report.sources.smaps !== null) out.push(`- /proc/self/smaps: ${report.sources.smaps}`);
  out.push('');
  out.push('## Host levels');
  out.push('');
  const features = applicable(host);
  if (features.length === 0) out.push(`No CFI feature is known for ${host.arch}.`);
  else {
    out.push(
      mdTable(
        ['feature', 'level', 'state', 'evidence'],
        features.flatMap((f) => CFI_LEVELS.map((level) => [f.label, level, LEVEL_WORD[f[level].state], f[level].detail])),
      ),
    );
  }
  out.push('');
  out.push('## Files');
  out.push('');
  if (report.files.length === 0) out.push('No files.');
  for (const f of report.files) {
    out.push(`### \`${f.file}\``);
    out.push('');
    out.push(`${archCell(f)}, ${f.typeName}; marks from ${sourceCell(f)}.`);
    out.push('');
    if (f.marks.length === 0) out.push(`No CFI marks are defined for ${f.machineName}.`);
    else out.push(mdTable(['mark', 'state', 'evidence'], f.marks.map((m) => [FEATURE_SHORT[m.feature], MARK_WORD[m.state], m.detail])));
    out.push('');
  }
  out.push('## Verdicts');
  for (const v of [report.verdicts.host, ...report.verdicts.files]) {
    out.push('');
    out.push(`### ${v.scope}`);
    out.push('');
    out.push(
      mdTable(
        ['ASIL', 'outcome', 'reasons'],
        v.asil.map((o) => [o.asil, o.outcome, o.reasons.map((r) => `${CFI_RULES[r.feature].name} [${r.where.join(', ')}]: ${r.text}`).join('; ') || '—']),
      ),
    );
  }
  out.push('');
  return out.join('\n');
}

function hexWord(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}

/** The report as plain data for `--json`: property data as hex, attribute values decoded. */
/** `cfi-report --json`. */
export const CFI_REPORT_DOCUMENT: JsonDocumentKind = { name: 'cfi-report', version: 1 };

export function reportJson(report: CfiReport): Record<string, unknown> {
  return {
    host: report.host,
    sources: report.sources,
    files: report.files.map((f) => ({
      file: f.file,
      elfClass: f.elfClass,
      endianness: f.endianness,
      machine: f.machine,
      machineName: f.machineName,
      type: f.type,
      typeName: f.typeName,
      family: f.family,
      marks: f.marks,
      gnuProperties: {
        source: f.gnuProperties.source,
        marks: f.gnuProperties.marks,
        notes: f.gnuProperties.notes.map((n) => ({
          offset: n.offset,
          container: n.container,
          properties: n.properties.map((p) => ({ type: hexWord(p.type), name: p.name, offset: p.offset, data: Buffer.from(p.data).toString('hex') })),
        })),
      },
      armAttributes:
        f.armAttributes === null
          ? null
          : {
              cfi: f.armAttributes.cfi,
              vendors: f.armAttributes.vendors.map((v) => ({
                vendor: v.vendor,
                scopes: v.scopes.map((s) => ({
                  kind: s.kind,
                  indices: s.indices,
                  attributes: s.attributes.map((a) => ({ tag: a.tag, name: armTagName(a.tag), ...a.value })),
                })),
              })),
            },
      armInstructions: f.armInstructions,
    })),
    verdicts: report.verdicts,
    rules: CFI_RULES,
  };
}
