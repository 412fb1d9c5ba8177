/**
 * Small modules, each needing exactly one budget, shared by the tests that prove a budget one below
 * fails: on the interpreter in-process (test/profile, test/interp) and on native-sim over the
 * protocol (test/run).
 */

/** A chain of four calls: call depth 4. */
export const CHAIN = `(module
  (func $c (result i32) (i32.const 7))
  (func $b (result i32) (call $c))
  (func $a (result i32) (call $b))
  (func (export "main") (result i32) (call $a)))`;

/**
 * main holds two operands when it calls g, g has three locals; each frame has its spill slot
 * (docs/interpreter.md): (1 + 2) + (3 + 1) = 7 value-stack slots, exactly.
 */
export const STACK = `(module
  (func $g (local i32 i32 i32))
  (func (export "main") (result i32)
    (i32.const 1) (i32.const 2) (call $g) (drop)))`;

/**
 * Counts to n. Fuel segments (wrt_compile.c): entry [block loop] = 2; loop head [local.get
 * local.get i32.ge_u br_if] = 4; body [local.get i32.const i32.add local.set br] = 5; exit
 * [local.get] = 1. n iterations cost 2 + 9n + 4 + 1.
 */
export const COUNTER = `(module
  (func (export "count") (param $n i32) (result i32) (local $i i32)
    (block $done
      (loop $top
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $top)))
    (local.get $i)))`;

/** One page, three at most: memory.grow by 2 needs the third. */
export const GROW = `(module
  (memory 1 3)
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))`;

/** Five table elements, the last one called. */
export const TABLE = `(module
  (table 5 funcref)
  (func $f (result i32) (i32.const 42))
  (elem (i32.const 4) $f)
  (func (export "main") (result i32) (call_indirect (result i32) (i32.const 4))))`;
