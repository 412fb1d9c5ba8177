import { createRequire } from 'node:module';
import { packageRoot } from '../core/paths.js';
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
 * Loads the addon once. node-gyp-build prefers a local build (build/Release) and falls back to
 * prebuilds/; a missing addon is not fatal: callers report the facts it would give as unknown.
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
      cached = { loaded: false, reason: `addon at ${path} has no gatherFacts export` };
    } else {
      cached = { loaded: true, addon, path };
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] ?? error.message : String(error);
    cached = { loaded: false, reason: `native addon not loadable (run \`npm run build:addon\`): ${reason}` };
  }
  return cached;
}
