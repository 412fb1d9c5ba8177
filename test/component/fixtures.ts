/**
 * Test components for `run COMPONENT --invoke` (docs/component.md, "Running components"): one core
 * module instantiated once, lifted with the canonical options the tests need. Assembled from
 * component text by jco's wasm-tools (tools/oracles/jco.ts).
 */

/** The core module: a bump cabi_realloc that keeps contents, and one function per test. */
const CORE = `
  (core module $m
    (memory (export "memory") 1)
    (global $bump (mut i32) (i32.const 1024))
    (data (i32.const 0) "hello, ")
    (data (i32.const 8) "none")
    (func $realloc (export "cabi_realloc") (param $old i32) (param $old_size i32) (param $align i32) (param $new i32) (result i32)
      (local $p i32)
      (local.set $p (i32.and (i32.add (global.get $bump) (i32.sub (local.get $align) (i32.const 1)))
                             (i32.sub (i32.const 0) (local.get $align))))
      (global.set $bump (i32.add (local.get $p) (local.get $new)))
      (if (local.get $old)
        (then (memory.copy (local.get $p) (local.get $old)
                (select (local.get $old_size) (local.get $new) (i32.lt_u (local.get $old_size) (local.get $new))))))
      (local.get $p))
    (func (export "trap-realloc") (param i32 i32 i32 i32) (result i32) unreachable)
    (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
    (func (export "greet") (param $p i32) (param $n i32) (result i32)
      (local $out i32)
      (local.set $out (call $realloc (i32.const 0) (i32.const 0) (i32.const 1) (i32.add (local.get $n) (i32.const 7))))
      (memory.copy (local.get $out) (i32.const 0) (i32.const 7))
      (memory.copy (i32.add (local.get $out) (i32.const 7)) (local.get $p) (local.get $n))
      (i32.store (i32.const 64) (local.get $out))
      (i32.store (i32.const 68) (i32.add (local.get $n) (i32.const 7)))
      (i32.const 64))
    (func (export "post-ok") (param i32))
    (func (export "post-boom") (param i32) unreachable)
    (func (export "point") (result i32)
      (i32.store (i32.const 64) (i32.const 4))
      (i32.store (i32.const 68) (i32.const -2))
      (i32.const 64))
    (func (export "sum") (param $p i32) (param $n i32) (result i64)
      (local $acc i64)
      (block $done
        (loop $next
          (br_if $done (i32.eqz (local.get $n)))
          (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (i32.load (local.get $p)))))
          (local.set $p (i32.add (local.get $p) (i32.const 4)))
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (br $next)))
      (local.get $acc))
    (func (export "bytes") (param $p i32) (param $n i32) (result i32)
      (local $acc i32)
      (block $done
        (loop $next
          (br_if $done (i32.eqz (local.get $n)))
          (local.set $acc (i32.add (local.get $acc) (i32.load offset=4 (local.get $p))))
          (local.set $p (i32.add (local.get $p) (i32.const 8)))
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (br $next)))
      (local.get $acc))
    (func (export "maybe") (param $some i32) (param $v i32) (result i32)
      (if (local.get $some)
        (then
          (i32.store8 (i32.const 64) (i32.const 0))
          (i32.store8 (i32.const 68) (i32.add (local.get $v) (i32.const 1))))
        (else
          (i32.store8 (i32.const 64) (i32.const 1))
          (i32.store (i32.const 68) (i32.const 8))
          (i32.store (i32.const 72) (i32.const 4))))
      (i32.const 64))
    (func (export "area") (param $case i32) (param $x f32) (result f64)
      (if (result f64) (i32.eq (local.get $case) (i32.const 0))
        (then (f64.promote_f32 (f32.mul (f32.const 3) (f32.mul (local.get $x) (local.get $x)))))
        (else (if (result f64) (i32.eq (local.get $case) (i32.const 1))
          (then (f64.promote_f32 (f32.mul (local.get $x) (local.get $x))))
          (else (f64.const 0))))))
    (func (export "perm") (param i32) (result i32) (i32.xor (local.get 0) (i32.const 7)))
    (func (export "next") (param i32) (result i32) (i32.rem_u (i32.add (local.get 0) (i32.const 1)) (i32.const 3)))
    (func (export "swap") (param $x i64) (param $b i32) (result i32)
      (i32.store8 (i32.const 64) (local.get $b))
      (i64.store (i32.const 72) (local.get $x))
      (i32.const 64))
    (func (export "half") (param f64) (result f64) (f64.mul (local.get 0) (f64.const 0.5)))
    (func (export "bad-char") (result i32) (i32.const 0xd800))
    (func (export "oob") (result i32)
      (i32.store (i32.const 64) (i32.const 0xfff0))
      (i32.store (i32.const 68) (i32.const 100))
      (i32.const 64))
    (func (export "echo") (param $p i32) (param $n i32) (result i32)
      (i32.store (i32.const 64) (local.get $p))
      (i32.store (i32.const 68) (local.get $n))
      (i32.const 64))
    (func (export "units") (param i32 i32) (result i32) (local.get 1))
    (func (export "seven") (result i32) (i32.const 7))
    (func (export "spin") (result i32) (loop $l (br $l)) (i32.const 0)))
  (core instance $i (instantiate $m))`;

const MEM = `(memory (core memory $i "memory"))`;
const REALLOC = `(realloc (core func $i "cabi_realloc"))`;

/** The component every test runs. */
export const SAMPLE = `(component
  ${CORE}
  (type $point' (record (field "x" s32) (field "y" s32)))
  (export $point "point" (type $point'))
  (type $shape' (variant (case "circle" f32) (case "square" f32) (case "nothing")))
  (export $shape "shape" (type $shape'))
  (type $perms' (flags "read" "write" "exec"))
  (export $perms "perms" (type $perms'))
  (type $color' (enum "red" "green" "blue"))
  (export $color "color" (type $color'))
  (func (export "add") (param "a" s32) (param "b" s32) (result s32) (canon lift (core func $i "add")))
  (func (export "greet") (param "name" string) (result string)
    (canon lift (core func $i "greet") ${MEM} ${REALLOC} (post-return (core func $i "post-ok"))))
  (func (export "get-point") (result $point) (canon lift (core func $i "point") ${MEM}))
  (func (export "sum") (param "xs" (list u32)) (result u64) (canon lift (core func $i "sum") ${MEM} ${REALLOC}))
  (func (export "bytes") (param "xs" (list string)) (result u32) (canon lift (core func $i "bytes") ${MEM} ${REALLOC}))
  (func (export "maybe") (param "x" (option u8)) (result (result u8 (error string))) (canon lift (core func $i "maybe") ${MEM}))
  (func (export "area") (param "s" $shape) (result f64) (canon lift (core func $i "area")))
  (func (export "perm") (param "p" $perms) (result $perms) (canon lift (core func $i "perm")))
  (func (export "next") (param "c" $color) (result $color) (canon lift (core func $i "next")))
  (func (export "swap") (param "t" (tuple s64 bool)) (result (tuple bool s64)) (canon lift (core func $i "swap") ${MEM}))
  (func (export "half") (param "x" f64) (result f64) (canon lift (core func $i "half")))
  (func (export "bad-char") (result char) (canon lift (core func $i "bad-char")))
  (func (export "oob") (result string) (canon lift (core func $i "oob") ${MEM}))
  (func (export "echo16") (param "s" string) (result string) (canon lift (core func $i "echo") ${MEM} ${REALLOC} string-encoding=utf16))
  (func (export "units16") (param "s" string) (result u32) (canon lift (core func $i "units") ${MEM} ${REALLOC} string-encoding=utf16))
  (func (export "limited") (param "s" string) (result u32)
    (canon lift (core func $i "units") ${MEM} (realloc (core func $i "trap-realloc"))))
  (func (export "post-trap") (result u32) (canon lift (core func $i "seven") (post-return (core func $i "post-boom"))))
  (func (export "spin") (result u32) (canon lift (core func $i "spin")))
)`;

/** A component this slice refuses: it imports a function. */
export const WITH_IMPORT = `(component
  (import "log" (func $log (param "msg" u32)))
  (core func $l (canon lower (func $log)))
  (core module $m (import "env" "log" (func (param i32))) (func (export "f") (result i32) (i32.const 1)))
  (core instance $li (export "log" (func $l)))
  (core instance $i (instantiate $m (with "env" (instance $li))))
  (func (export "f") (result u32) (canon lift (core func $i "f"))))`;

/**
 * The functions of SAMPLE whose types are structural (jco's transpiler takes no top-level type
 * exports): the same core module, for the value oracle.
 */
export const ORACLE = `(component
  ${CORE}
  (func (export "add") (param "a" s32) (param "b" s32) (result s32) (canon lift (core func $i "add")))
  (func (export "greet") (param "name" string) (result string)
    (canon lift (core func $i "greet") ${MEM} ${REALLOC} (post-return (core func $i "post-ok"))))
  (func (export "sum") (param "xs" (list u32)) (result u64) (canon lift (core func $i "sum") ${MEM} ${REALLOC}))
  (func (export "bytes") (param "xs" (list string)) (result u32) (canon lift (core func $i "bytes") ${MEM} ${REALLOC}))
  (func (export "maybe") (param "x" (option u8)) (result (result u8 (error string))) (canon lift (core func $i "maybe") ${MEM}))
  (func (export "swap") (param "t" (tuple s64 bool)) (result (tuple bool s64)) (canon lift (core func $i "swap") ${MEM}))
  (func (export "half") (param "x" f64) (result f64) (canon lift (core func $i "half")))
  (func (export "echo16") (param "s" string) (result string) (canon lift (core func $i "echo") ${MEM} ${REALLOC} string-encoding=utf16))
  (func (export "units16") (param "s" string) (result u32) (canon lift (core func $i "units") ${MEM} ${REALLOC} string-encoding=utf16))
)`;
