/**
 * WASI 0.2 command components from C (docs/component.md, "WASI 0.2 commands"), and jco as their
 * value oracle. A C program is compiled with clang for wasm32-wasi against wasi-libc (as the HIL
 * suites build theirs), then made a component by jco's componentEmbed and componentNew with the
 * preview1 *command* adapter jco ships (wasi_snapshot_preview1.command.wasm): the component's core
 * modules are the program, the adapter, and wit-component's shim and fixup. Built components are
 * cached under build/wasi-command/ by the hash of their inputs.
 *
 * The oracle: the same component transpiled by jco and run by Node 20 with jco's preview2-shim (in
 * its own process, since `exit` ends the process), its stdout, stderr and exit code gathered.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { WrtError } from '../../ts/core/errors.js';
import { packageRoot } from '../../ts/core/paths.js';
import { freshWasmTools, jcoPackageDir, jcoVersion, transpileInto } from '../oracles/jco.js';

/** The preview1 command adapter jco ships. */
export function commandAdapterPath(): string {
  return join(jcoPackageDir(), 'lib', 'wasi_snapshot_preview1.command.wasm');
}

export function wasiCommandCacheDir(): string {
  return join(packageRoot(), 'build', 'wasi-command');
}

/** The program compiled for wasm32-wasi (clang and wasi-libc, Debian's wasi-libc and libclang-rt-14-dev-wasm32). */
function compileWasi(source: string, out: string): Uint8Array {
  try {
    execFileSync('clang', ['--target=wasm32-wasi', '-O2', '-Wall', '-Wextra', '-Werror', '-o', out, source], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const e = error as { code?: string; stderr?: Buffer };
    if (e.code === 'ENOENT') throw new WrtError('TOOL_MISSING', 'clang is not installed: WASI commands are compiled with clang --target=wasm32-wasi', { file: source, limit: 'apt-get install clang lld wasi-libc libclang-rt-14-dev-wasm32' });
    throw new WrtError('MODULE_BUILD_FAILED', `${source} did not compile for wasm32-wasi: ${(e.stderr?.toString() ?? String(error)).trim().slice(0, 2000)}`, { file: source, limit: 'clang with wasi-libc (apt-get install wasi-libc libclang-rt-14-dev-wasm32)' });
  }
  return readFileSync(out);
}

/**
 * The component of a C program (cached): `<name>.component.wasm` under build/wasi-command/, built
 * again when the source, the adapter or jco's version changes.
 */
export async function buildWasiCommand(source: string): Promise<string> {
  const adapter = readFileSync(commandAdapterPath());
  const hash = createHash('sha256').update(readFileSync(source)).update(adapter).update(jcoVersion()).digest('hex').slice(0, 16);
  const dir = wasiCommandCacheDir();
  const name = basename(source).replace(/\.c$/, '');
  const out = join(dir, `${name}-${hash}.component.wasm`);
  if (existsSync(out)) return out;
  mkdirSync(dir, { recursive: true });
  // Written under this process's names and renamed into place: test files build in parallel processes.
  const core = compileWasi(source, join(dir, `${name}-${hash}.core-${process.pid}.wasm`));
  const tools = await freshWasmTools();
  // An empty world: the program's only imports are wasi_snapshot_preview1's, which the adapter turns into WASI 0.2 ones.
  const embedded = tools.tools.componentEmbed({ binary: core, witSource: 'package wrt:command; world command {}', world: 'command' });
  const component = tools.tools.componentNew(embedded, [['wasi_snapshot_preview1', adapter]]);
  rmSync(join(dir, `${name}-${hash}.core-${process.pid}.wasm`), { force: true });
  const partial = `${out}.${process.pid}.partial`;
  writeFileSync(partial, component);
  renameSync(partial, out);
  return out;
}

export interface CommandResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

/** jco's preview2-shim, the WASI 0.2 host its transpiled components import. */
function preview2ShimDir(): string {
  return join(jcoPackageDir(), 'node_modules', '@bytecodealliance', 'preview2-shim');
}

/**
 * The command run by jco: transpiled into `<component>.jco/` (with a node_modules link to jco's
 * preview2-shim), then `run` called in a Node process whose argv after the script is `args`
 * (the shim's get-arguments is run.mjs's path and those; its get-environment Node's environment, `env` when given). run's `err` and an uncaught trap exit 1,
 * as `jco run` does; `exit` exits with its code.
 */
export async function jcoRunCommand(component: string, args: readonly string[], env?: Readonly<Record<string, string>>): Promise<CommandResult> {
  // One directory a process: test files transpile the same component in parallel processes.
  const dir = `${component}.jco-${process.pid}`;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'node_modules', '@bytecodealliance'), { recursive: true });
  symlinkSync(preview2ShimDir(), join(dir, 'node_modules', '@bytecodealliance', 'preview2-shim'), 'dir');
  await transpileInto(readFileSync(component), dir, { name: 'command', nodejsCompat: true });
  const runner = join(dir, 'run.mjs');
  writeFileSync(
    runner,
    "const m = await import('./command.js');\ntry { m.run.run(); } catch (e) { process.stderr.write(String(e?.message ?? e) + '\\n'); process.exitCode = 1; }\n",
  );
  // With `env`, the process's whole environment: the shim's get-environment is Node's process.env.
  const r = spawnSync(process.execPath, [runner, ...args], {
    cwd: dir,
    ...(env === undefined ? {} : { env }),
    encoding: 'utf8',
    timeout: 30_000,
  });
  rmSync(dir, { recursive: true, force: true });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status ?? -1 };
}
