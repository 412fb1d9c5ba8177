/**
 * An internal error's stack in source terms. The CLI runs from per-command bundles (dist/cli/) or
 * tsc's output (dist/ts/), whose line numbers are not the sources'; each file has a linked source
 * map beside it (FILE.js.map). Node maps stacks itself only under --enable-source-maps, which reads
 * and parses the map of every file it loads at start-up, a cost every command would pay for a
 * rare event; so only an INTERNAL error's stack is mapped, here, reading only the maps it names.
 */
import { readFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `at name (FILE:LINE:COLUMN)` or `at FILE:LINE:COLUMN`, FILE a file: URL or an absolute path. */
const FRAME = /^(\s*at (?:.*? \()?)(file:\/\/\/[^\s()]+|\/[^\s():]+):(\d+):(\d+)(\)?)$/;

function readMap(file: string): SourceMap | null {
  try {
    return new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')) as SourceMapPayload);
  } catch {
    // No map beside the file (node's own, a dependency's) or an unreadable one: keep the frame.
    return null;
  }
}

/**
 * The stack with every frame that points into a file with a source map pointing at the source
 * line instead; other frames unchanged. `maps` reads a file's map (tests give recorded ones).
 */
export function sourceMappedStack(stack: string, maps: (file: string) => SourceMap | null = readMap): string {
  const cache = new Map<string, SourceMap | null>();
  return stack
    .split('\n')
    .map((line) => {
      const match = FRAME.exec(line);
      if (match === null) return line;
      const [, head = '', location = '', lineText = '', columnText = '', tail = ''] = match;
      const file = location.startsWith('file:') ? fileURLToPath(location) : location;
      if (!cache.has(file)) cache.set(file, maps(file));
      const entry = cache.get(file)?.findEntry(Number(lineText) - 1, Number(columnText) - 1);
      if (entry === undefined || !('originalSource' in entry)) return line;
      // Map sources are relative to the map's folder (esbuild and tsc both write them so).
      const source = entry.originalSource.startsWith('file:') ? fileURLToPath(entry.originalSource) : resolve(dirname(file), entry.originalSource);
      return `${head}${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}${tail}`;
    })
    .join('\n');
}
