import { describe, expect, it } from 'vitest';
import { WrtError } from '../../ts/core/errors.js';
import {
  CAPACITY_FIELDS,
  CAPACITY_PRESETS,
  CAPACITY_PRESET_NAMES,
  type CapacityField,
  capacityPreset,
} from '../../ts/foundation/capacity-presets.js';

describe('capacity presets', () => {
  it('hold the documented values', () => {
    expect(CAPACITY_PRESETS.small.limits).toEqual({
      types: 32,
      functions: 128,
      imports: 32,
      exports: 32,
      globals: 32,
      tables: 1,
      elementSegments: 4,
      dataSegments: 8,
      localsPerFunction: 64,
      operandStackSlots: 512,
      controlDepth: 32,
      callDepth: 64,
      components: 1,
      componentInstances: 2,
      resources: 16,
      stringBytes: 32,
    });
    expect(CAPACITY_PRESETS.medium.limits.functions).toBe(2048);
    expect(CAPACITY_PRESETS.medium.limits.operandStackSlots).toBe(8192);
    // The host preset accepts what the WebAssembly JS embedding limits accept.
    expect(CAPACITY_PRESETS.large.limits.types).toBe(1_000_000);
    expect(CAPACITY_PRESETS.large.limits.imports).toBe(1_000_000);
    expect(CAPACITY_PRESETS.large.limits.dataSegments).toBe(100_000);
    expect(CAPACITY_PRESETS.large.limits.localsPerFunction).toBe(50_000);
    expect(CAPACITY_PRESETS.large.limits.stringBytes).toBe(100_000);
  });

  it('grow from small to large in every field, and every field is described', () => {
    const fields = Object.keys(CAPACITY_FIELDS) as CapacityField[];
    expect(fields.sort()).toEqual(Object.keys(CAPACITY_PRESETS.small.limits).sort());
    for (const field of fields) {
      const { small, medium, large } = CAPACITY_PRESETS;
      expect(small.limits[field], field).toBeGreaterThan(0);
      expect(medium.limits[field], field).toBeGreaterThanOrEqual(small.limits[field]);
      expect(large.limits[field], field).toBeGreaterThanOrEqual(medium.limits[field]);
      expect(CAPACITY_FIELDS[field].rationale.length, field).toBeGreaterThan(20);
    }
    // Locals live on the operand stack, so a function's locals must fit it.
    for (const name of CAPACITY_PRESET_NAMES) {
      const limits = CAPACITY_PRESETS[name].limits;
      expect(limits.localsPerFunction).toBeLessThan(limits.operandStackSlots);
    }
  });

  it('keeps the small preset operand stack and frames within a few KiB', () => {
    const small = CAPACITY_PRESETS.small.limits;
    expect(small.operandStackSlots * 8).toBe(4096);
    expect(CAPACITY_PRESETS.small.title).toBe('MCU (~64 KiB RAM)');
  });

  it('looks presets up by name and names the source of a bad one', () => {
    expect(capacityPreset(' Medium ', 'cli --preset').name).toBe('medium');
    try {
      capacityPreset('tiny', 'cli --preset');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(WrtError);
      if (!(error instanceof WrtError)) return;
      expect(error.code).toBe('VALUE_INVALID');
      expect(error.location.source).toBe('cli --preset');
      expect(error.message).toContain('"tiny"');
    }
  });
});
