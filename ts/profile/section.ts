/**
 * The `wrt.profile` custom section: one file carries module and profile. The module hash in the
 * profile is the SHA-256 of the module without any custom section (header and the standard
 * sections in order), so embedding a profile, stripping debug info for upload, or a linker's
 * `producers` section does not change what the profile binds to; the device computes it the same
 * way over the bytes it received (native/profile/wrt_profile_module.c).
 */
import { createHash } from 'node:crypto';
import { customSectionPayload, encodeCustomSection, keepSections } from '../wasm/sections.js';

export const PROFILE_SECTION = 'wrt.profile';

/** The module with every wrt.profile section removed. */
export function stripProfileSection(bytes: Uint8Array, file?: string): Uint8Array {
  return keepSections(bytes, (s) => s.customName !== PROFILE_SECTION, file);
}

/** The payload of the (last) wrt.profile section, or null. */
export function findProfileSection(bytes: Uint8Array, file?: string): Uint8Array | null {
  return customSectionPayload(bytes, PROFILE_SECTION, file);
}

/** The module (any old profile section removed) with the profile appended as the last section. */
export function embedProfile(module: Uint8Array, profile: Uint8Array, file?: string): Uint8Array {
  return Uint8Array.from(Buffer.concat([stripProfileSection(module, file), encodeCustomSection(PROFILE_SECTION, profile)]));
}

/** SHA-256 (hex) of the module without its custom sections: what a profile binds to. */
export function moduleSha256(bytes: Uint8Array, file?: string): string {
  return createHash('sha256')
    .update(keepSections(bytes, (s) => s.customName === null, file))
    .digest('hex');
}
