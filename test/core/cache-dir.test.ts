/**
 * Where written state goes (ts/core/cache-dir.ts): a writable git checkout keeps it in build/ and
 * .cache/; an install uses $WRT_CACHE_DIR, else $XDG_CACHE_HOME/wrt-target, else ~/.cache/wrt-target.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureStateDir, isWritableCheckout, stateDir, stateLocation, userCacheDir } from '../../ts/core/cache-dir.js';
import { packageRoot } from '../../ts/core/paths.js';
import { thrown } from '../support/wrt-error.js';

const scratch = mkdtempSync(join(tmpdir(), 'wrt-cache-dir-'));
afterAll(() => {
  chmodSync(scratch, 0o755);
  rmSync(scratch, { recursive: true, force: true });
});

/** A package root: a plain folder (an install), or one with .git (a checkout, as a worktree's .git file). */
function packageFolder(name: string, checkout: boolean): string {
  const dir = join(scratch, name);
  mkdirSync(dir);
  if (checkout) writeFileSync(join(dir, '.git'), 'gitdir: /elsewhere\n');
  return dir;
}

describe('the user cache directory', () => {
  it('is $WRT_CACHE_DIR, else $XDG_CACHE_HOME/wrt-target, else ~/.cache/wrt-target', () => {
    expect(userCacheDir({ WRT_CACHE_DIR: '/c', XDG_CACHE_HOME: '/x' }, '/home/u')).toEqual({ dir: '/c', why: '$WRT_CACHE_DIR' });
    expect(userCacheDir({ XDG_CACHE_HOME: '/x' }, '/home/u')).toEqual({ dir: '/x/wrt-target', why: '$XDG_CACHE_HOME/wrt-target' });
    expect(userCacheDir({}, '/home/u')).toEqual({ dir: '/home/u/.cache/wrt-target', why: '~/.cache/wrt-target' });
  });

  it('ignores an empty $WRT_CACHE_DIR and a relative $XDG_CACHE_HOME, as the XDG spec asks', () => {
    expect(userCacheDir({ WRT_CACHE_DIR: '', XDG_CACHE_HOME: 'relative' }, '/home/u').dir).toBe('/home/u/.cache/wrt-target');
  });
});

describe('where state goes', () => {
  it('stays in a writable checkout: build/ and .cache/', () => {
    const checkout = packageFolder('checkout', true);
    expect(isWritableCheckout(checkout)).toBe(true);
    const env = { HOME: '/home/u' };
    expect(stateLocation(env, checkout).mode).toBe('checkout');
    expect(stateDir('build', env, checkout)).toBe(join(checkout, 'build'));
    expect(stateDir('hil', env, checkout)).toBe(join(checkout, '.cache', 'hil'));
    expect(stateDir('wasm-testsuite', env, checkout)).toBe(join(checkout, '.cache', 'wasm-testsuite'));
  });

  it('goes to the user cache from an install, or when $WRT_CACHE_DIR is set', () => {
    const install = packageFolder('install', false);
    const env = { HOME: '/home/u', XDG_CACHE_HOME: '/x' };
    expect(stateLocation(env, install)).toEqual({ mode: 'user-cache', root: '/x/wrt-target', why: '$XDG_CACHE_HOME/wrt-target' });
    expect(stateDir('build', env, install)).toBe('/x/wrt-target/build');
    expect(stateDir('hil', env, install)).toBe('/x/wrt-target/hil');
    const checkout = packageFolder('checkout-with-env', true);
    expect(stateDir('build', { ...env, WRT_CACHE_DIR: '/c' }, checkout)).toBe('/c/build');
  });

  it('goes to the user cache from a checkout this user may not write', (ctx) => {
    ctx.skip(process.getuid?.() === 0, 'root may write any folder: a read-only checkout exists only for other users');
    const readOnly = packageFolder('read-only-checkout', true);
    chmodSync(readOnly, 0o555);
    expect(stateLocation({ HOME: '/home/u' }, readOnly).mode).toBe('user-cache');
  });

  it('creates the folder, and names the variable to set when it cannot', () => {
    const install = packageFolder('install-create', false);
    const cache = join(scratch, 'made');
    expect(ensureStateDir('hil', { WRT_CACHE_DIR: cache }, install)).toBe(join(cache, 'hil'));
    const blocker = join(scratch, 'a-file');
    writeFileSync(blocker, '');
    const error = thrown(() => ensureStateDir('build', { WRT_CACHE_DIR: join(blocker, 'cache') }, install));
    expect(error.code).toBe('CACHE_DIR_UNWRITABLE');
    expect(error.exitCode).toBe(3);
    expect(error.message).toBe(`cannot write the build cache at ${join(blocker, 'cache', 'build')} (ENOTDIR); it is under $WRT_CACHE_DIR`);
    expect(error.location.limit).toBe('set WRT_CACHE_DIR to a folder this user may write');
  });

  it('treats this worktree as a checkout', () => {
    expect(stateLocation({ HOME: '/home/u' }).mode).toBe('checkout');
    expect(stateDir('build', { HOME: '/home/u' })).toBe(join(packageRoot(), 'build'));
  });
});
