/**
 * Dev-only tooling stays out of the product (docs/architecture.md): nothing under ts/ imports
 * tools/ or a dev dependency, and the program `npm run build:ts` compiles into dist/ holds no file
 * of tools/ and none that imports one. The second check asks tsc for the files of the build
 * rather than reading dist/, which keeps whatever an older build left there.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../ts/core/paths.js';

const root = packageRoot();
const devDependencies = Object.keys(
  (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies,
);

/** Module specifiers of static imports and re-exports, import() and require(). */
function specifiers(text: string): string[] {
  const found: string[] = [];
  for (const pattern of [/\bfrom\s+['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g, /^\s*import\s+['"]([^'"]+)['"]/gm]) {
    for (const match of text.matchAll(pattern)) found.push(match[1] ?? '');
  }
  return found;
}

/** What a file imports that the product must not: a path under tools/, or a dev dependency. */
function forbiddenImports(file: string): string[] {
  return specifiers(readFileSync(file, 'utf8')).filter((spec) => {
    if (spec.startsWith('.')) return relative(root, resolve(dirname(file), spec)).split(sep)[0] === 'tools';
    const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] ?? '');
    return devDependencies.includes(name);
  });
}

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => join(dir, name));
}

describe('dev-only tooling stays out of the product', () => {
  it('the check sees what it looks for', () => {
    expect(devDependencies).toContain('koffi');
    expect(forbiddenImports(join(root, 'tools', 'interp', 'ffi.ts'))).toContain('koffi');
    expect(forbiddenImports(join(root, 'scripts', 'interp', 'conformance.ts'))).toContain('../../tools/interp/build.js');
  });

  it('no file under ts/ imports tools/ or a dev dependency', () => {
    const offenders = sourcesUnder(join(root, 'ts'))
      .map((file) => ({ file: relative(root, file), imports: forbiddenImports(file) }))
      .filter((entry) => entry.imports.length > 0);
    expect(offenders).toEqual([]);
  });

  it('the product build (tsconfig.build.json, into dist/) compiles no tools code', () => {
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const listed = execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--listFilesOnly'], {
      cwd: root,
      encoding: 'utf8',
    });
    const files = listed
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.includes(`${sep}node_modules${sep}`))
      .map((line) => relative(root, line));
    expect(files).toContain(join('ts', 'cli', 'main.ts'));
    expect(files.filter((file) => file.split(sep)[0] === 'tools')).toEqual([]);
    const offenders = files
      .map((file) => ({ file, imports: forbiddenImports(join(root, file)) }))
      .filter((entry) => entry.imports.length > 0);
    expect(offenders).toEqual([]);
  }, 120_000);
});
