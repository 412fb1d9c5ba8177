/**
 * The host-import messages (docs/protocol.md §4c) against the shared vectors the C codec checks
 * too (test/protocol/c-unit.test.ts): what the host encodes byte for byte, what it decodes field by field.
 */
import { describe, expect, it } from 'vitest';
import { decodeHostCall, decodeHostTrace, encodeHostImports, encodeHostResult } from '../../ts/device/host-messages.js';
import { decodeLog, type WireValue, type WireValueType } from '../../ts/device/messages.js';
import { formatHostTrace, formatLogLine } from '../../ts/run/host-calls.js';
import { expectWrtError } from '../support/wrt-error.js';
import vectors from './vectors.json' with { type: 'json' };

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));

const TYPE_NAMES: Readonly<Record<number, WireValueType>> = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x70: 'funcref', 0x6f: 'externref' };

function typeName(code: number): WireValueType {
  const name = TYPE_NAMES[code];
  if (name === undefined) throw new Error(`vector type ${code}`);
  return name;
}

/** A vector's { type code, bits hex } as the codec's value. */
function wire(v: { readonly type: number; readonly bits: string }): WireValue {
  const bits = BigInt(`0x${v.bits}`);
  const type = typeName(v.type);
  switch (type) {
    case 'i32':
      return { type, value: Number(BigInt.asIntN(32, bits)) };
    case 'i64':
      return { type, value: BigInt.asIntN(64, bits) };
    case 'f32':
      return { type, bits: Number(bits) };
    case 'f64':
      return { type, bits };
    case 'funcref':
    case 'externref':
      return { type, index: bits === 0xffffffffn ? null : Number(bits) };
  }
}

describe('host import messages (shared vectors)', () => {
  it('HOST_IMPORTS: flags, count, names and value types as the C decoder reads them', () => {
    for (const v of vectors.host_imports) {
      const imports = v.imports.map((i) => ({ module: i.module, name: i.name, params: i.params.map(typeName), results: i.results.map(typeName) }));
      expect(hex(encodeHostImports(imports, v.flags === 1))).toBe(v.body);
    }
  });

  it('HOST_IMPORTS refuses names the device cannot hold and too many imports', () => {
    expectWrtError(() => encodeHostImports([{ module: '', name: 'x', params: [], results: [] }], false), 'VALUE_INVALID', { field: 'imports[0].module' });
    expectWrtError(() => encodeHostImports([{ module: 'env', name: 'n'.repeat(65), params: [], results: [] }], false), 'VALUE_INVALID', { field: 'imports[0].name' });
    const many = Array.from({ length: 17 }, (_, i) => ({ module: 'env', name: `f${i}`, params: [], results: [] }));
    expectWrtError(() => encodeHostImports(many, false), 'VALUE_INVALID', { field: 'imports' });
  });

  it('HOST_CALL: boot id, call id, import index and typed arguments the C encoder wrote', () => {
    for (const v of vectors.host_call) {
      expect(decodeHostCall(bytes(v.body))).toEqual({ bootId: v.bootId, callId: v.callId, importIndex: v.import, args: v.args.map(wire) });
    }
    expectWrtError(() => decodeHostCall(bytes(vectors.host_call[0]?.body.slice(0, -2) ?? '')), 'PROTOCOL_ERROR');
  });

  it('HOST_RESULT: results or a failure, for the call it names', () => {
    for (const v of vectors.host_result) {
      const result = v.status === 0 ? { ok: true as const, results: v.results.map(wire) } : { ok: false as const };
      expect(hex(encodeHostResult(v.bootId, v.callId, result))).toBe(v.body);
    }
  });

  it('HOST_TRACE: decoded as the C encoder wrote it and printed like strace', () => {
    for (const v of vectors.host_trace) {
      const trace = decodeHostTrace(bytes(v.body));
      expect(trace).toEqual({ trap: v.trap, module: v.module, name: v.name, args: v.args.map(wire), results: v.results.map(wire) });
      expect(formatHostTrace(trace)).toBe(v.line);
    }
  });

  it('LOG records of wrt:logging: wasi:logging level, context and message', () => {
    const names = ['trace', 'debug', 'info', 'warn', 'error', 'critical'];
    for (const v of vectors.log_record) {
      const line = decodeLog(bytes(v.body));
      expect(line).toEqual({ level: v.level, text: v.message, record: { levelName: names[v.level], context: v.context } });
    }
    expect(formatLogLine(decodeLog(bytes(vectors.log_record[0]?.body ?? '')))).toBe('[warn] sensor: reading taken');
    expect(formatLogLine(decodeLog(bytes('02686921')))).toBe('[info] hi!');
    expectWrtError(() => decodeLog(bytes('8600')), 'PROTOCOL_ERROR', { field: 'level' });
  });
});
