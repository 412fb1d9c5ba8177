import { describe, expect, it } from 'vitest';
import { WrtError } from '../../ts/core/errors.js';
import { wat2wasm } from '../../ts/testsuite/wat.js';
import { validateWasm } from '../../ts/wasm/validate.js';

// The host validator's multi-memory option (docs/validator.md): on for the core modules of
// components, off for plain core modules.

const TWO = wat2wasm(
  `(module
    (memory $a 1) (memory $b 1)
    (data (memory $b) (i32.const 0) "x")
    (func (export "f") (param i32) (result i32)
      (i32.store8 $b (local.get 0) (i32.load8_u $a (local.get 0)))
      (memory.copy $a $b (i32.const 0) (i32.const 0) (i32.const 1))
      (memory.fill $b (i32.const 0) (i32.const 0) (i32.const 1))
      (drop (memory.grow $b (i32.const 1)))
      (memory.size $b))
    (export "b" (memory $b)))`,
  ['--enable-multi-memory'],
);

function refusal(run: () => unknown): WrtError {
  try {
    run();
  } catch (error) {
    if (error instanceof WrtError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('multi-memory in the host validator', () => {
  it('accepts two memories and memory indices with the option, reporting both memories', () => {
    const report = validateWasm(TWO, { multiMemory: true });
    expect(report.memories.length).toBe(2);
    expect(report.exports.find((e) => e.name === 'b')?.index).toBe(1);
  });

  it('refuses the same module without the option: WebAssembly 2.0 has one memory', () => {
    const error = refusal(() => validateWasm(TWO));
    expect(error.code).toBe('WASM_INVALID');
    expect(error.message).toContain('multiple memories');
  });

  it('refuses a memory index past the module\'s memories at the instruction\'s byte offset', () => {
    // One memory; i32.load with alignment field 0x42 (bit 6: a memory index follows), memory 1.
    const bytes = Uint8Array.from([
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
      0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f,
      0x03, 0x02, 0x01, 0x00,
      0x05, 0x03, 0x01, 0x00, 0x01,
      0x0a, 0x0a, 0x01, 0x08, 0x00, 0x41, 0x00, 0x28, 0x42, 0x01, 0x00, 0x0b,
    ]);
    const error = refusal(() => validateWasm(bytes, { multiMemory: true }));
    expect(error.code).toBe('WASM_INVALID');
    expect(error.message).toContain('unknown memory 1: the module has 1 memories');
    expect(error.location.offset).toBe(bytes.indexOf(0x28, 28));
    // Without the option the same bytes are an alignment of 2^66: invalid as 2.0 says.
    expect(refusal(() => validateWasm(bytes)).message).toContain('alignment must not be larger than natural');
  });
});
