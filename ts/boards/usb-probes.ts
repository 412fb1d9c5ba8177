/**
 * Debug probes known by their USB vendor and product ids, and the targets a probe suggests. Pure.
 *
 * ST-LINK: V2 0483:3748, V2-1 (Nucleo-64/144, Discovery) 0483:374b, V3 0483:374e/374f/3753.
 * CMSIS-DAP/Picoprobe (Raspberry Pi debug probe firmware) 2e8a:000c. SEGGER J-Link (and J-Link OB
 * on Nordic DKs) 1366:any. A probe's guess is the board targets of the vendor whose boards carry it
 * (targets/*.yaml `vendor`), so a new definition is guessed without a change here.
 */
import type { TargetDefinition } from '../targets/types.js';

export interface KnownProbe {
  readonly vendorId: string;
  /** null: any product of the vendor. */
  readonly productId: string | null;
  readonly name: string;
  /** The target vendors whose boards carry this probe on board. */
  readonly boardVendors: readonly string[];
}

export const KNOWN_PROBES: readonly KnownProbe[] = [
  { vendorId: '0483', productId: '3748', name: 'ST-LINK/V2', boardVendors: ['STMicroelectronics'] },
  { vendorId: '0483', productId: '374b', name: 'ST-LINK/V2-1', boardVendors: ['STMicroelectronics'] },
  { vendorId: '0483', productId: '374e', name: 'ST-LINK/V3', boardVendors: ['STMicroelectronics'] },
  { vendorId: '0483', productId: '374f', name: 'ST-LINK/V3', boardVendors: ['STMicroelectronics'] },
  { vendorId: '0483', productId: '3753', name: 'ST-LINK/V3 (dual VCP)', boardVendors: ['STMicroelectronics'] },
  { vendorId: '2e8a', productId: '000c', name: 'CMSIS-DAP (Raspberry Pi Debug Probe / Picoprobe)', boardVendors: ['Raspberry Pi'] },
  { vendorId: '1366', productId: null, name: 'SEGGER J-Link', boardVendors: ['Nordic Semiconductor'] },
];

/** The probe a USB id names (ids as lowercase hex, 4 digits), or undefined. */
export function knownProbe(vendorId: string, productId: string): KnownProbe | undefined {
  const vid = vendorId.toLowerCase();
  const pid = productId.toLowerCase();
  return KNOWN_PROBES.find((probe) => probe.vendorId === vid && (probe.productId === null || probe.productId === pid));
}

/** Real boards a probe suggests, by the vendors of the definitions; first the one listed first. */
export function guessTargets(probe: KnownProbe, targets: readonly TargetDefinition[]): string[] {
  return targets.filter((def) => def.kind === 'board' && probe.boardVendors.includes(def.vendor)).map((def) => def.id);
}
