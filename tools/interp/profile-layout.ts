/**
 * What the profile sets in the device interpreter (native/interp/wrt_api.h): the arena layout,
 * the fuel per invocation and each import's call budget. native-sim and firmware map the binary
 * profile the same way (native/profile/wrt_profile.h: wrt_profile_layout).
 */
import type { InterpLayout } from './runtime.js';
import { PAGE_BYTES } from '../../ts/wasm/types.js';
import type { Profile } from '../../ts/profile/types.js';

function region(profile: Profile, name: string): number {
  return profile.arena.regions.find((r) => r.name === name)?.bytes ?? 0;
}

export function interpLayoutOf(profile: Profile): InterpLayout {
  // A truncated memory is a byte bound (wrt_layout.memory_bytes_limit); otherwise whole pages.
  const truncated = profile.memory.truncated;
  const pages = truncated ? 0 : Math.ceil(profile.memory.bytes / PAGE_BYTES);
  return {
    metaBytes: region(profile, 'meta'),
    codeBytes: region(profile, 'code'),
    controlBytes: region(profile, 'control'),
    stackSlots: profile.stack.valueSlots,
    callDepth: profile.stack.callDepth,
    memoryPages: pages,
    memoryPagesMax: pages,
    tableElements: profile.tables.elements,
    tableElementsMax: profile.tables.elementsMax,
    globalSlots: profile.globals.slots,
    memoryBytesLimit: truncated ? profile.memory.bytes : 0,
    traceEntries: profile.debugBudget?.traceEntries ?? 0,
    breakpoints: profile.debugBudget?.breakpoints ?? 0,
  };
}

/** wrt_set_fuel's argument: undefined = unlimited. */
export function fuelOf(profile: Profile): bigint | undefined {
  return profile.fuel === null ? undefined : BigInt(profile.fuel);
}
