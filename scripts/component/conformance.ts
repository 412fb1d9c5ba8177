/**
 * Conformance of the component validator against the Component Model's reference tests
 * (test/validation, test/binary) and wasm-tools' component tests, converted with jco into the
 * cache. Prints a table per file and the line `N passed, N failed, N skipped`.
 *
 * Run: npm run conformance:component-validate [-- --failures] [name-part …]
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { packageRoot } from '../../ts/core/paths.js';
import { convertComponentSuites } from '../../ts/testsuite/component-convert.js';
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
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exitCode = failed === 0 ? 0 : 1;
