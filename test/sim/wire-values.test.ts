import { describe, expect, it } from 'vitest';
import type { AssertModuleCommand, AssertTrapCommand } from '../../ts/testsuite/commands.js';
import { actionFailure, instantiationAssertionFailure, loadAssertionFailure } from '../../ts/testsuite/expectations.js';
import { resultSlot, wireArgument } from '../../ts/testsuite/wire-values.js';
import { expectWrtError } from '../support/wrt-error.js';

/** The protocol harness's value conversions and the judgements both harnesses share. */
describe('spec values on the wire', () => {
  it('turns script arguments into wire values with their exact bits', () => {
    expect(wireArgument({ type: 'i32', value: '4294967295' })).toEqual({ type: 'i32', value: -1 });
    expect(wireArgument({ type: 'i64', value: '18446744073709551615' })).toEqual({ type: 'i64', value: -1n });
    expect(wireArgument({ type: 'f32', value: '2143289345' })).toEqual({ type: 'f32', bits: 0x7fc00001 });
    expect(wireArgument({ type: 'f64', value: '9221120237041090561' })).toEqual({ type: 'f64', bits: 0x7ff8000000000001n });
    expect(wireArgument({ type: 'externref', value: '0' })).toEqual({ type: 'externref', index: 0 });
    expect(wireArgument({ type: 'externref', value: 'null' })).toEqual({ type: 'externref', index: null });
    expect(wireArgument({ type: 'funcref', value: 'null' })).toEqual({ type: 'funcref', index: null });
    expectWrtError(() => wireArgument({ type: 'externref', value: '4294967295' }), 'VALUE_INVALID', { field: 'externref' });
    expectWrtError(() => wireArgument({ type: 'v128', lane_type: 'i32', value: ['0', '0', '0', '0'] }), 'VALUE_INVALID', {
      field: 'v128',
    });
  });

  it('turns wire results into the core slots the judgements compare', () => {
    expect(resultSlot({ type: 'i32', value: -1 })).toBe(0xffff_ffffn);
    expect(resultSlot({ type: 'i64', value: -2n })).toBe(0xffff_ffff_ffff_fffen);
    expect(resultSlot({ type: 'f32', bits: 0x7fc00000 })).toBe(0x7fc00000n);
    expect(resultSlot({ type: 'externref', index: 0 })).toBe(1n);
    expect(resultSlot({ type: 'externref', index: null })).toBe(0n);
    expect(resultSlot({ type: 'funcref', index: 0 })).toBe(1n);
    expect(resultSlot({ type: 'funcref', index: null })).toBe(0n);
  });
});

describe('shared judgements', () => {
  const trap: AssertTrapCommand = {
    type: 'assert_trap',
    line: 7,
    action: { type: 'invoke', field: 'f', args: [] },
    text: 'uninitialized element 2',
    expected: [],
  };

  it('matches trap texts by the message prefix and exhaustion by kind', () => {
    expect(actionFailure(trap, { kind: 'trap', trap: { kind: 'indirect_null', message: 'uninitialized element' } })).toBeUndefined();
    expect(actionFailure(trap, { kind: 'trap', trap: { kind: 'unreachable', message: 'unreachable' } })).toBe(
      'trapped "unreachable"; expected "uninitialized element 2"',
    );
    expect(actionFailure(trap, { kind: 'results', results: [] })).toBe('returned; expected trap "uninitialized element 2"');
    const exhaustion: AssertTrapCommand = { ...trap, type: 'assert_exhaustion', text: 'call stack exhausted' };
    expect(actionFailure(exhaustion, { kind: 'trap', trap: { kind: 'value_stack_exhausted', message: 'value stack exhausted' } })).toBeUndefined();
    expect(actionFailure(exhaustion, { kind: 'error', reason: 'device ENGINE_FAILED' })).toBe('device ENGINE_FAILED');
  });

  it('judges module assertions by the error kind', () => {
    const invalid: AssertModuleCommand = { type: 'assert_invalid', line: 3, filename: 'm.wasm', text: 'type mismatch', module_type: 'binary' };
    expect(loadAssertionFailure(invalid, { kind: 'invalid', message: 'x' })).toBeUndefined();
    expect(loadAssertionFailure(invalid, { kind: 'malformed', message: 'bad' })).toBe('malformed (bad); expected invalid: type mismatch');
    expect(loadAssertionFailure(invalid, undefined)).toBe('module loaded; expected invalid: type mismatch');
    const unlinkable: AssertModuleCommand = { ...invalid, type: 'assert_unlinkable', text: 'unknown import' };
    expect(instantiationAssertionFailure(unlinkable, { kind: 'link', message: 'x' })).toBeUndefined();
    expect(instantiationAssertionFailure(unlinkable, undefined)).toBe('instantiated; expected link failure: unknown import');
  });
});
