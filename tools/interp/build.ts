import { execFileSync } from 'node:child_process';
import { mkdirSync, rmdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { WrtError } from '../../ts/core/errors.js';
import { packageRoot } from '../../ts/core/paths.js';
import type { InterpVariant } from './ffi.js';

const MAKE_TARGET: Record<InterpVariant, string> = {
  interp: 'all',
  'interp-asan': 'asan',
  'interp-portable': 'portable',
  'interp-small': 'small',
};

const LOCK_STALE_MS = 10 * 60 * 1000;
const LOCK_WAIT_MS = 100;
const LOCK_TRIES = 6000;

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Runs `fn` holding a lock directory under build/: test files run in parallel processes and must
 * not run make on the same objects at once (here, and test/interp/freestanding.test.ts's make of
 * native/interp's other targets). A lock older than ten minutes is a crashed holder's.
 */
export function withBuildLock<T>(fn: () => T): T {
  const buildDir = resolve(packageRoot(), 'build');
  mkdirSync(buildDir, { recursive: true });
  const lock = resolve(buildDir, '.interp-build.lock');
  for (let attempt = 0; attempt < LOCK_TRIES; attempt += 1) {
    try {
      mkdirSync(lock);
      try {
        return fn();
      } finally {
        rmdirSync(lock);
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      try {
        if (Date.now() - statSync(lock).mtimeMs > LOCK_STALE_MS) rmdirSync(lock);
      } catch {
        // The holder released it meanwhile.
      }
      sleep(LOCK_WAIT_MS);
    }
  }
  throw new WrtError('INTERNAL', `could not take the build lock ${lock}`, { file: lock });
}

/**
 * Builds (or brings up to date) a variant of the interpreter library with make. Cheap when nothing
 * changed, so every test file calls it first. A missing compiler is an environment problem; a
 * compile error in the core is a defect.
 */
export function buildInterp(variant: InterpVariant = 'interp'): void {
  const dir = resolve(packageRoot(), 'native', 'interp');
  withBuildLock(() => {
    try {
      execFileSync('make', ['-s', '-C', dir, MAKE_TARGET[variant]], { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      const out = error as { stderr?: Buffer; stdout?: Buffer; code?: string };
      if (out.code === 'ENOENT') {
        throw new WrtError('TOOL_MISSING', 'make is not installed (Debian package make)', { field: 'make' });
      }
      const detail = `${out.stdout?.toString() ?? ''}${out.stderr?.toString() ?? ''}`.trim();
      const missingTool = /No such file or directory|not found/.test(detail) && !/\.[ch]:\d+/.test(detail);
      throw new WrtError(missingTool ? 'TOOL_MISSING' : 'INTERNAL', `building the interpreter (${variant}) failed: ${detail}`, {
        file: dir,
      });
    }
  });
}
