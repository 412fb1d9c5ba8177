import { buildInterp } from '../../ts/interp/build.js';
import { wat2wasm } from '../../ts/interp/conformance.js';
import { loadInterp } from '../../ts/interp/ffi.js';
import { InterpRuntime } from '../../ts/interp/runtime.js';
const variant = (process.argv[2] ?? 'interp') as 'interp';
buildInterp(variant);
const native = loadInterp(variant);
const rt = InterpRuntime.create(native, { metaBytes: 1<<20, codeBytes: 1<<20, controlBytes: 1<<16, stackSlots: 1<<16, callDepth: 10000, memoryPages: 1, memoryPagesMax: 0, tableElements: 16, tableElementsMax: 0, globalSlots: 16 });
const r = rt.instantiateBytes(wat2wasm(`(module
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2)) (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1))) (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func (export "loop") (param $n i32) (result i32) (local $i i32) (local $s i32)
    (block $d (loop $l (br_if $d (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $s (i32.add (local.get $s) (i32.mul (local.get $i) (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $l))) (local.get $s)))`));
if (!r.ok) throw new Error(r.error.message);
for (const [name, arg] of [['fib', 30n], ['loop', 100000000n]] as const) {
  const f = r.value.func(name)!;
  const t = process.hrtime.bigint();
  const res = rt.invoke(f, [arg]);
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (!res.ok) throw new Error(res.trap.message);
  console.log(name, res.results[0], `${ms.toFixed(0)} ms`, `${(Number(res.fuelUsed) / ms / 1000).toFixed(0)} M wasm instr/s`);
}
