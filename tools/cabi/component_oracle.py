#!/usr/bin/env python3
"""The normative model as an oracle for the component differential (tools/component/differential.ts):
definitions.py lowers a call's arguments into a memory image and lifts the result a core
function left in memory, with its own traps. Python 3 stdlib; the model is found as
tools/cabi/differential.py finds it (WRT_COMPONENT_MODEL, else ../shared/component-model).

One JSON request a line on stdin, one JSON answer a line on stdout:

  {"op": "lower", "type": HEX, "enc": E, "args": [V...], "base": B, "memLen": N}
      -> {"flat": [BITS...], "base": B, "mem": HEX}   (the image of [B, end of what it wrote))
  {"op": "lift", "type": HEX, "enc": E, "flat": [BITS...], "memLen": N, "mem": HEX}
      -> {"value": V} | {"trap": K}

HEX type: the device's type encoding (docs/component.md, "Type encoding") of a tuple (the
parameters, or the result as a tuple of one). BITS: a flat value's bits as a decimal string
(floats as their IEEE bits). V: a value as the harness writes it, {"k": ..., ...} as CValue of
ts/component/value-encoding.ts, integers as decimal strings, floats as IEEE bits in a string.
K: the trap kind as tools/cabi/differential.py classifies it (1 bad char ... 6 too long).
"""
import json
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import differential as dx  # noqa: E402  (loads the model, with its deterministic NaN profile)

d = dx.d

PRIM_TYPES = {0x00: d.BoolType, 0x01: d.S8Type, 0x02: d.U8Type, 0x03: d.S16Type, 0x04: d.U16Type,
              0x05: d.S32Type, 0x06: d.U32Type, 0x07: d.S64Type, 0x08: d.U64Type,
              0x09: d.F32Type, 0x0a: d.F64Type, 0x0b: d.CharType, 0x0c: d.StringType}
PRIM_NAMES = ['bool', 's8', 'u8', 's16', 'u16', 's32', 'u32', 's64', 'u64', 'f32', 'f64', 'char', 'string']


class T:
    """A parsed type: its kind, the model's type, and its parts (None for a case without payload)."""
    def __init__(self, kind, model, parts=(), n=0):
        self.kind, self.model, self.parts, self.n = kind, model, list(parts), n


def parse_type(b):
    pos = [0]

    def byte():
        v = b[pos[0]]
        pos[0] += 1
        return v

    def leb():
        r, s = 0, 0
        while True:
            v = byte()
            r |= (v & 0x7f) << s
            s += 7
            if v < 0x80:
                return r

    def one():
        c = byte()
        if c in PRIM_TYPES:
            return T(PRIM_NAMES[c], PRIM_TYPES[c]())
        if c == 0x10:
            e = one()
            return T('list', d.ListType(e.model), [e])
        if c in (0x11, 0x12):
            fs = [one() for _ in range(leb())]
            if c == 0x11:
                return T('record', d.RecordType([d.FieldType(f'f{i}', f.model) for i, f in enumerate(fs)]), fs)
            return T('tuple', d.TupleType([f.model for f in fs]), fs)
        if c == 0x13:
            cs = []
            for _ in range(leb()):
                if b[pos[0]] == 0x1f:
                    pos[0] += 1
                    cs.append(None)
                else:
                    cs.append(one())
            return T('variant', d.VariantType([d.CaseType(f'c{i}', x.model if x else None) for i, x in enumerate(cs)]), cs)
        if c == 0x14:
            n = leb()
            return T('enum', d.EnumType([f'e{i}' for i in range(n)]), [], n)
        if c == 0x15:
            e = one()
            return T('option', d.OptionType(e.model), [e])
        if c == 0x16:
            parts = []
            for _ in range(2):
                if b[pos[0]] == 0x1f:
                    pos[0] += 1
                    parts.append(None)
                else:
                    parts.append(one())
            return T('result', d.ResultType(*(p.model if p else None for p in parts)), parts)
        if c == 0x17:
            n = leb()
            return T('flags', d.FlagsType([f'g{i}' for i in range(n)]), [], n)
        raise ValueError(f'type byte {c:#x} at {pos[0] - 1}')

    return one()


def case_labels(t):
    if t.kind == 'variant':
        return [f'c{i}' for i in range(len(t.parts))]
    if t.kind == 'enum':
        return [f'e{i}' for i in range(t.n)]
    if t.kind == 'option':
        return ['none', 'some']
    return ['ok', 'error']


def case_payload(t, i):
    if t.kind == 'variant':
        return t.parts[i]
    if t.kind == 'option':
        return t.parts[0] if i == 1 else None
    if t.kind == 'result':
        return t.parts[i]
    return None


def to_model(t, v, enc):
    k = t.kind
    if k == 'bool':
        return bool(v['v'])
    if k in ('s8', 'u8', 's16', 'u16', 's32', 'u32', 's64', 'u64'):
        return int(v['v'])
    if k == 'f32':
        return struct.unpack('<f', struct.pack('<I', int(v['v'])))[0]
    if k == 'f64':
        return struct.unpack('<d', struct.pack('<Q', int(v['v'])))[0]
    if k == 'char':
        return chr(v['v'])
    if k == 'string':
        s = v['v']
        return (s, 'utf8', len(s.encode('utf-8')))
    if k == 'list':
        return [to_model(t.parts[0], x, enc) for x in v['items']]
    if k == 'record':
        return {f'f{i}': to_model(f, x, enc) for i, (f, x) in enumerate(zip(t.parts, v['fields']))}
    if k == 'tuple':
        return {str(i): to_model(f, x, enc) for i, (f, x) in enumerate(zip(t.parts, v['items']))}
    if k == 'flags':
        return {f'g{i}': bool(x) for i, x in enumerate(v['set'])}
    i = v['index']
    p = case_payload(t, i)
    return {case_labels(t)[i]: None if p is None else to_model(p, v['payload'], enc)}


def from_model(t, v):
    k = t.kind
    if k == 'bool':
        return {'k': 'bool', 'v': bool(v)}
    if k in ('s8', 'u8', 's16', 'u16', 's32', 'u32', 's64', 'u64'):
        return {'k': 'int', 'v': str(v)}
    if k == 'f32':
        return {'k': 'float', 'v': str(struct.unpack('<I', struct.pack('<f', v))[0])}
    if k == 'f64':
        return {'k': 'float', 'v': str(struct.unpack('<Q', struct.pack('<d', v))[0])}
    if k == 'char':
        return {'k': 'char', 'v': ord(v)}
    if k == 'string':
        return {'k': 'string', 'v': v[0]}
    if k == 'list':
        return {'k': 'list', 'items': [from_model(t.parts[0], x) for x in v]}
    if k == 'record':
        return {'k': 'record', 'fields': [from_model(f, v[f'f{i}']) for i, f in enumerate(t.parts)]}
    if k == 'tuple':
        return {'k': 'tuple', 'items': [from_model(f, v[str(i)]) for i, f in enumerate(t.parts)]}
    if k == 'flags':
        return {'k': 'flags', 'set': [bool(v[f'g{i}']) for i in range(t.n)]}
    labels = case_labels(t)
    (label, payload), = v.items()
    i = labels.index(label)
    p = case_payload(t, i)
    return {'k': 'case', 'index': i, 'payload': None if p is None else from_model(p, payload)}


class Bump:
    """The model's allocator for lowering: from `base` up, in a region the guest does not use."""
    def __init__(self, base):
        self.next = base

    def __call__(self, old, old_size, align, new_size):
        if old != 0 and new_size <= old_size:
            return old
        ret = -(-self.next // align) * align
        self.next = ret + new_size
        return ret


class Cx(dx.Cx):
    """The differential's context, whose realloc also keeps the old contents (this Bump does not)."""

    def reallocate(self, old, old_byte_length, alignment, new_byte_length):
        r = super().reallocate(old, old_byte_length, alignment, new_byte_length)
        if old != 0:
            n = min(old_byte_length, new_byte_length)
            self.opts.memory.bytes[r:r + n] = self.opts.memory.bytes[old:old + n]
        return r


def context(enc, mem, bump, scope):
    opts = d.CanonicalOptions(string_encoding=enc, memory=d.MemInst(mem, 'i32'))
    return Cx(opts, d.ComponentInstance(d.Store()), scope, bump)


def lower(req):
    base = req['base']
    if req['type'] == '':
        return {'flat': [], 'base': base, 'mem': ''}
    tup = parse_type(bytes.fromhex(req['type']))
    mem = bytearray(req['memLen'])
    bump = Bump(base)
    task = d.Task.__new__(d.Task)
    task.num_borrows = 0
    ts = [p.model for p in tup.parts]
    vs = [to_model(p, v, req['enc']) for p, v in zip(tup.parts, req['args'])]
    cx = context(req['enc'], mem, bump, task)
    flat = d.lower_flat_values(cx, d.MAX_FLAT_PARAMS, vs, ts)
    cores = d.flatten_types(ts, cx.opts)
    if len(cores) > d.MAX_FLAT_PARAMS:
        cores = ['i32']
    bits = [str(dx.flat_bits(v, c)) for v, c in zip(flat, cores)]
    return {'flat': bits, 'base': base, 'mem': bytes(mem[base:bump.next]).hex()}


def lift(req):
    tup = parse_type(bytes.fromhex(req['type']))
    mem = bytearray(req['memLen'])
    image = bytes.fromhex(req['mem'])
    mem[0:len(image)] = image
    ts = [p.model for p in tup.parts]
    cx = context(req['enc'], mem, Bump(0), d.Subtask())
    cores = d.flatten_types(ts, cx.opts)
    if len(cores) > d.MAX_FLAT_RESULTS:
        cores = ['i32']
    flat = [dx.from_bits(int(b), c) for b, c in zip(req['flat'], cores)]
    try:
        vals = d.lift_flat_values(cx, d.MAX_FLAT_RESULTS, d.CoreValueIter(flat), ts)
    except d.Trap as e:
        return {'trap': dx.trap_kind(e)}
    return {'value': from_model(tup.parts[0], vals[0])}


def main():
    for line in sys.stdin:
        req = json.loads(line)
        try:
            ans = lower(req) if req['op'] == 'lower' else lift(req)
        except Exception as e:  # an oracle failure is reported, not a crash of the run
            ans = {'error': f'{type(e).__name__}: {e}'}
        sys.stdout.write(json.dumps(ans) + '\n')
        sys.stdout.flush()


if __name__ == '__main__':
    main()
