/**
 * The hardware CFI a firmware image carries, read from its ELF (build attributes and the PACBTI
 * instructions of its code, ts/cfi/file-report.ts), so that what a target's profile and deploy
 * rely on is what the flashed image holds, not what its YAML claims. The reading is at the edge
 * (readFirmwareCfi); turning marks into profile facts is pure (firmwareCfiFacts).
 */
import type { FeatureState, HardwareCfiFeature } from '../profile/types.js';
import type { TargetDefinition } from '../targets/types.js';
import type { FileMark, MarkState } from './file-report.js';

/** One firmware image's PAC and BTI marks. */
export interface FirmwareCfi {
  /** The ELF as shown to the user. */
  readonly file: string;
  readonly pac: { readonly state: MarkState; readonly detail: string };
  readonly bti: { readonly state: MarkState; readonly detail: string };
}

/** The hardware CFI features a target's firmware must carry: PAC and BTI on a pacbti target. */
export function requiredFirmwareCfi(def: TargetDefinition): readonly HardwareCfiFeature[] {
  return def.features.hardwareCfi === 'pacbti' ? ['pac', 'bti'] : [];
}

function markOf(marks: readonly FileMark[], feature: 'pac' | 'bti'): FirmwareCfi['pac'] {
  const mark = marks.find((m) => m.feature === feature);
  return mark === undefined ? { state: 'unknown', detail: 'no mark is defined for this machine' } : { state: mark.state, detail: mark.detail };
}

/** Reads the marks of the image at `file` (shown as `shownAs`). */
export async function readFirmwareCfi(file: string, cwd: string, shownAs: string = file): Promise<FirmwareCfi> {
  const { readFileReport } = await import('./gather.js');
  const report = await readFileReport(file, cwd, shownAs);
  return { file: shownAs, pac: markOf(report.marks, 'pac'), bti: markOf(report.marks, 'bti') };
}

function featureState(state: MarkState): FeatureState {
  return state === 'present' ? 'yes' : state === 'unknown' ? 'unknown' : 'no';
}

/**
 * The profile's view of a target's hardware CFI from its firmware: a feature is there when the
 * image carries its mark. `firmware` null: no image to read (its state unknown, `missing` says why).
 */
export function firmwareCfiFacts(
  def: TargetDefinition,
  firmware: FirmwareCfi | null,
  missing: string,
): { readonly features: Readonly<Record<HardwareCfiFeature, FeatureState>>; readonly source: string; readonly required: readonly HardwareCfiFeature[] } {
  const required = requiredFirmwareCfi(def);
  const none: Record<HardwareCfiFeature, FeatureState> = { shstk: 'no', ibt: 'no', pac: 'no', bti: 'no' };
  const claimed = `target ${def.id}: features.hardwareCfi ${def.features.hardwareCfi}`;
  if (firmware === null) return { features: { ...none, pac: 'unknown', bti: 'unknown' }, source: `${claimed}; ${missing}`, required };
  // A core without the extension runs the hint-space instructions as NOPs: said, not hidden.
  const enforced = def.cpu.pacbti ? `${def.cpu.core} enforces them` : `${def.cpu.core} has no PACBTI and runs them as NOPs`;
  return {
    features: { ...none, pac: featureState(firmware.pac.state), bti: featureState(firmware.bti.state) },
    source: `${claimed}; firmware ${firmware.file}: PAC ${firmware.pac.state}, BTI ${firmware.bti.state} (${enforced})`,
    required,
  };
}
