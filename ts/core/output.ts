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

/** Left-aligned columns separated by two spaces; the last column is not padded. */
export function renderTable(header: readonly string[] | null, rows: readonly (readonly string[])[]): string {
  const all = header === null ? rows : [header, ...rows];
  const widths: number[] = [];
  for (const row of all) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, visibleLength(cell));
    });
  }
  const line = (row: readonly string[]): string =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - visibleLength(cell))))
      .join('  ')
      .trimEnd();
  const lines = all.map(line);
  if (header !== null) {
    const rule = widths.map((w) => '-'.repeat(w)).join('  ');
    lines.splice(1, 0, rule);
  }
  return lines.join('\n');
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
