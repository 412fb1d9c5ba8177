/**
 * Where wrt-target writes: firmware builds, the HIL module cache, converted spec testsuites.
 *
 * An installed package is never written (a global install is root-owned and shared by every
 * user): its state goes to a per-user cache, `$WRT_CACHE_DIR`, else `$XDG_CACHE_HOME/wrt-target`,
 * else `~/.cache/wrt-target`. A git checkout keeps its state in the checkout (`build/`,
 * `.cache/`), where developers, the Makefiles and the tests expect it. A checkout is a package
 * root that holds `.git` (a folder, or the file a `git worktree` writes) and that this user may
 * write; a read-only checkout is treated as an install. `$WRT_CACHE_DIR` wins over both.
 */
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { WrtError } from './errors.js';
import { packageRoot } from './paths.js';

export const CACHE_DIR_ENV = 'WRT_CACHE_DIR';

/**
 * The kinds of state the tool writes, each in a folder of its own: `build` holds what make builds
 * (firmware/, native-sim/, the BUILD folder of native/sim's Makefile), `hil` the HIL module cache,
 * `wasm-testsuite` the spec testsuite converted by wast2json, `wasm-differential` the modules of
 * `npm run differential:wasm`, `code-cache` V8's compiled code of the CLI's bundles (ts/cli/launch.ts).
 */
export type StateKind = 'build' | 'hil' | 'wasm-testsuite' | 'wasm-differential' | 'code-cache' | 'load-regions' | 'elf-reports';

/** Each kind's folder inside a checkout (relative to the package root); in the user cache it is <cache>/<kind>. */
const CHECKOUT_FOLDERS: Readonly<Record<StateKind, readonly string[]>> = {
  build: ['build'],
  hil: ['.cache', 'hil'],
  'wasm-testsuite': ['.cache', 'wasm-testsuite'],
  'wasm-differential': ['.cache', 'wasm-differential'],
  'code-cache': ['.cache', 'code-cache'],
  'load-regions': ['.cache', 'load-regions'],
  'elf-reports': ['.cache', 'elf-reports'],
};

export interface StateLocation {
  /** `checkout`: inside the package root; `user-cache`: the per-user cache directory. */
  readonly mode: 'checkout' | 'user-cache';
  /** The package root (checkout) or the cache directory. */
  readonly root: string;
  /** Which rule chose it, for messages. */
  readonly why: string;
}

/** The per-user cache directory from the environment alone (pure). */
export function userCacheDir(env: NodeJS.ProcessEnv, home: string): { readonly dir: string; readonly why: string } {
  const explicit = env[CACHE_DIR_ENV];
  if (explicit !== undefined && explicit !== '') return { dir: explicit, why: `$${CACHE_DIR_ENV}` };
  const xdg = env.XDG_CACHE_HOME;
  // The XDG spec says a relative value is invalid and must be ignored.
  if (xdg !== undefined && isAbsolute(xdg)) return { dir: join(xdg, 'wrt-target'), why: '$XDG_CACHE_HOME/wrt-target' };
  return { dir: join(home, '.cache', 'wrt-target'), why: '~/.cache/wrt-target' };
}

/** Whether `root` is a git checkout this user may write (see the module comment). */
export function isWritableCheckout(root: string): boolean {
  if (!existsSync(join(root, '.git'))) return false;
  try {
    accessSync(root, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Where state goes for this process: `$WRT_CACHE_DIR`, else a writable checkout, else the user cache. */
export function stateLocation(env: NodeJS.ProcessEnv = process.env, root: string = packageRoot()): StateLocation {
  const explicit = env[CACHE_DIR_ENV];
  if ((explicit === undefined || explicit === '') && isWritableCheckout(root)) {
    return { mode: 'checkout', root, why: 'a git checkout' };
  }
  const cache = userCacheDir(env, env.HOME !== undefined && env.HOME !== '' ? env.HOME : homedir());
  return { mode: 'user-cache', root: cache.dir, why: cache.why };
}

/** The folder of one kind of state (not created). */
export function stateDir(kind: StateKind, env: NodeJS.ProcessEnv = process.env, root: string = packageRoot()): string {
  const location = stateLocation(env, root);
  return location.mode === 'checkout' ? join(location.root, ...CHECKOUT_FOLDERS[kind]) : join(location.root, kind);
}

/** The folder of one kind of state, created if missing; an unwritable cache is CACHE_DIR_UNWRITABLE (exit 3). */
export function ensureStateDir(kind: StateKind, env: NodeJS.ProcessEnv = process.env, root: string = packageRoot()): string {
  const dir = stateDir(kind, env, root);
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (error) {
    const location = stateLocation(env, root);
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new WrtError(
      'CACHE_DIR_UNWRITABLE',
      `cannot write the ${kind} cache at ${dir} (${reason}); it is under ${location.why}`,
      { file: dir, limit: `set ${CACHE_DIR_ENV} to a folder this user may write` },
      { cause: error },
    );
  }
  return dir;
}
