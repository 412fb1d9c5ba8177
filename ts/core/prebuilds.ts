/**
 * Binaries built before packing (`npm run prebuild`), so an installed package needs no compiler:
 *
 *   prebuilds/<platform>-<arch>/wrt_probe.napi.glibc.node   the addon; node-gyp-build finds it
 *   prebuilds/<platform>-<arch>/native-sim                  the host interpreter for `run`
 *   prebuilds/firmware/<board>/<app>.elf                    interpreter firmware (host-independent)
 *
 * The first two follow prebuildify's layout and tags, which node-gyp-build reads (napi: any Node
 * with N-API 8; glibc: skipped on musl). A local build wins over every one of them.
 */
import { join } from 'node:path';
import { packageRoot } from './paths.js';

export const PREBUILDS_DIR = 'prebuilds';

/** The addon's file name inside prebuilds/<platform>-<arch>/. */
export const PREBUILT_ADDON_FILE = 'wrt_probe.napi.glibc.node';

/** node-gyp-build's folder name for a platform and architecture. */
export function prebuildTuple(platform: string = process.platform, arch: string = process.arch): string {
  return `${platform}-${arch}`;
}

export function prebuiltAddonPath(tuple: string = prebuildTuple(), root: string = packageRoot()): string {
  return join(root, PREBUILDS_DIR, tuple, PREBUILT_ADDON_FILE);
}

export function prebuiltNativeSimPath(tuple: string = prebuildTuple(), root: string = packageRoot()): string {
  return join(root, PREBUILDS_DIR, tuple, 'native-sim');
}

export function prebuiltFirmwarePath(board: string, app: string, root: string = packageRoot()): string {
  return join(root, PREBUILDS_DIR, 'firmware', board, `${app}.elf`);
}
