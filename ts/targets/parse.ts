import { LineCounter, parseDocument } from 'yaml';
import { WrtError } from '../core/errors.js';

/** Aliases expanded per document; bounds a "billion laughs" file. */
const MAX_ALIAS_COUNT = 100;

/**
 * YAML text to plain data. Syntax errors (including duplicate keys, which YAML 1.2 forbids and
 * which would otherwise let a later line silently win) become CONFIG_PARSE with the 1-based line.
 * Pure: `file` only names the source in the error.
 */
export function parseTargetYaml(text: string, file: string): unknown {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, merge: false, lineCounter });
  const first = doc.errors[0];
  if (first !== undefined) {
    const { line, col } = lineCounter.linePos(first.pos[0]);
    throw new WrtError(
      'CONFIG_PARSE',
      `not valid YAML: ${firstLine(first.message)} (column ${col})`,
      { file, line },
      { cause: first },
    );
  }
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error: unknown) {
    // toJS throws only for alias expansion beyond the bound.
    const message = error instanceof Error ? error.message : String(error);
    throw new WrtError('CONFIG_PARSE', `not valid YAML: ${firstLine(message)}`, {
      file,
      limit: `at most ${MAX_ALIAS_COUNT} alias expansions`,
    });
  }
}

function firstLine(message: string): string {
  const end = message.indexOf('\n');
  return (end === -1 ? message : message.slice(0, end)).trim();
}
