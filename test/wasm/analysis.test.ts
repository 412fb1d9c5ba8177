import { describe, expect, it } from 'vitest';
import { validateWasm } from '../../ts/wasm/validate.js';
import { wat } from './wat.js';

const LAYERED = `(module
  (import "env" "log" (func $log (param i32)))
  (import "env" "mem" (memory 1 4))
  (type $ii (func (param i32) (result i32)))
  (table 2 funcref)
  (global $heap (export "__heap_base") i32 (i32.const 4096))
  (global $dend (export "__data_end") i32 (i32.const 2048))
  (func $leaf (type $ii) (local i64 f64)
    local.get 0
    call $log
    local.get 0
    i64.const 1
    f64.const 2
    drop
    drop)
  (func $mid (param i32) (result i32)
    (block (block (block (drop (call $leaf (local.get 0))))))
    local.get 0
    i32.const 1
    call_indirect (type $ii))
  (func $main (export "main") (result i32)
    i32.const 5
    call $mid
    i32.const 0
    i32.load offset=100
    drop)
  (elem (i32.const 0) $leaf)
  (data (i32.const 1024) "abcd"))`;

describe('module analysis', () => {
  const report = validateWasm(wat(LAYERED, { names: true }), { file: 'layered.wasm' });

  it('measures each function: locals, operand stack in values and bytes, control depth, frame', () => {
    const byName = Object.fromEntries(report.functions.map((f) => [f.name, f]));
    expect(byName['leaf']).toMatchObject({ index: 1, type: '(i32) -> i32', locals: 3, localBytes: 20, maxStackSlots: 3, maxStackBytes: 20, maxControlDepth: 0, frameBytes: 40, calls: [0] });
    expect(byName['mid']).toMatchObject({
      index: 2,
      locals: 1,
      localBytes: 4,
      maxStackSlots: 2,
      maxStackBytes: 8,
      maxControlDepth: 3,
      frameBytes: 12,
      calls: [1],
      indirectCalls: [{ typeIndex: 0, tableIndex: 0 }],
    });
    expect(byName['main']).toMatchObject({ index: 3, locals: 0, maxStackSlots: 2, maxStackBytes: 8, frameBytes: 8, calls: [2], growsMemory: false });
  });

  it('resolves indirect calls by type through the table and follows the deepest chain from each export', () => {
    expect(report.callGraph.recursive).toBe(false);
    expect(report.callGraph.addressTakenFunctions).toBe(2); // $leaf (element segment) and $main (export)
    expect(report.callGraph.entries).toEqual([
      // main -> mid -> leaf -> env.log: four calls deep; host functions add no wasm stack.
      { kind: 'export', name: 'main', function: 3, maxCallDepth: 4, maxStackBytes: 8 + 12 + 40, deepestPath: [3, 2, 1, 0], cycle: null },
    ]);
  });

  it('lists imports and exports with their types', () => {
    expect(report.imports).toEqual([
      { module: 'env', name: 'log', kind: 'function', index: 0, type: '(i32) -> ()', offset: expect.any(Number) as number },
      { module: 'env', name: 'mem', kind: 'memory', index: 0, type: 'pages [1, 4]', offset: expect.any(Number) as number },
    ]);
    expect(report.exports.map((e) => [e.name, e.kind, e.index, e.type])).toEqual([
      ['__heap_base', 'global', 0, 'i32'],
      ['__data_end', 'global', 1, 'i32'],
      ['main', 'function', 3, '() -> i32'],
    ]);
  });

  it('reports what the profile needs to size and truncate memory', () => {
    expect(report.memories).toEqual([{ index: 0, initialPages: 1, maximumPages: 4, imported: true, exported: false }]);
    expect(report.memory).toEqual({
      canGrow: false,
      firstGrow: null,
      heapBase: 4096,
      dataEnd: 2048,
      stackPointer: null,
      dataSegmentsEnd: 1028,
      dataSegmentsWithDynamicOffset: 0,
      constantAccessEnd: 104,
      highestStaticAddress: 4096,
      dataBytes: 4,
    });
    expect(report.features.map((f) => f.feature)).toEqual(['float']);
    expect(report.features[0]).toMatchObject({ what: 'local of type f64', where: 'code section: function 1' });
  });

  it('finds memory.grow and constant-address stores', () => {
    const grow = validateWasm(
      wat(`(module (memory 1 8)
        (func (export "g") (result i32) (i32.store offset=8 (i32.const 4000) (i32.const 7)) (memory.grow (i32.const 1))))`),
    );
    expect(grow.memory.canGrow).toBe(true);
    expect(grow.memory.firstGrow?.function).toBe(0);
    expect(grow.memory.constantAccessEnd).toBe(4012);
    expect(grow.functions[0]?.growsMemory).toBe(true);
  });

  it('names recursion, direct and through a table, and leaves its reach unbounded', () => {
    const recursive = validateWasm(
      wat(
        `(module
          (type $v (func))
          (table 1 funcref)
          (func $fac (export "fac") (param i64) (result i64)
            (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 1))
              (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1)))))))
          (func $a (export "a") call $b)
          (func $b call $a)
          (func $viaTable (export "t") (call_indirect (type $v) (i32.const 0)))
          (func $ok (export "ok"))
          (elem (i32.const 0) $viaTable))`,
        { names: true },
      ),
    );
    const g = recursive.callGraph;
    expect(g.recursive).toBe(true);
    expect(g.cycles.map((c) => c.description)).toEqual(['$fac -> $fac', '$a -> $b -> $a', '$viaTable -> call_indirect () -> () -> $viaTable']);
    expect(g.cycles.map((c) => c.functions)).toEqual([[0], [1, 2], [3]]);
    expect(g.entries.map((e) => [e.name, e.maxCallDepth, e.cycle])).toEqual([
      ['fac', null, 0],
      ['a', null, 1],
      ['t', null, 2],
      ['ok', 1, null],
    ]);
  });
});
