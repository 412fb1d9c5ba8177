/**
 * The entries of a core module's import section as spans of its bytes, for the tools that rewrite
 * imports of a module already validated (ts/component/relink.ts renames them,
 * ts/profile/measure-form.ts turns memories, tables and globals into definitions). A kind past
 * 0x03 fails through the reader's failer at its offset.
 */
import type { Reader } from './reader.js';

export interface ImportSpan {
  /** Index in the reader's buffer where the entry starts (its module name's length). */
  readonly start: number;
  /** Index of its kind byte: the descriptor runs from here to `end`. */
  readonly descStart: number;
  readonly kind: number;
  readonly end: number;
}

/** A table's or memory's limits: a flag byte, the minimum and, with bit 0, the maximum. */
function skipLimits(r: Reader): void {
  const flag = r.u8();
  r.u32();
  if ((flag & 0x01) !== 0) r.u32();
}

/** The entries of the import section the reader stands at (its count first). */
export function importSpans(r: Reader): ImportSpan[] {
  const n = r.u32();
  const spans: ImportSpan[] = [];
  for (let i = 0; i < n; i++) {
    const start = r.pos;
    r.skip(r.u32());
    r.skip(r.u32());
    const descStart = r.pos;
    const kind = r.u8();
    if (kind === 0x00) r.u32();
    else if (kind === 0x01) {
      r.u8();
      skipLimits(r);
    } else if (kind === 0x02) skipLimits(r);
    else if (kind === 0x03) {
      r.u8();
      r.u8();
    } else r.malformed(`import kind ${kind}`, r.base + descStart);
    spans.push({ start, descStart, kind, end: r.pos });
  }
  return spans;
}
