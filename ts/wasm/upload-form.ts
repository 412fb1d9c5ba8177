/**
 * What of a module travels to a device. The interpreter reads no custom section (its decoder skips
 * them), so `.debug_*` (often most of a C program's bytes), `name`, `producers`, `target_features`
 * and `wrt.profile` (the profile travels in UPLOAD_BEGIN) are stripped before upload, unless the
 * profile's debug level keeps them for on-device debugging: `basic` keeps `name`, `full` keeps
 * `name`, the DWARF sections and `sourceMappingURL`. The host keeps the whole module, so a trap is
 * still named from the original name section.
 *
 * The profile binds to the module's SHA-256 without any custom section (docs/profile.md), so the
 * same profile holds for the stripped and the whole module, and the device checks it on exactly
 * the bytes it received.
 *
 * A signed module (a `signature` section first, docs/signing.md) travels whole: its signature
 * covers every byte after that section, custom sections included, and a device that holds a key
 * verifies exactly those bytes. To upload less, strip before signing.
 */
import type { DebugLevel } from '../limits/types.js';
import { SIGNATURE_SECTION } from '../signing/format.js';
import { keepSections, moduleSections, type SectionSpan } from './sections.js';

export interface UploadForm {
  readonly bytes: Uint8Array;
  /** Custom sections left behind, by name, with their size in bytes (the whole section). */
  readonly stripped: ReadonlyArray<{ readonly name: string; readonly bytes: number }>;
}

function keptAt(level: DebugLevel, name: string): boolean {
  if (level === 'none') return false;
  if (name === 'name') return true;
  return level === 'full' && (name.startsWith('.debug_') || name === 'sourceMappingURL' || name === 'external_debug_info');
}

/** The bytes a device is sent for `module` under a profile of this debug level. */
export function uploadForm(module: Uint8Array, debug: DebugLevel, file?: string): UploadForm {
  if (moduleSections(module, file)[0]?.customName === SIGNATURE_SECTION) return { bytes: module, stripped: [] };
  const stripped: Array<{ name: string; bytes: number }> = [];
  const keep = (span: SectionSpan): boolean => {
    if (span.customName === null || keptAt(debug, span.customName)) return true;
    stripped.push({ name: span.customName, bytes: span.end - span.start });
    return false;
  };
  const bytes = keepSections(module, keep, file);
  return { bytes, stripped };
}
