/**
 * Conformance of the component validator against the Component Model's reference tests
 * (test/validation, test/binary) and wasm-tools' component tests, converted with jco into the
 * cache. Prints a table per file and the line `N passed, N failed, N skipped`.
 *
 * Run: npm run conformance:component-validate [-- --failures] [name-part …]
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { componentWit } from '../../ts/component/inspect.js';
import { type ComponentFacts, validateComponent } from '../../ts/component/validator.js';
import { packageRoot } from '../../ts/core/paths.js';
import { convertComponentSuites, loadJco } from '../../ts/testsuite/component-convert.js';
import { parseSkipList, runComponentScript } from '../../ts/testsuite/component-runner.js';

const args = process.argv.slice(2);
const showFailures = args.includes('--failures');
const only = args.filter((a) => !a.startsWith('--'));
const skips = parseSkipList(readFileSync(resolve(packageRoot(), 'test', 'component', 'skip.txt'), 'utf8'));
const scripts = await convertComponentSuites(only.length > 0 ? { only } : {});
let passed = 0;
let failed = 0;
let skipped = 0;
console.log(`${'file'.padEnd(58)} ${'pass'.padStart(5)} ${'fail'.padStart(5)} ${'skip'.padStart(5)}`);
for (const script of scripts) {
  const result = runComponentScript(script, skips);
  passed += result.passed;
  failed += result.failed;
  skipped += result.skipped;
  console.log(`${result.file.slice(-58).padEnd(58)} ${String(result.passed).padStart(5)} ${String(result.failed).padStart(5)} ${String(result.skipped).padStart(5)}`);
  if (showFailures) for (const f of result.failures) console.log(`    line ${f.line}: expected ${f.expected}; got ${f.got}`);
}

// inspect --wit against jco's componentWit on every valid component jco can print as WIT.
let jco = await loadJco();
let shaped = 0;
let equal = 0;
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
      // Not WIT-shaped (or a jco panic, which poisons its instance: load a fresh one).
      jco = await loadJco();
      continue;
    }
    shaped += 1;
    if (componentWit(facts).trim() === theirs.trim()) equal += 1;
    else if (showFailures) console.log(`    wit differs: ${script.suite}:${script.name}:${command.line}`);
  }
}
console.log(`inspect --wit: ${equal} of ${shaped} WIT-shaped components equal jco's componentWit`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exitCode = failed === 0 && equal === shaped ? 0 : 1;
