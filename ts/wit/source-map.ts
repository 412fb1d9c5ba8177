/**
 * The WIT files of one load, laid end to end so a span (two offsets) names a file and a place in
 * it without carrying the file along. Offsets are UTF-16 indices (JavaScript string positions);
 * columns are counted in UTF-8 bytes when shown, as wit-parser shows them.
 */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** A span for what has no place in a file (a world's synthesized imports). */
export const NO_SPAN: Span = { start: -1, end: -1 };

export function isKnownSpan(span: Span): boolean {
  return span.start >= 0;
}

export interface WitSource {
  /** The path as the user named it (or as found under a directory they named). */
  readonly path: string;
  readonly text: string;
  /** Global offset of the file's first character. */
  readonly offset: number;
}

/** A place in a file, as an error message shows it. */
export interface SourcePlace {
  readonly path: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based, in UTF-8 bytes from the start of the line. */
  readonly column: number;
  /** Code points from the start of the line, where the caret goes. */
  readonly charColumn: number;
  /** Byte offset of the place in its file (UTF-8). */
  readonly byteOffset: number;
  /** The line's text, without its line break. */
  readonly lineText: string;
  /** Characters the span covers on that line (at least 1). */
  readonly width: number;
}

export class SourceMap {
  private readonly files: WitSource[] = [];
  private next = 0;

  /**
   * Adds a file and returns its offset. One position past its end still belongs to it (where an
   * "unexpected end of file" points), so files are spaced one apart.
   */
  push(path: string, text: string): WitSource {
    const source: WitSource = { path, text, offset: this.next };
    this.files.push(source);
    this.next += text.length + 1;
    return source;
  }

  get sources(): readonly WitSource[] {
    return this.files;
  }

  sourceAt(offset: number): WitSource | undefined {
    let lo = 0;
    let hi = this.files.length - 1;
    let found: WitSource | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const file = this.files[mid];
      if (file === undefined) break;
      if (file.offset <= offset) {
        found = file;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  place(span: Span): SourcePlace | undefined {
    if (!isKnownSpan(span)) return undefined;
    const source = this.sourceAt(span.start);
    if (source === undefined) return undefined;
    const at = Math.min(span.start - source.offset, source.text.length);
    const lineStart = source.text.lastIndexOf('\n', at - 1) + 1;
    let lineEnd = source.text.indexOf('\n', at);
    if (lineEnd < 0) lineEnd = source.text.length;
    let line = 1;
    for (let i = source.text.indexOf('\n'); i >= 0 && i < lineStart; i = source.text.indexOf('\n', i + 1)) line += 1;
    const prefix = source.text.slice(lineStart, at);
    const endOnLine = Math.min(Math.max(span.end - source.offset, at + 1), lineEnd);
    return {
      path: source.path,
      line,
      column: Buffer.byteLength(prefix, 'utf8') + 1,
      charColumn: [...prefix].length,
      byteOffset: Buffer.byteLength(source.text.slice(0, at), 'utf8'),
      lineText: source.text.slice(lineStart, lineEnd),
      width: Math.max(1, endOnLine - at),
    };
  }
}
