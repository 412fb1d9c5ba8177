/**
 * Output helpers shared by every command. Commands write through an `Output` so tests can capture
 * what a person or a script would see without spawning a process.
 */
export interface Output {
  out(text: string): void;
  err(text: string): void;
}

export const processOutput: Output = {
  out: (text) => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => void process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
};

let closedReadersIgnored = false;

/**
 * A reader that goes away (`wrt-target ... | head`) ends what the process prints, not the command:
 * without a listener, the EPIPE of the next write is an uncaught exception that kills the process
 * in the middle of a deploy, leaving QEMU and scratch folders behind. The command finishes and
 * cleans up as it would have; what it prints after that goes nowhere. Once per process.
 */
export function ignoreClosedReaders(): void {
  if (closedReadersIgnored) return;
  closedReadersIgnored = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') return;
      throw error;
    });
  }
}

/** Collects output in memory; used by tests and by commands that compose others. */
export class BufferedOutput implements Output {
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  out(text: string): void {
    this.stdout.push(text);
  }
  err(text: string): void {
    this.stderr.push(text);
  }
  get text(): string {
    return this.stdout.join('\n');
  }
}

/**
 * JSON for `--json`. 64-bit quantities are bigint inside the toolchain; in JSON they become numbers
 * when they fit a double exactly and decimal strings otherwise, so no consumer silently rounds
 * a memory size. Uint8Array becomes a hex string.
 */
export function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (typeof v === 'bigint') {
        return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v.toString();
      }
      if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
      return v;
    },
    2,
  );
}

/** Columns a command's text output fits by default; --verbose and --json carry what is cut. */
export const TEXT_WIDTH = 80;

/** Said under output that had cells cut to fit TEXT_WIDTH. */
export const CUT_NOTE = `(… marks text cut to fit ${TEXT_WIDTH} columns: --verbose prints it in full)`;

const COLUMN_GAP = 2;
/** Where the default cut stops, so what a column held stays recognisable. */
const MIN_CUT_WIDTH = 10;

/** How a table fits a width. */
export interface FitOptions {
  /** The widest a line may be. */
  readonly width: number;
  /**
   * Columns that may be cut, as [column, narrowest], each cut as far as needed (not below its
   * narrowest) before the next; a column may appear again with a lower floor. Default: the last
   * column, down to 10.
   */
  readonly shrink?: readonly (readonly [column: number, narrowest: number])[];
  /** Columns cut at their start rather than their end: a path keeps its file name. */
  readonly keepEnd?: readonly number[];
}

/** A rendered table, and whether any cell had to be cut. */
export interface FittedTable {
  readonly text: string;
  readonly cut: boolean;
}

/** Left-aligned columns separated by two spaces; the last column is not padded. */
export function renderTable(header: readonly string[] | null, rows: readonly (readonly string[])[]): string {
  return layoutTable(header, rows).text;
}

/** renderTable within a width: cells of the columns in `shrink` that do not fit end in `…`. */
export function fitTable(header: readonly string[] | null, rows: readonly (readonly string[])[], options: FitOptions): FittedTable {
  return layoutTable(header, rows, options);
}

function layoutTable(header: readonly string[] | null, rows: readonly (readonly string[])[], fit?: FitOptions): FittedTable {
  const all = header === null ? rows : [header, ...rows];
  const widths: number[] = [];
  for (const row of all) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, visibleLength(cell));
    });
  }
  if (fit !== undefined) {
    for (const [column, narrowest] of fit.shrink ?? [[widths.length - 1, MIN_CUT_WIDTH]]) {
      const excess = widths.reduce((sum, w) => sum + w, 0) + COLUMN_GAP * (widths.length - 1) - fit.width;
      if (excess <= 0) break;
      const current = widths[column] ?? 0;
      widths[column] = Math.max(Math.min(current, narrowest), current - excess);
    }
  }
  const keepEnd = new Set(fit?.keepEnd ?? []);
  let cut = false;
  const fitted = (cell: string, i: number): string => {
    const width = widths[i] ?? 0;
    if (visibleLength(cell) <= width) return cell;
    cut = true;
    const plain = cell.replace(ANSI, '');
    return keepEnd.has(i) ? `…${plain.slice(plain.length - width + 1)}` : `${plain.slice(0, width - 1)}…`;
  };
  const line = (row: readonly string[]): string =>
    row
      .map((raw, i) => {
        const cell = fitted(raw, i);
        return i === row.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - visibleLength(cell));
      })
      .join(' '.repeat(COLUMN_GAP))
      .trimEnd();
  const lines = all.map(line);
  if (header !== null) {
    const rule = widths.map((w) => '-'.repeat(w)).join(' '.repeat(COLUMN_GAP));
    lines.splice(1, 0, rule);
  }
  return { text: lines.join('\n'), cut };
}

/**
 * Labelled lines: the labels in one column after `indent` spaces, each text wrapped within what
 * is left of `width`, under its own column. A `\n` in a text starts another line of that label.
 */
export function renderLabelled(rows: readonly (readonly [label: string, text: string])[], indent = 2, width: number = TEXT_WIDTH): string {
  const pad = ' '.repeat(indent);
  const labelWidth = indent + Math.max(0, ...rows.map(([label]) => visibleLength(label)));
  const textWidth = width - labelWidth - COLUMN_GAP;
  return renderTable(
    null,
    rows.flatMap(([label, text]) =>
      text
        .split('\n')
        .flatMap((line) => wrapText(line, textWidth, 2).split('\n'))
        .map((line, i) => [i === 0 ? `${pad}${label}` : pad, line]),
    ),
  );
}

/**
 * Prose that fits `width`: each line longer than that breaks at spaces, continuation lines
 * indented to where its text started plus `hang`. A word longer than a line (a long name or
 * path) is split across lines.
 */
export function wrapText(text: string, width: number = TEXT_WIDTH, hang = 2): string {
  return text
    .split('\n')
    .flatMap((line) => {
      if (visibleLength(line) <= width) return [line];
      const lead = /^ */.exec(line)?.[0] ?? '';
      const indent = ' '.repeat(lead.length + hang);
      const out: string[] = [];
      let current = lead;
      let empty = true;
      const room = Math.max(1, width - indent.length);
      const words = line
        .slice(lead.length)
        .split(' ')
        .flatMap((word) => (visibleLength(word) <= room ? [word] : (word.match(new RegExp(`.{1,${room}}`, 'g')) ?? [word])));
      for (const word of words) {
        if (!empty && visibleLength(current) + 1 + visibleLength(word) > width) {
          out.push(current);
          current = indent + word;
        } else {
          current = empty ? current + word : `${current} ${word}`;
        }
        empty = false;
      }
      out.push(current);
      return out;
    })
    .join('\n');
}

// Colour codes must not count towards column widths.
const ANSI = /\u001b\[[0-9;]*m/g;
function visibleLength(text: string): number {
  return text.replace(ANSI, '').length;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'] as const;

/** The binary unit a size reads best in: 57 -> B, 80000 -> KiB, 3 << 20 -> MiB. */
export function binaryUnitOf(bytes: number): { readonly name: string; readonly size: number } {
  let unit = 0;
  let size = 1;
  while (bytes >= size * 1024 && unit < UNITS.length - 1) {
    size *= 1024;
    unit += 1;
  }
  return { name: UNITS[unit] ?? 'B', size };
}

/** 57 -> "57 B", 80000 -> "78.1 KiB", 120000 -> "117 KiB": the rounded figure alone. */
export function formatBytesRounded(bytes: number): string {
  const unit = binaryUnitOf(bytes);
  if (unit.size === 1) return `${Math.round(bytes)} B`;
  const scaled = bytes / unit.size;
  return `${scaled >= 100 ? scaled.toFixed(0) : scaled.toFixed(1)} ${unit.name}`;
}

/** 25276063744 -> "23.5 GiB (25276063744 B)"; exact bytes are kept beside the rounded figure. */
export function formatBytes(bytes: bigint | number): string {
  const n = typeof bytes === 'bigint' ? bytes : BigInt(Math.trunc(bytes));
  if (n < 1024n) return `${n} B`;
  return `${formatBytesRounded(Number(n))} (${n} B)`;
}

/** What a `--json` document is: a name under `wrt-target/` and the version of its shape. */
export interface JsonDocumentKind {
  readonly name: string;
  /** Raised when a field is removed or changes meaning; adding a field keeps the version. */
  readonly version: number;
}

/**
 * Every `--json` document, as toJson writes it, with `"schema": "wrt-target/<name>"` and
 * `"schemaVersion"` as its first keys, so a script can check what it reads before reading it.
 */
export function jsonDocument(kind: JsonDocumentKind, body: Readonly<Record<string, unknown>> & { readonly schema?: never; readonly schemaVersion?: never }): string {
  return toJson({ schema: `wrt-target/${kind.name}`, schemaVersion: kind.version, ...body });
}
