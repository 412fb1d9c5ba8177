#!/usr/bin/env python3
"""Differential of the component runtime's handle tables (native/component/wrt_handles.c) against
the normative model, definitions.py (dev-only, Python stdlib only).

Each seeded case is a sequence of handle operations on one instance's table of a small capacity:
canon resource.new / drop / rep, lower_own, lower_borrow into one of a few tasks, lift_own,
lift_borrow lent to the current call, the call's return (its lends end) and a task's return.
Indices are drawn mostly from the live ones, sometimes stale, 0 or past the table; resource types
mostly right, sometimes wrong. Both sides run the sequence until it traps; compared: each
operation's value (index, rep, the rep a destructor is called with) and the trap's kind. The model's
Table.MAX_LENGTH is set to the case's capacity: the C table of capacity N traps at handle N+1.

  python3 tools/cabi/handles.py --seed N --cases M [--json] [--driver PATH]
"""
import json
import random
import sys
import time
import traceback
import types

from differential import d, finish_driver, start_driver

INVALID, TYPE, LENT, NOT_OWN, FULL, BORROWS = range(1, 7)
TRAP_NAMES = {INVALID: 'invalid', TYPE: 'type', LENT: 'lent', NOT_OWN: 'not-own', FULL: 'full',
              BORROWS: 'borrows'}
RESOURCE_TYPES = 3
SCOPES = 4


def trap_kind(exc):
    """The C status for a model trap, from the check that raised it."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.name not in ('trap_if', 'trap')]
    line = frames[-1].line or ''
    if 'Table.MAX_LENGTH' in line:
        return FULL
    if 'len(self.array)' in line or 'self.array[i] is None' in line:
        return INVALID
    if '.rt is not' in line:
        return TYPE
    if 'num_lends != 0' in line:
        return LENT
    if 'not h.own' in line:
        return NOT_OWN
    if 'num_borrows > 0' in line:
        return BORROWS
    raise AssertionError(f'unclassified model trap at {frames[-1].name}: {line}')


class DtorStore:
    """The store a drop lifts and lowers the destructor through: it records the rep instead."""

    def __init__(self, calls):
        self.calls = calls

    def lift(self, dtor, ft, opts, impl):
        return dtor

    def lower(self, callee, ft, opts, inst):
        return lambda args: self.calls.append(args[0])


def fresh_task():
    task = d.Task.__new__(d.Task)
    task.num_borrows = 0
    task.state = d.Task.State.STARTED
    task.on_resolve = lambda result: None
    return task


def run_model(ops, capacity):
    saved = d.Table.MAX_LENGTH
    d.Table.MAX_LENGTH = capacity
    try:
        dtor_calls = []
        inst = d.ComponentInstance(d.Store())
        inst.store = DtorStore(dtor_calls)
        impl = d.ComponentInstance(d.Store())
        rts = [d.ResourceType(impl) for _ in range(RESOURCE_TYPES)]
        tasks = [fresh_task() for _ in range(SCOPES)]
        d.thread_local_handler.value = types.SimpleNamespace(
            current_thread=types.SimpleNamespace(task=types.SimpleNamespace(inst=inst)))
        call = d.Subtask()
        out = []
        for op in ops:
            kind, args = op[0], op[1:]
            try:
                if kind == 'n':
                    out.append(str(d.canon_resource_new(rts[args[0]], args[1])[0]))
                elif kind == 'b':
                    cx = types.SimpleNamespace(inst=inst, borrow_scope=tasks[args[2]])
                    out.append(str(d.lower_borrow(cx, args[1], d.BorrowType(rts[args[0]]))))
                elif kind == 'o':
                    cx = types.SimpleNamespace(inst=inst)
                    out.append(str(d.lift_own(cx, args[0], d.OwnType(rts[args[1]]))))
                elif kind == 'l':
                    cx = types.SimpleNamespace(inst=inst, borrow_scope=call)
                    out.append(str(d.lift_borrow(cx, args[0], d.BorrowType(rts[args[1]]))))
                elif kind == 'e':
                    call.resolve(d.Subtask.State.RETURNED, [])
                    call.deliver_resolve()
                    call = d.Subtask()
                    out.append('.')
                elif kind == 'd':
                    before = len(dtor_calls)
                    d.canon_resource_drop(rts[args[1]], args[0])
                    out.append(str(dtor_calls[before]) if len(dtor_calls) > before else '-')
                elif kind == 'p':
                    out.append(str(d.canon_resource_rep(rts[args[1]], args[0])[0]))
                elif kind == 'r':
                    tasks[args[0]].return_([])
                    tasks[args[0]] = fresh_task()
                    out.append('.')
            except d.Trap as e:
                out.append(f'T{trap_kind(e)}')
                break
        return out
    finally:
        d.Table.MAX_LENGTH = saved


def make_case(rng):
    """A capacity and a sequence of operations; the generator tracks which indices are live."""
    capacity = rng.choice([1, 2, 3, 4, 8, 16, 64])
    live = {}  # index -> (rt, own)
    fresh = 1
    freed = []
    ops = []
    lent_now = set()
    for _ in range(rng.randint(1, 40)):
        r = rng.random()
        rt = rng.randrange(RESOURCE_TYPES)
        if not live or r < 0.3:
            own = rng.random() < 0.7
            rep = rng.getrandbits(32) if rng.random() < 0.2 else rng.randrange(100)
            ops.append(('n', rt, rep) if own else ('b', rt, rep, rng.randrange(SCOPES)))
            index = freed.pop() if freed else fresh
            if index == fresh:
                fresh += 1
            live[index] = (rt, own)
            continue
        index = rng.choice(list(live))
        if rng.random() < 0.1:
            index = rng.choice([0, fresh, fresh + 5, rng.getrandbits(32)] + (freed[-1:] or [0]))
        typ = live.get(index, (rt, True))[0] if rng.random() < 0.85 else rt
        what = rng.choice('oldpdpler')
        if what == 'e':
            ops.append(('e',))
            lent_now.clear()
        elif what == 'r':
            ops.append(('r', rng.randrange(SCOPES)))
        else:
            ops.append((what, index, typ))
            if what == 'l':
                lent_now.add(index)
            if what in 'od' and index in live and index not in lent_now:
                del live[index]
                freed.append(index)
    return capacity, ops


def case_line(capacity, ops):
    return f"{capacity} {len(ops)} " + ' '.join(op[0] if len(op) == 1 else op[0] + ':' + ':'.join(map(str, op[1:])) for op in ops) + '\n'


def main():
    args, proc = start_driver(__doc__, 'handles-driver')
    if proc is None:
        return 3
    rng = random.Random(args.seed)
    traps, ops_seen, ndiff, shown, nops = {}, set(), 0, 0, 0
    started = time.time()
    for n in range(args.cases):
        capacity, ops = make_case(rng)
        model = run_model(ops, capacity)
        proc.stdin.write(case_line(capacity, ops))
        got = proc.stdout.readline().split()
        ran = ops[:len(model)]
        nops += len(ran)
        ops_seen.update(op[0] for op in ran)
        if model and model[-1].startswith('T'):
            name = TRAP_NAMES[int(model[-1][1:])]
            traps[name] = traps.get(name, 0) + 1
        if got != model:
            ndiff += 1
            if shown < args.show:
                shown += 1
                sys.stderr.write(f'case {n} (seed {args.seed}): {case_line(capacity, ops).strip()}\n'
                                 f'  model: {" ".join(model)}\n  C:     {" ".join(got)}\n')
    summary = {'seed': args.seed, 'cases': args.cases, 'operations': nops, 'differences': ndiff,
               'seconds': round(time.time() - started, 1), 'operationKinds': sorted(ops_seen), 'traps': traps}
    return finish_driver(proc, args, summary,
                         f"{args.cases} cases, {nops} operations (seed {args.seed}): {ndiff} differences in "
                         f"{summary['seconds']} s; traps {json.dumps(traps, sort_keys=True)}")


if __name__ == '__main__':
    sys.exit(main())
