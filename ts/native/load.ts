import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { isWritableCheckout } from '../core/cache-dir.js';
import { packageRoot } from '../core/paths.js';
import { prebuiltAddonPath } from '../core/prebuilds.js';
import type { NativeFacts } from './facts.js';

/** The addon's export surface: one synchronous call, cheap enough for every `probe`. */
export interface NativeAddon {
  gatherFacts(): NativeFacts;
}

export type AddonLoad =
  | { readonly loaded: true; readonly addon: NativeAddon; readonly path: string }
  | { readonly loaded: false; readonly reason: string };

let cached: AddonLoad | undefined;

/**
 * What a failed load means for the user: the problem (which names the file), what the facts the
 * addon gives fall back to, and how to get it (a checkout builds it; an install ships it or rebuilds it).
 */
export function addonMissingNote(problem: string, checkout: boolean = isWritableCheckout(packageRoot())): string {
  const remedy = checkout
    ? 'run `npm run build:addon`'
    : 'reinstall wrt-target, or run `npm rebuild wrt-target` where make and g++ are installed (Debian packages make g++)';
  return `native addon not loadable (${problem}); CPUID, auxv and getrlimit facts are unknown, the rest comes from /proc and /sys; ${remedy}`;
}

/** The file a checkout builds, or the one an install ships for this platform. */
export function expectedAddonPath(root: string = packageRoot(), checkout: boolean = isWritableCheckout(root)): string {
  return checkout ? join(root, 'build', 'Release', 'wrt_probe.node') : prebuiltAddonPath(undefined, root);
}

function firstLine(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0] ?? error.message : String(error);
}

/** The addon at `path`, or why it does not load there (dlopen's refusal, or no gatherFacts export). */
function loadAt(require: NodeJS.Require, path: string): AddonLoad {
  try {
    const addon = require(path) as NativeAddon;
    return typeof addon.gatherFacts === 'function'
      ? { loaded: true, addon, path }
      : { loaded: false, reason: addonMissingNote(`${path} has no gatherFacts export`) };
  } catch (error) {
    // dlopen's message starts with the file's path.
    const reason = firstLine(error);
    return { loaded: false, reason: addonMissingNote(reason.startsWith(path) ? reason : `${path}: ${reason}`) };
  }
}

/** The addon from a file node-gyp-build would find first, or undefined (not there, or it does not load). */
function loadDirect(require: NodeJS.Require, path: string): AddonLoad | undefined {
  if (!existsSync(path)) return undefined;
  const load = loadAt(require, path);
  return load.loaded ? load : undefined;
}

/**
 * Loads the addon once. node-gyp-build prefers a local build (build/Release) and falls back to
 * prebuilds/; a missing or unloadable addon (not a shared object, another architecture or ABI) is
 * not fatal: callers report the facts it would give as unknown, with addonMissingNote. The two
 * files it would find first are tried directly before it: loading node-gyp-build and letting it
 * search costs about 2 ms of every `run` and `probe`, and it is only needed when neither loads
 * (its answer then explains why) or when $WRT_TARGET_PREBUILD points it at another folder.
 */
export function loadAddon(): AddonLoad {
  if (cached !== undefined) return cached;
  const require = createRequire(import.meta.url);
  const root = packageRoot();
  const redirected = (process.env.WRT_TARGET_PREBUILD ?? '') !== '';
  if (!redirected) {
    cached = loadDirect(require, join(root, 'build', 'Release', 'wrt_probe.node')) ?? loadDirect(require, prebuiltAddonPath(undefined, root));
    if (cached !== undefined) return cached;
  }
  let path: string;
  try {
    const load = require('node-gyp-build') as { resolve(dir: string): string };
    path = load.resolve(root);
  } catch (error) {
    cached = { loaded: false, reason: addonMissingNote(`${expectedAddonPath(root)} is missing: ${firstLine(error)}`) };
    return cached;
  }
  cached = loadAt(require, path);
  return cached;
}
