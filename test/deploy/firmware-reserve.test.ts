/**
 * The RAM a target definition reserves for the firmware is what the interpreter firmware really
 * uses: the profile compiler gives modules the rest, and the device refuses a profile whose arena
 * is larger than its own. A firmware change that moves the figure fails here, naming both numbers.
 */
import { describe, expect, it } from 'vitest';
import { loadTarget, targetLimits } from '../../ts/targets/index.js';
import { BOARDS, REAL_BOARDS, buildFirmware, parseSizeLine } from './firmware.js';

const ARENA_LINE = /^wrt-size target=(\S+) app=interp arena=(\d+)$/m;

describe('firmware reserve of the boards that build firmware', () => {
  for (const { board, target } of [...BOARDS, ...REAL_BOARDS]) {
    it(`${target}: firmwareReservedRamBytes equals the interpreter firmware's RAM, and module memory its arena`, () => {
      const { output } = buildFirmware(board, 'interp');
      const size = parseSizeLine(output);
      const arena = Number(ARENA_LINE.exec(output)?.[2]);
      const def = loadTarget(target);
      expect(def.memory.firmwareReserveBasis).toBe('measured');
      expect({ target, reserved: def.memory.firmwareReservedRamBytes }).toEqual({ target, reserved: size?.ram });
      expect(targetLimits(def).moduleMemoryBytes.value).toBe(arena);
      // The linker script is generated from the definition: the ELF's regions are its flash and the
      // RAM the firmware links into (its own region when one is marked, else the arena's).
      const ram = def.memory.ram ?? [];
      const firmwareRegion = ram.find((region) => region.firmware === true) ?? ram.find((region) => region.arena === true);
      expect({ flash: size?.flashTotal, ram: size?.ramTotal }).toEqual({ flash: def.memory.flash?.bytes, ram: firmwareRegion?.bytes });
    }, 240_000);
  }
});
