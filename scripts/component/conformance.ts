/**
 * Conformance of the component validator against the Component Model's reference tests
 * (test/validation, test/binary) and wasm-tools' component tests, converted with jco into the
 * cache; then `inspect --wit` against jco's componentWit on every valid WIT-shaped component.
 * Prints a table per file and the line `N passed, N failed, N skipped`.
 *
 * Run: npm run conformance:component-validate [-- --failures] [name-part …]
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { componentWit } from '../../ts/component/inspect.js';
import { type ComponentFacts, validateComponent } from '../../ts/component/validator.js';
import { packageRoot } from '../../ts/core/paths.js';
import { type ConvertedComponentScript, convertComponentSuites, loadJco } from '../../tools/component/convert.js';
import { type ComponentFileResult, parseSkipList, runComponentScript, type SkipEntry } from '../../tools/component/runner.js';
import { runScript, scriptProgram } from '../../ts/core/script-cli.js';

export function componentSkipList(): SkipEntry[] {
  return parseSkipList(readFileSync(resolve(packageRoot(), 'test', 'component', 'skip.txt'), 'utf8'));
}

export interface ComponentConformance {
  readonly scripts: readonly ConvertedComponentScript[];
  readonly files: readonly ComponentFileResult[];
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
}

export async function componentConformance(only?: readonly string[]): Promise<ComponentConformance> {
  const skips = componentSkipList();
  const scripts = await convertComponentSuites(only !== undefined && only.length > 0 ? { only } : {});
  const files = scripts.map((script) => runComponentScript(script, skips));
  const sum = (key: 'passed' | 'failed' | 'skipped'): number => files.reduce((n, f) => n + f[key], 0);
  return { scripts, files, passed: sum('passed'), failed: sum('failed'), skipped: sum('skipped') };
}

/** inspect --wit against jco's componentWit: the WIT-shaped valid components and those printed alike. */
export async function witAgreement(scripts: readonly ConvertedComponentScript[]): Promise<{ shaped: number; equal: number; differing: string[] }> {
  let jco = await loadJco();
  let shaped = 0;
  let equal = 0;
  const differing: string[] = [];
  for (const script of scripts) {
    for (const command of script.commands) {
      if (command.wasm === null || command.kind !== 'component') continue;
      const bytes = readFileSync(join(script.dir, command.wasm));
      let facts: ComponentFacts;
      try {
        facts = validateComponent(bytes);
      } catch {
        continue;
      }
      let theirs: string;
      try {
        theirs = await jco.componentWit(bytes);
      } catch {
        // Not WIT-shaped, or a jco panic, which poisons its instance: load a fresh one.
        jco = await loadJco();
        continue;
      }
      shaped += 1;
      if (componentWit(facts).trim() === theirs.trim()) equal += 1;
      else differing.push(`${script.suite}:${script.name}:${command.line}`);
    }
  }
  return { shaped, equal, differing };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const program = scriptProgram('conformance:component-validate', 'component binaries of the reference suites through the validator')
    .argument('[files...]', 'only these .wast files')
    .option('--failures', 'list every failed assertion');
  await runScript(program, async (p) => {
    const showFailures = p.opts<{ failures?: boolean }>().failures === true;
    const result = await componentConformance(p.args);
    console.log(`${'file'.padEnd(58)} ${'pass'.padStart(5)} ${'fail'.padStart(5)} ${'skip'.padStart(5)}`);
    for (const file of result.files) {
      console.log(`${file.file.slice(-58).padEnd(58)} ${String(file.passed).padStart(5)} ${String(file.failed).padStart(5)} ${String(file.skipped).padStart(5)}`);
      if (showFailures) for (const f of file.failures) console.log(`    line ${f.line}: expected ${f.expected}; got ${f.got}`);
    }
    const wit = await witAgreement(result.scripts);
    if (showFailures) for (const d of wit.differing) console.log(`    wit differs: ${d}`);
    console.log(`inspect --wit: ${wit.equal} of ${wit.shaped} WIT-shaped components equal jco's componentWit`);
    console.log(`${result.passed} passed, ${result.failed} failed, ${result.skipped} skipped`);
    return result.failed === 0 && wit.equal === wit.shaped ? 0 : 1;
  });
}
