#!/usr/bin/env python3
"""Differential of the canonical ABI in C (native/component/wrt_cabi.c) against the normative
model, component-model/design/mvp/canonical-abi/definitions.py (dev-only, Python stdlib only).

Each seeded case draws parameter types, values and a string encoding; both sides run
lower_flat_values (flat or spilled to memory through realloc), optionally corrupt a flat value
or a memory byte, then lift_flat_values. Compared: the flat values, the lifted values, the trap
and its kind (and whether lowering or lifting trapped), the realloc call log and the memory image.

  python3 tools/cabi/differential.py --seed N --cases M [--json] [--driver PATH]

The model is found through WRT_COMPONENT_MODEL (a component-model checkout), else
../shared/component-model next to the repository, as the other conformance scripts do.
"""
import argparse
import json
import os
import random
import struct
import subprocess
import sys
import time
import traceback

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
MODEL_ENV = 'WRT_COMPONENT_MODEL'
SPEC_MAX = (1 << 28) - 1
ENCODINGS = ['utf8', 'utf16', 'latin1+utf16']
TAG = 1 << 31

# Status codes of wrt_cabi.h.
OK, BAD_CHAR, BAD_DISCRIMINANT, OUT_OF_BOUNDS, MISALIGNED, BAD_STRING, TOO_LONG, LIMIT, HANDLE = range(9)
TRAP_NAMES = {BAD_CHAR: 'bad-char', BAD_DISCRIMINANT: 'bad-discriminant',
              OUT_OF_BOUNDS: 'out-of-bounds', MISALIGNED: 'misaligned', BAD_STRING: 'bad-string',
              TOO_LONG: 'too-long', LIMIT: 'limit', HANDLE: 'handle'}
KINDS = ['bool', 's8', 'u8', 's16', 'u16', 's32', 'u32', 's64', 'u64', 'f32', 'f64', 'char',
         'string', 'list', 'record', 'tuple', 'variant', 'enum', 'option', 'result', 'flags',
         'own', 'borrow']


def load_model():
    root = os.environ.get(MODEL_ENV) or os.path.join(ROOT, '..', 'shared', 'component-model')
    path = os.path.join(root, 'design', 'mvp', 'canonical-abi')
    if not os.path.isfile(os.path.join(path, 'definitions.py')):
        sys.stderr.write(f'definitions.py not found under {path}: set {MODEL_ENV} to a '
                         'component-model checkout\n')
        sys.exit(3)
    sys.path.insert(0, path)
    import definitions  # noqa: E402
    definitions.DETERMINISTIC_PROFILE = True  # NaNs lower as the canonical NaN, as the C does
    return definitions


d = load_model()


# ---- types: the model's objects, the C byte encoding and the kinds used --------------------

def leb(n):
    out = bytearray()
    while True:
        b = n & 0x7f
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


PRIMS = [('bool', d.BoolType, 0x00), ('s8', d.S8Type, 0x01), ('u8', d.U8Type, 0x02),
         ('s16', d.S16Type, 0x03), ('u16', d.U16Type, 0x04), ('s32', d.S32Type, 0x05),
         ('u32', d.U32Type, 0x06), ('s64', d.S64Type, 0x07), ('u64', d.U64Type, 0x08),
         ('f32', d.F32Type, 0x09), ('f64', d.F64Type, 0x0a), ('char', d.CharType, 0x0b),
         ('string', d.StringType, 0x0c)]


class Gen:
    """A type: the model's object, the C encoding, and a tag the value generator follows."""
    def __init__(self, kind, model, code, parts=None, n=0, rt=0):
        self.kind, self.model, self.code, self.parts, self.n, self.rt = kind, model, code, parts or [], n, rt


def gen_type(rng, rts, depth):
    composite = depth < 3 and rng.random() < 0.45
    if not composite:
        r = rng.random()
        if r < 0.08:
            n = rng.choice([1, 2, 3, 8, 9, 16, 17, 32])
            return Gen('flags', d.FlagsType([f'l{i}' for i in range(n)]), bytes([0x17]) + leb(n), n=n)
        if r < 0.14:
            n = rng.choice([1, 2, 5, 256, 257, 300])
            return Gen('enum', d.EnumType([f'e{i}' for i in range(n)]), bytes([0x14]) + leb(n), n=n)
        if r < 0.20:
            own = rng.random() < 0.5
            rt = rng.randrange(len(rts))
            model = d.OwnType(rts[rt]) if own else d.BorrowType(rts[rt])
            return Gen('own' if own else 'borrow', model, bytes([0x18 if own else 0x19]) + leb(rt), rt=rt)
        kind, cls, code = rng.choice(PRIMS + [PRIMS[-1], PRIMS[-1]])
        return Gen(kind, cls(), bytes([code]))
    k = rng.choice(['list', 'record', 'tuple', 'variant', 'option', 'result'])
    if k == 'list':
        e = gen_type(rng, rts, depth + 1)
        return Gen('list', d.ListType(e.model), bytes([0x10]) + e.code, [e])
    if k in ('record', 'tuple'):
        fs = [gen_type(rng, rts, depth + 1) for _ in range(rng.randint(1, 4))]
        code = bytes([0x11 if k == 'record' else 0x12]) + leb(len(fs)) + b''.join(f.code for f in fs)
        model = (d.RecordType([d.FieldType(f'f{i}', f.model) for i, f in enumerate(fs)])
                 if k == 'record' else d.TupleType([f.model for f in fs]))
        return Gen(k, model, code, fs)
    if k == 'variant':
        cs = [gen_type(rng, rts, depth + 1) if rng.random() < 0.7 else None for _ in range(rng.randint(1, 4))]
        code = bytes([0x13]) + leb(len(cs)) + b''.join(c.code if c else b'\x1f' for c in cs)
        model = d.VariantType([d.CaseType(f'c{i}', c.model if c else None) for i, c in enumerate(cs)])
        return Gen('variant', model, code, cs)
    if k == 'option':
        t = gen_type(rng, rts, depth + 1)
        return Gen('option', d.OptionType(t.model), bytes([0x15]) + t.code, [None, t])
    ok = gen_type(rng, rts, depth + 1) if rng.random() < 0.7 else None
    err = gen_type(rng, rts, depth + 1) if rng.random() < 0.7 else None
    code = bytes([0x16]) + (ok.code if ok else b'\x1f') + (err.code if err else b'\x1f')
    return Gen('result', d.ResultType(ok.model if ok else None, err.model if err else None), code, [ok, err])


def kinds_of(g, out):
    out.add(g.kind)
    for p in g.parts:
        if p is not None:
            kinds_of(p, out)
    return out


# ---- values: the model's value and the C value tokens ---------------------------------------

INT_RANGES = {'s8': (8, True), 'u8': (8, False), 's16': (16, True), 'u16': (16, False),
              's32': (32, True), 'u32': (32, False), 's64': (64, True), 'u64': (64, False)}
F32_SPECIAL = [0, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0x7fa00001, 0xffc12345, 1, 0x3f800000]
F64_SPECIAL = [0, 1 << 63, 0x7ff0000000000000, 0xfff0000000000000, 0x7ff8000000000000,
               0x7ff4000000000001, 0xfff8000000abcdef, 1, 0x3ff0000000000000]
TEXT_POOLS = ['abcxyz', 'abc\u00e9\u00ff\u00c0', 'a\u0100\u4e2d\u00e9', 'x\U0001f600\u00e9\u4e2d', '\u00ff\u00fe\u00e0']


def rand_cp(rng):
    r = rng.random()
    if r < 0.4:
        return rng.randrange(0x20, 0x7f)
    if r < 0.6:
        return rng.randrange(0x80, 0x100)
    if r < 0.8:
        c = rng.randrange(0x100, 0x10000)
        return c if not 0xd800 <= c <= 0xdfff else 0x4e2d
    return rng.randrange(0x10000, 0x110000)


def gen_string(rng):
    n = rng.choice([0, 1, 2, 3, 5, 8, 13])
    if rng.random() < 0.5:
        pool = rng.choice(TEXT_POOLS)
        s = ''.join(rng.choice(pool) for _ in range(n))
    else:
        s = ''.join(chr(rand_cp(rng)) for _ in range(n))
    enc = rng.choice(ENCODINGS)
    if enc == 'utf8':
        data, units = s.encode('utf-8'), len(s.encode('utf-8'))
    elif enc == 'utf16':
        data = s.encode('utf-16-le')
        units = len(data) // 2
    elif all(ord(c) < 256 for c in s) and rng.random() < 0.6:
        data, units = s.encode('latin-1'), len(s)
    else:
        data = s.encode('utf-16-le')
        units = (len(data) // 2) | TAG
    return (s, enc, units), f's{ENCODINGS.index(enc)}:{units:x}:{data.hex()}'


def gen_value(rng, g, toks):
    k = g.kind
    if k == 'bool':
        v = rng.random() < 0.5
        toks.append('1' if v else '0')
        return v
    if k in INT_RANGES:
        bits, signed = INT_RANGES[k]
        lo, hi = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)
        v = rng.choice([lo, hi, 0, 1, -1 if signed else 2, rng.randint(lo, hi)])
        toks.append(f'{v & ((1 << 64) - 1):x}')
        return v
    if k == 'f32':
        b = rng.choice(F32_SPECIAL + [rng.getrandbits(32)] * 3)
        toks.append(f'{b:x}')
        return struct.unpack('<f', struct.pack('<I', b))[0]
    if k == 'f64':
        b = rng.choice(F64_SPECIAL + [rng.getrandbits(64)] * 3)
        toks.append(f'{b:x}')
        return struct.unpack('<d', struct.pack('<Q', b))[0]
    if k == 'char':
        c = rand_cp(rng)
        toks.append(f'{c:x}')
        return chr(c)
    if k == 'string':
        v, tok = gen_string(rng)
        toks.append(tok)
        return v
    if k == 'list':
        n = rng.choice([0, 1, 2, 3, 4, 7])
        toks.append(f'l{n}')
        return [gen_value(rng, g.parts[0], toks) for _ in range(n)]
    if k in ('record', 'tuple'):
        toks.append('r')
        vals = [gen_value(rng, f, toks) for f in g.parts]
        return {(f'f{i}' if k == 'record' else str(i)): v for i, v in enumerate(vals)}
    if k in ('variant', 'option', 'result'):
        i = rng.randrange(len(g.parts))
        toks.append(f'{i:x}')
        label = f'c{i}' if k == 'variant' else (['none', 'some'] if k == 'option' else ['ok', 'error'])[i]
        p = g.parts[i]
        return {label: gen_value(rng, p, toks) if p is not None else None}
    if k == 'enum':
        i = rng.randrange(g.n)
        toks.append(f'{i:x}')
        return {f'e{i}': None}
    if k == 'flags':
        bits = rng.getrandbits(g.n)
        toks.append(f'{bits:x}')
        return {f'l{i}': bool(bits >> i & 1) for i in range(g.n)}
    rep = rng.choice([0, 1, 7, 0xffffffff, rng.getrandbits(32)])
    toks.append(f'{rep:x}')
    return rep


def expect_tokens(g, v, enc, out):
    """The C driver's lifted slots for a model value (see print_vals in driver.c)."""
    k = g.kind
    if k == 'bool':
        out.append(f'{int(v):x}:0')
    elif k in INT_RANGES:
        out.append(f'{v & ((1 << 64) - 1):x}:0')
    elif k == 'f32':
        out.append(f'{struct.unpack("<I", struct.pack("<f", v))[0]:x}:0')
    elif k == 'f64':
        out.append(f'{struct.unpack("<Q", struct.pack("<d", v))[0]:x}:0')
    elif k == 'char':
        out.append(f'{ord(v):x}:0')
    elif k == 'string':
        s, _, tagged = v
        codec = {'utf8': 'utf-8', 'utf16': 'utf-16-le'}.get(enc) or ('utf-16-le' if tagged & TAG else 'latin-1')
        out.append(f's{ENCODINGS.index(enc)}:{tagged:x}:{s.encode(codec).hex()}')
    elif k == 'list':
        out.append(f'0:{len(v):x}')
        for e in v:
            expect_tokens(g.parts[0], e, enc, out)
    elif k in ('record', 'tuple'):
        out.append('0:0')
        for i, f in enumerate(g.parts):
            expect_tokens(f, v[f'f{i}' if k == 'record' else str(i)], enc, out)
    elif k in ('variant', 'option', 'result'):
        [(label, pv)] = v.items()
        i = {'none': 0, 'some': 1, 'ok': 0, 'error': 1}.get(label) if k != 'variant' else int(label[1:])
        out.append(f'{i:x}:0')
        if g.parts[i] is not None:
            expect_tokens(g.parts[i], pv, enc, out)
    elif k == 'enum':
        [label] = v.keys()
        out.append(f'{int(label[1:]):x}:0')
    elif k == 'flags':
        out.append(f'{sum(1 << i for i in range(g.n) if v[f"l{i}"]):x}:0')
    else:
        out.append(f'{v:x}:0')


# ---- running the model ------------------------------------------------------------------------

class Bump:
    """realloc of the case's guest: a bump allocator, shrinking in place; call `fault_call`
    returns a misaligned (mode 1) or out-of-range (mode 2) pointer. driver.c has the same."""
    def __init__(self, mem, fault_call, fault_mode):
        self.mem, self.fault_call, self.fault_mode = mem, fault_call, fault_mode
        self.next, self.calls, self.log = 16, 0, []

    def __call__(self, old, old_size, align, new_size):
        k = self.calls
        self.calls += 1
        if old != 0 and new_size <= old_size:
            ret = old
        else:
            n = min(old_size, new_size)
            ret = -(-self.next // align) * align
            self.next = ret + new_size
            if old != 0 and old + n <= len(self.mem) and ret + n <= len(self.mem):
                self.mem[ret:ret + n] = self.mem[old:old + n]
        if k == self.fault_call:
            ret = ret + 1 if self.fault_mode == 1 else 0xfffffff0
        self.log.append((old, old_size, align, new_size, ret))
        return ret


class Cx(d.LiftLowerContext):
    def __init__(self, opts, inst, scope, bump):
        super().__init__(opts, inst, scope)
        self.bump = bump

    def reallocate(self, old, old_byte_length, alignment, new_byte_length):
        return self.bump(old, old_byte_length, alignment, new_byte_length)


def trap_kind(exc):
    """The kind of a model trap, from the check that raised it."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.name not in ('trap_if', 'trap')]
    f = frames[-1]
    line = f.line or ''
    if f.name == 'convert_i32_to_char':
        return BAD_CHAR
    if 'case_index >= len(cases)' in line:
        return BAD_DISCRIMINANT
    if 'MAX_STRING_BYTE_LENGTH' in line or 'MAX_LIST_BYTE_LENGTH' in line:
        return TOO_LONG
    if 'align_to' in line:
        return MISALIGNED
    if 'len(cx.opts.memory)' in line:
        return OUT_OF_BOUNDS
    if f.name == 'load_string_from_range':
        return BAD_STRING
    if f.name in ('get', 'remove', 'lift_own', 'lift_borrow'):
        return HANDLE
    raise AssertionError(f'unclassified model trap at {f.name}: {line}')


def flat_bits(v, core):
    if core == 'f32' and isinstance(v, float):
        return struct.unpack('<I', struct.pack('<f', v))[0]
    if core == 'f64' and isinstance(v, float):
        return struct.unpack('<Q', struct.pack('<d', v))[0]
    return v


def from_bits(b, core):
    if core == 'f32':
        return struct.unpack('<f', struct.pack('<I', b & 0xffffffff))[0]
    if core == 'f64':
        return struct.unpack('<d', struct.pack('<Q', b))[0]
    return b


FLAT_INTERESTING = [0xd800, 0xdfff, 0x110000, 0xffffffff, 0x80000005, 1, 2, 3, 255, 256, 0x10000000, 0]
BYTE_INTERESTING = [0x00, 0xff, 0xd8, 0xdc, 0xdb, 0x80, 0xc0, 0xed, 0xf4, 0x02, 0x05]


def make_case(rng):
    rts_n = 3
    params = [gen_type(rng, list(range(rts_n)), 0) for _ in range(rng.randint(1, 3))]
    c = {
        'params': params,
        'enc': rng.randrange(3),
        'max_flat': rng.choice([16, 16, 1]),
        'mem_len': rng.choice([4096, 4096, 4096, 1024, 256, 64]),
        'fault_call': rng.randrange(6) if rng.random() < 0.12 else 999,
        'fault_mode': rng.choice([1, 2]),
        'cap': None,
    }
    toks = []
    c['values'] = [gen_value(rng, p, toks) for p in params]
    c['tokens'] = ['r'] + toks
    root = b'\x12' + leb(len(params)) + b''.join(p.code for p in params)
    c['type_hex'] = root.hex()
    return c


def run_model(c, rng):
    """Runs the case in the model; chooses the corruption (from the rng) between lower and lift."""
    enc = ENCODINGS[c['enc']]
    mem = bytearray(c['mem_len'])
    bump = Bump(mem, c['fault_call'], c['fault_mode'])
    opts = d.CanonicalOptions(string_encoding=enc, memory=d.MemInst(mem, 'i32'))
    inst = d.ComponentInstance(d.Store())
    other = d.ComponentInstance(d.Store())
    rts = [d.ResourceType(other) for _ in range(3)]
    for p in c['params']:
        rebind(p, rts)
    ts = [p.model for p in c['params']]
    task = d.Task.__new__(d.Task)
    task.num_borrows = 0
    res = {'phase': 'K', 'status': OK, 'flat': [], 'lifted': [], 'muts': []}
    try:
        flat = d.lower_flat_values(Cx(opts, inst, task, bump), c['max_flat'], c['values'], ts)
    except d.Trap as e:
        res.update(phase='L', status=trap_kind(e))
        return finish(res, mem, bump)
    cores = ['i32'] if len(flat) == 1 and len(d.flatten_types(ts, opts)) > c['max_flat'] \
        else d.flatten_types(ts, opts)
    bits = [flat_bits(v, t) for v, t in zip(flat, cores)]
    res['flat'] = bits
    if c['cap'] is not None:
        return finish(res, mem, bump)
    if rng.random() < 0.35:
        for _ in range(rng.randint(1, 2)):
            if rng.random() < 0.5 and bits:
                i = rng.randrange(len(bits))
                core = cores[i]
                if core in ('f32', 'f64'):
                    b = rng.getrandbits(32 if core == 'f32' else 64)
                else:
                    b = rng.choice(FLAT_INTERESTING + [rng.getrandbits(32), bits[i] + 1, bits[i] ^ 1])
                    b &= (1 << (32 if core == 'i32' else 64)) - 1
                bits[i] = b
                flat[i] = from_bits(b, core)
                res['muts'].append(f'f:{i}:{b:x}')
            elif bump.next > 16:
                a = rng.randrange(16, min(bump.next, len(mem)))
                b = rng.choice(BYTE_INTERESTING + [rng.getrandbits(8)])
                mem[a] = b
                res['muts'].append(f'm:{a}:{b:x}')
    try:
        vals = d.lift_flat_values(Cx(opts, inst, d.Subtask(), bump), c['max_flat'],
                                  d.CoreValueIter(flat), ts)
    except d.Trap as e:
        res.update(phase='R', status=trap_kind(e))
        return finish(res, mem, bump)
    out = ['0:0']
    for p, v in zip(c['params'], vals):
        expect_tokens(p, v, enc, out)
    res['lifted'] = out
    return finish(res, mem, bump)


def rebind(g, rts):
    """The case's resource types are objects of this run's model instance."""
    if g.kind in ('own', 'borrow'):
        g.model.rt = rts[g.rt]
    for p in g.parts:
        if p is not None:
            rebind(p, rts)


def finish(res, mem, bump):
    res['log'] = bump.log
    res['mem'] = bytes(mem).rstrip(b'\0').hex()
    return res


def case_line(c, muts):
    cap_s = c['cap'] if c['cap'] is not None else SPEC_MAX
    return ' '.join([str(c['enc']), str(c['max_flat']), str(c['mem_len']), str(c['fault_call']),
                     str(c['fault_mode']), str(cap_s), str(cap_s), c['type_hex'],
                     str(len(c['tokens']))] + c['tokens'] + [str(len(muts))] + muts) + '\n'


def parse_result(line):
    t = line.split()
    head = t[0]
    res = {'phase': head[0], 'status': int(head[1:])}
    i = 1
    n = int(t[i]); i += 1
    res['flat'] = [int(x, 16) for x in t[i:i + n]]; i += n
    n = int(t[i]); i += 1
    res['lifted'] = t[i:i + n]; i += n
    n = int(t[i]); i += 1
    res['log'] = [tuple(int(x, 16) for x in e.split(',')) for e in t[i:i + n]]; i += n
    res['mem'] = t[i][1:]
    return res


def compare(model, got):
    diffs = []
    for key in ('phase', 'status', 'flat', 'lifted', 'log', 'mem'):
        if model[key] != got[key]:
            diffs.append(key)
    return diffs


def limit_case(rng, c, model):
    """A lowering over the limit: the C must trap before its first realloc. The model has no such
    limit, so the expectation is derived: a limit one below the largest size the model asked for."""
    sizes = [e[3] for e in model['log']]
    c['cap'] = max(sizes) - 1
    return {'phase': 'L', 'status': LIMIT, 'flat': [], 'lifted': [], 'log': [], 'mem': '', 'muts': []}


def start_driver(doc, driver_name):
    """The command line every driver differential takes, and its driver started; None if it is not built."""
    ap = argparse.ArgumentParser(description=doc.split('\n')[0])
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--cases', type=int, default=1000)
    ap.add_argument('--json', action='store_true', help='print the summary as JSON')
    ap.add_argument('--driver', default=os.path.join(ROOT, 'build', 'cabi', driver_name))
    ap.add_argument('--show', type=int, default=5, help='differences to print in full')
    args = ap.parse_args()
    if not os.path.isfile(args.driver):
        sys.stderr.write(f'{args.driver} not found: run `make -C native/component` first\n')
        return args, None
    proc = subprocess.Popen([args.driver], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
    return args, proc


def finish_driver(proc, args, summary, line):
    """Ends the driver, prints the summary (JSON with --json, else `line`); exit 1 when anything differed."""
    proc.stdin.close()
    proc.wait()
    print(json.dumps(summary) if args.json else line)
    return 1 if summary['differences'] else 0


def main():
    args, proc = start_driver(__doc__, 'cabi-driver')
    if proc is None:
        return 3
    rng = random.Random(args.seed)
    kinds, traps, shown = set(), {}, 0
    ndiff = 0
    started = time.time()
    for n in range(args.cases):
        c = make_case(rng)
        for p in c['params']:
            kinds_of(p, kinds)
        model = run_model(c, rng)
        single = len(c['params']) == 1 and (c['params'][0].kind == 'string' or (
            c['params'][0].kind == 'list' and not kinds_of(c['params'][0].parts[0], set()) & {'string', 'list'}))
        if single and model['phase'] == 'K' and not model['muts'] and model['log'] and \
                c['max_flat'] == 16 and c['fault_call'] == 999 and max(e[3] for e in model['log']) > 0 \
                and rng.random() < 0.3:
            model = limit_case(rng, c, model)
        proc.stdin.write(case_line(c, model['muts']))
        got = parse_result(proc.stdout.readline())
        if model['status'] != OK:
            name = f"{'lower' if model['phase'] == 'L' else 'lift'}:{TRAP_NAMES[model['status']]}"
            if model['status'] == BAD_STRING:
                name += '-utf8' if c['enc'] == 0 else '-utf16'
            traps[name] = traps.get(name, 0) + 1
        diffs = compare(model, got)
        if diffs:
            ndiff += 1
            if shown < args.show:
                shown += 1
                sys.stderr.write(f'case {n} (seed {args.seed}): differs in {", ".join(diffs)}\n'
                                 f'  input: {case_line(c, model["muts"]).strip()}\n')
                for key in diffs:
                    sys.stderr.write(f'  {key}: model {model[key]!r}\n  {key}: C     {got[key]!r}\n')
    summary = {'seed': args.seed, 'cases': args.cases, 'differences': ndiff,
               'seconds': round(time.time() - started, 1),
               'kinds': sorted(kinds), 'missingKinds': sorted(set(KINDS) - kinds), 'traps': traps}
    return finish_driver(proc, args, summary,
                         f"{args.cases} cases (seed {args.seed}): {ndiff} differences in {summary['seconds']} s; "
                         f"traps {json.dumps(traps, sort_keys=True)}; kinds not exercised: {summary['missingKinds'] or 'none'}")


if __name__ == '__main__':
    sys.exit(main())
