/**
 * The toolchain's copy of the interpreter's codes against the C sources they come from: the
 * enums of native/interp/wrt_trap.h, the message and name tables of wrt_trap.c and the engine's
 * profile refusal code. A code added, renumbered or reworded on one side only fails here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../ts/core/paths.js';
import {
  LOAD_ERRORS,
  PROFILE_REFUSED_LOAD_ERROR,
  SIGNATURE_REFUSALS,
  SIGNATURE_REFUSED_LOAD_ERROR,
  TRAPS,
  TRAP_EXIT,
  loadErrorName,
  loadErrorOf,
  trapMessage,
  trapName,
} from '../../ts/device/engine-codes.js';
import { DeviceError } from '../../ts/device/device-errors.js';
import { DeviceErrorCode } from '../../ts/device/protocol.js';

function source(path: string): string {
  return readFileSync(join(packageRoot(), path), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
}

/** `enum NAME { A = 0, B = 1 }` as [enumerator, value] pairs, in source order. */
function cEnum(text: string, name: string): Array<readonly [string, number]> {
  const body = new RegExp(`enum ${name}\\s*\\{([^}]*)\\}`).exec(text)?.[1];
  if (body === undefined) throw new Error(`enum ${name} not found`);
  return body
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const match = /^(\w+)\s*=\s*(\d+)$/.exec(entry);
      if (match === null) throw new Error(`enum ${name}: cannot read "${entry}"`);
      return [match[1] ?? '', Number(match[2])] as const;
    });
}

function cDefine(text: string, name: string): number {
  const value = new RegExp(`#define ${name} (\\d+)u?`).exec(text)?.[1];
  if (value === undefined) throw new Error(`#define ${name} not found`);
  return Number(value);
}

/** `static const char *const NAME[...] = { "a", "b" };` as its strings. */
function cStrings(text: string, name: string): string[] {
  const body = new RegExp(`${name}\\[[^\\]]*\\]\\s*=\\s*\\{([^}]*)\\}`).exec(text)?.[1];
  if (body === undefined) throw new Error(`string table ${name} not found`);
  return [...body.matchAll(/"([^"]*)"/g)].map((m) => m[1] ?? '');
}

function shortName(enumerator: string, prefix: RegExp): string {
  return enumerator.replace(prefix, '').toLowerCase();
}

const header = source('native/interp/wrt_trap.h');
const tables = source('native/interp/wrt_trap.c');

describe('engine codes (ts/device/engine-codes.ts) against native/interp', () => {
  it('has every trap of enum wrt_trap_code with its number, name and wrt_trap_message text', () => {
    const traps = cEnum(header, 'wrt_trap_code');
    expect(traps.length).toBe(cDefine(header, 'WRT_TRAP_CODE_COUNT'));
    expect(TRAPS.map((t) => [t.code, t.name])).toEqual(traps.map(([name, code]) => [code, shortName(name, /^WRT_(TRAP_)?/)]));
    expect(TRAPS.map((t) => t.message)).toEqual(cStrings(tables, 'trap_messages'));
    // The position is the code: lookups index by it.
    expect(TRAPS.every((t, i) => t.code === i)).toBe(true);
  });

  it('has every load error of enum wrt_error_code with its number and wrt_error_name text', () => {
    const errors = cEnum(header, 'wrt_error_code');
    expect(errors.length).toBe(cDefine(header, 'WRT_ERROR_CODE_COUNT'));
    expect(LOAD_ERRORS.map((e) => [e.code, e.name])).toEqual(errors.map(([name, code]) => [code, shortName(name, /^WRT_ERR_/)]));
    expect(LOAD_ERRORS.map((e) => e.name)).toEqual(cStrings(tables, 'error_names'));
    expect(LOAD_ERRORS.every((e, i) => e.code === i)).toBe(true);
  });

  it('has the engine adapter\'s profile refusal code, clear of the core\'s codes', () => {
    const code = cDefine(source('native/engine/wrt_engine_profile.h'), 'WRT_ENGINE_ERR_PROFILE');
    expect(PROFILE_REFUSED_LOAD_ERROR.code).toBe(code);
    expect(LOAD_ERRORS.some((e) => e.code === code)).toBe(false);
  });

  it('has the signature refusal code and its reasons (native/sig/wrt_sig.h, native/engine/wrt_engine_profile.h)', () => {
    const engine = source('native/engine/wrt_engine_profile.h');
    const code = cDefine(engine, 'WRT_ENGINE_ERR_SIGNATURE');
    expect(SIGNATURE_REFUSED_LOAD_ERROR.code).toBe(code);
    expect([...LOAD_ERRORS.map((e) => e.code), PROFILE_REFUSED_LOAD_ERROR.code]).not.toContain(code);
    const reasons = [
      ...cEnum(source('native/sig/wrt_sig.h'), 'wrt_sig_status').filter(([, n]) => n !== 0).map(([name, n]) => [n, shortName(name, /^WRT_SIG_/)] as const),
      ...cEnum(engine, 'wrt_engine_signature_refusal').map(([name, n]) => [n, shortName(name, /^WRT_ENGINE_SIGNATURE_/)] as const),
    ];
    expect(SIGNATURE_REFUSALS.map((r) => [r.code, r.name])).toEqual(reasons);
  });

  it('looks codes up, and says what an unknown one is', () => {
    expect(TRAP_EXIT).toBe(16);
    expect(trapName(11)).toBe('fuel_exhausted');
    expect(trapMessage(6)).toBe('uninitialized element');
    expect(trapName(200)).toBe('invoke_misuse');
    expect(trapMessage(200)).toBe('unknown trap 200');
    expect(loadErrorName(6)).toBe('link');
    expect(loadErrorName(64)).toBe('profile');
    expect(loadErrorName(9)).toBe('argument');
    expect(loadErrorOf(4)?.errorCode).toBe('BUDGET_EXCEEDED');
  });

  it('turns a LOAD_FAILED frame into the toolchain error of its engine code', () => {
    const refused = (detail: number): string =>
      new DeviceError({ code: DeviceErrorCode.LoadFailed, name: 'LOAD_FAILED', aboutType: 0, detail, limit: 0, message: 'm' }, 'test').code;
    expect(refused(1)).toBe('WASM_MALFORMED');
    expect(refused(6)).toBe('WASM_LINK_FAILED');
    expect(refused(64)).toBe('PROFILE_REFUSED');
    const signature = (limit: number): string =>
      new DeviceError({ code: DeviceErrorCode.LoadFailed, name: 'LOAD_FAILED', aboutType: 0, detail: 65, limit, message: 'm' }, 'test').code;
    expect([signature(1), signature(4), signature(17), signature(99)]).toEqual(['SIGNATURE_MISSING', 'SIGNATURE_INVALID', 'SIGNATURE_INVALID', 'SIGNATURE_INVALID']);
    expect(refused(8)).toBe('INTERNAL');
    expect(refused(40)).toBe('WASM_INVALID');
  });
});
