import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../ts/core/paths.js';
import { sourceMappedStack } from '../../ts/core/stack-map.js';

const ROOT = packageRoot();

/** Line 1 of the bundle is line 1 of ts/x.ts; line 2, column 1 is line 3, column 3. */
const RECORDED = new SourceMap({ version: 3, file: 'run.js', sources: ['../../ts/x.ts'], sourcesContent: [], sourceRoot: '', names: [], mappings: 'AAAA;AAEE' });

function lineOf(file: string, text: string): number {
  const index = readFileSync(file, 'utf8').split('\n').findIndex((line) => line.includes(text));
  if (index < 0) throw new Error(`${text} is not in ${file}`);
  return index + 1;
}

describe('sourceMappedStack', () => {
  it('maps frames of files with a map to the source, and leaves the others', () => {
    const stack = [
      'Error: boom',
      '    at runRun (file:///pkg/dist/cli/run.js:2:1)',
      '    at /pkg/dist/cli/run.js:1:1',
      '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
      '    at async Promise.all (index 0)',
      '    at other (/pkg/node_modules/commander/lib/command.js:10:2)',
    ].join('\n');
    const mapped = sourceMappedStack(stack, (file) => (file === '/pkg/dist/cli/run.js' ? RECORDED : null));
    expect(mapped.split('\n')).toEqual([
      'Error: boom',
      '    at runRun (/pkg/ts/x.ts:3:3)',
      '    at /pkg/ts/x.ts:1:1',
      '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
      '    at async Promise.all (index 0)',
      '    at other (/pkg/node_modules/commander/lib/command.js:10:2)',
    ]);
  });

  it('reads the map beside a built file (tsc writes them for dist/ts)', () => {
    const built = join(ROOT, 'dist', 'ts', 'core', 'stack-map.js');
    const source = join(ROOT, 'ts', 'core', 'stack-map.ts');
    const builtLine = lineOf(built, 'function readMap(');
    const mapped = sourceMappedStack(`Error: x\n    at readMap (file://${built}:${builtLine}:1)`);
    expect(mapped).toBe(`Error: x\n    at readMap (${source}:${lineOf(source, 'function readMap(')}:1)`);
  });
});
