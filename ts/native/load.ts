import { createRequire } from 'node:module';
import { join } from 'node:path';
import { isWritableCheckout } from '../core/cache-dir.js';
import { packageRoot } from '../core/paths.js';
import { prebuiltAddonPath } from '../core/prebuilds.js';
import type { NativeFacts } from './facts.js';

/** The addon's export surface: one synchronous call, cheap enough for every `probe`. */
interface NativeAddon {
  gatherFacts(): NativeFacts;
}

export type AddonLoad =
  | { readonly loaded: true; readonly addon: NativeAddon; readonly path: string }
  | { readonly loaded: false; readonly reason: string };

let cached: AddonLoad | undefined;

/**
 * What a failed load means for the user: the file that was looked for, what the facts it gives
 * fall back to, and how to get it (a checkout builds it; an install ships it or rebuilds it).
 */
export function addonMissingNote(reason: string, root: string = packageRoot(), checkout: boolean = isWritableCheckout(root)): string {
  const expected = checkout ? join(root, 'build', 'Release', 'wrt_probe.node') : prebuiltAddonPath(undefined, root);
  const remedy = checkout
    ? 'run `npm run build:addon`'
    : 'reinstall wrt-target, or run `npm rebuild wrt-target` where make and g++ are installed (Debian packages make g++)';
  return `native addon not loadable (${expected}: ${reason}); CPUID, auxv and getrlimit facts are unknown, the rest comes from /proc and /sys; ${remedy}`;
}

/**
 * Loads the addon once. node-gyp-build prefers a local build (build/Release) and falls back to
 * prebuilds/; a missing or unloadable addon (wrong ABI or architecture) is not fatal: callers report
 * the facts it would give as unknown, with addonMissingNote.
 */
export function loadAddon(): AddonLoad {
  if (cached !== undefined) return cached;
  const require = createRequire(import.meta.url);
  const root = packageRoot();
  try {
    const load = require('node-gyp-build') as { (dir: string): unknown; resolve(dir: string): string };
    const path = load.resolve(root);
    const addon = require(path) as NativeAddon;
    if (typeof addon.gatherFacts !== 'function') {
      cached = { loaded: false, reason: addonMissingNote(`${path} has no gatherFacts export`, root) };
    } else {
      cached = { loaded: true, addon, path };
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] ?? error.message : String(error);
    cached = { loaded: false, reason: addonMissingNote(reason, root) };
  }
  return cached;
}
