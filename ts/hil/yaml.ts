import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import { WrtError } from '../core/errors.js';
import type { ErrorLocation } from '../core/errors.js';

/** Aliases expanded per document; bounds a "billion laughs" file. */
const MAX_ALIAS_COUNT = 100;

/** Parsed YAML plus a way back from a JSON pointer to the line it came from. */
export interface YamlSource {
  readonly file: string;
  readonly data: unknown;
  /** 1-based line of the node at the pointer, or of its nearest ancestor that exists. */
  lineOf(pointer: string): number | undefined;
}

/**
 * YAML text to data that keeps its line numbers. Duplicate keys are errors (YAML 1.2 forbids
 * them, and a later line silently winning hides mistakes). Pure: `file` only names the source.
 */
export function parseYamlSource(text: string, file: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, merge: false, lineCounter });
  const first = doc.errors[0];
  if (first !== undefined) {
    const { line, col } = lineCounter.linePos(first.pos[0]);
    throw new WrtError('CONFIG_PARSE', `not valid YAML: ${firstLine(first.message)} (column ${col})`, { file, line }, { cause: first });
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error: unknown) {
    const message = error instanceof Error ? error.message : String(error);
    throw new WrtError('CONFIG_PARSE', `not valid YAML: ${firstLine(message)}`, { file, limit: `at most ${MAX_ALIAS_COUNT} alias expansions` });
  }
  return { file, data, lineOf: (pointer) => lineOfPointer(doc, lineCounter, pointer) };
}

function lineOfPointer(doc: Document, lineCounter: LineCounter, pointer: string): number | undefined {
  const path = pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
  for (let depth = path.length; depth >= 0; depth -= 1) {
    const node: unknown = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range !== undefined && node.range !== null) return lineCounter.linePos(node.range[0]).line;
  }
  return undefined;
}

/** A location for a field of a YAML source: file, JSON pointer, and line when known. */
export function fieldLocation(source: YamlSource, field: string, limit?: string): ErrorLocation {
  const line = source.lineOf(field);
  return {
    file: source.file,
    field,
    ...(line === undefined ? {} : { line }),
    ...(limit === undefined ? {} : { limit }),
  };
}

function firstLine(message: string): string {
  const end = message.indexOf('\n');
  return (end === -1 ? message : message.slice(0, end)).trim();
}
