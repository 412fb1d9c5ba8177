/**
 * Components the board tests and the component profile's unit test share (docs/component.md, "On a
 * board: deploy"): the linking sample, a string-and-resource component for a 64 KiB board, a chain
 * of components nesting adapters, each built once from its text into build/test-components/.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseComponentText } from '../../tools/oracles/jco.js';
import { packageRoot } from '../../ts/core/paths.js';

/** Built components are cached here, keyed by their text (jco's parse is the slow part). */
export const CACHE = join(packageRoot(), 'build', 'test-components');

/** The linking sample (test/component/link.test.ts and the board tests): two instances of one module and a client bound to one of them. */
export const SHARED = `(component
  (core module $Counter
    (global $g (mut i32) (i32.const 0))
    (func (export "bump") (result i32)
      (global.set $g (i32.add (global.get $g) (i32.const 1)))
      (global.get $g)))
  (core module $Client
    (import "env" "bump" (func $bump (result i32)))
    (func (export "go") (result i32) (drop (call $bump)) (call $bump)))
  (core instance $a (instantiate $Counter))
  (core instance $b (instantiate $Counter))
  (core instance $c (instantiate $Client (with "env" (instance (export "bump" (func $b "bump"))))))
  (func (export "bump-a") (result u32) (canon lift (core func $a "bump")))
  (func (export "go") (result u32) (canon lift (core func $c "go")))
)`;

/**
 * Strings and a resource on a 64 KiB board: Def's core instance $m has the one memory (one page,
 * truncated to __heap_base on the board), cabi_realloc and post-return for greet, and the counter's
 * destructor; $maker keeps two counters and makes handles (resource.new). User makes a counter
 * (an own handle moved from Def's table to User's), increments it twice through a borrow (which
 * reaches Def as the rep), drops it (the destructor runs in Def) and answers value × 10 + drops.
 */
export const COUNTER = `(component
  (component $Def
    (core module $M
      (memory (export "mem") 1)
      (global $bump (mut i32) (i32.const 1024))
      (global $dropped (mut i32) (i32.const 0))
      (global (export "__heap_base") i32 (i32.const 2048))
      (data (i32.const 0) "hello, ")
      (func $realloc (export "realloc") (param i32 i32 i32 i32) (result i32)
        (local $p i32)
        (local.set $p (global.get $bump))
        (global.set $bump (i32.add (global.get $bump) (local.get 3)))
        (local.get $p))
      (func (export "greet") (param $p i32) (param $n i32) (result i32)
        (local $out i32)
        (local.set $out (call $realloc (i32.const 0) (i32.const 0) (i32.const 1) (i32.add (local.get $n) (i32.const 7))))
        (memory.copy (local.get $out) (i32.const 0) (i32.const 7))
        (memory.copy (i32.add (local.get $out) (i32.const 7)) (local.get $p) (local.get $n))
        (i32.store (i32.const 64) (local.get $out))
        (i32.store (i32.const 68) (i32.add (local.get $n) (i32.const 7)))
        (i32.const 64))
      (func (export "reset") (param i32) (global.set $bump (i32.const 1024)))
      (func (export "dtor") (param i32) (global.set $dropped (i32.add (global.get $dropped) (i32.const 1))))
      (func (export "dropped") (result i32) (global.get $dropped)))
    (core instance $m (instantiate $M))
    (type $R (resource (rep i32) (dtor (core func $m "dtor"))))
    (export $Re "counter" (type $R))
    (core func $new (canon resource.new $R))
    (core module $Maker
      (import "canon" "new" (func $new (param i32) (result i32)))
      (global $c0 (mut i32) (i32.const 0))
      (global $c1 (mut i32) (i32.const 0))
      (global $next (mut i32) (i32.const 0))
      (func (export "make") (param i32) (result i32) (local $rep i32)
        (local.set $rep (i32.and (global.get $next) (i32.const 1)))
        (global.set $next (i32.add (global.get $next) (i32.const 1)))
        (if (local.get $rep) (then (global.set $c1 (local.get 0))) (else (global.set $c0 (local.get 0))))
        (call $new (local.get $rep)))
      (func (export "increment") (param $rep i32) (result i32)
        (if (result i32) (local.get $rep)
          (then (global.set $c1 (i32.add (global.get $c1) (i32.const 1))) (global.get $c1))
          (else (global.set $c0 (i32.add (global.get $c0) (i32.const 1))) (global.get $c0)))))
    (core instance $maker (instantiate $Maker (with "canon" (instance (export "new" (func $new))))))
    (func (export "make") (param "start" u32) (result (own $Re)) (canon lift (core func $maker "make")))
    (func (export "increment") (param "self" (borrow $Re)) (result u32) (canon lift (core func $maker "increment")))
    (func (export "dropped") (result u32) (canon lift (core func $m "dropped")))
    (func (export "greet") (param "s" string) (result string)
      (canon lift (core func $m "greet") (memory (core memory $m "mem")) (realloc (core func $m "realloc"))
        (post-return (core func $m "reset")))))
  (component $User
    (import "def" (instance $def
      (export "counter" (type $R (sub resource)))
      (export "make" (func (param "start" u32) (result (own $R))))
      (export "increment" (func (param "self" (borrow $R)) (result u32)))
      (export "dropped" (func (result u32)))))
    (alias export $def "counter" (type $R))
    (core func $make (canon lower (func $def "make")))
    (core func $inc (canon lower (func $def "increment")))
    (core func $dropped (canon lower (func $def "dropped")))
    (core func $drop (canon resource.drop $R))
    (core module $U
      (import "e" "make" (func $make (param i32) (result i32)))
      (import "e" "inc" (func $inc (param i32) (result i32)))
      (import "e" "dropped" (func $dropped (result i32)))
      (import "e" "drop" (func $drop (param i32)))
      (func (export "count") (param i32) (result i32) (local $h i32) (local $v i32)
        (local.set $h (call $make (local.get 0)))
        (drop (call $inc (local.get $h)))
        (local.set $v (call $inc (local.get $h)))
        (call $drop (local.get $h))
        (i32.add (i32.mul (local.get $v) (i32.const 10)) (call $dropped))))
    (core instance $u (instantiate $U (with "e" (instance
      (export "make" (func $make)) (export "inc" (func $inc)) (export "dropped" (func $dropped)) (export "drop" (func $drop))))))
    (func (export "count") (param "start" u32) (result u32) (canon lift (core func $u "count"))))
  (instance $def (instantiate $Def))
  (instance $user (instantiate $User (with "def" (instance $def))))
  (func (export "greet") (alias export $def "greet"))
  (func (export "count") (alias export $user "count"))
)`;

/** Handles held: `hold(n)` makes n handles of one resource type and keeps them (its handle table's fill). */
export const HOLDER = `(component
  (type $R (resource (rep i32)))
  (core func $new (canon resource.new $R))
  (core module $M
    (import "c" "new" (func $new (param i32) (result i32)))
    (func (export "hold") (param $n i32) (result i32) (local $i i32)
      (block $done
        (loop $next
          (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
          (drop (call $new (local.get $i)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $next)))
      (local.get $n)))
  (core instance $m (instantiate $M (with "c" (instance (export "new" (func $new))))))
  (func (export "hold") (param "n" u32) (result u32) (canon lift (core func $m "hold"))))`;

/** A chain of `n` components, each lowering the previous one's `f: func(x: u8) -> u8` (an adapter each) and adding 1 (test/component/link.test.ts). */
export function chain(n: number): string {
  const parts: string[] = ['(component'];
  parts.push(`  (component $L0
    (core module $M (func (export "f") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1))))
    (core instance $m (instantiate $M))
    (func (export "f") (param "x" u8) (result u8) (canon lift (core func $m "f"))))`);
  parts.push('  (instance $i0 (instantiate $L0))');
  for (let k = 1; k < n; k++) {
    parts.push(`  (component $L${k}
    (import "g" (func $g (param "x" u8) (result u8)))
    (core func $g' (canon lower (func $g)))
    (core module $M
      (import "" "g" (func $g (param i32) (result i32)))
      (func (export "f") (param i32) (result i32) (i32.add (call $g (local.get 0)) (i32.const 1))))
    (core instance $m (instantiate $M (with "" (instance (export "g" (func $g'))))))
    (func (export "f") (param "x" u8) (result u8) (canon lift (core func $m "f"))))`);
    parts.push(`  (instance $i${k} (instantiate $L${k} (with "g" (func $i${k - 1} "f"))))`);
  }
  parts.push(`  (func (export "f") (alias export $i${n - 1} "f"))`, ')');
  return parts.join('\n');
}

/** The component binary of `text`, built once into build/test-components/ (jco's parse) and read from there after. */
export async function cachedComponent(name: string, text: string): Promise<string> {
  mkdirSync(CACHE, { recursive: true });
  const file = join(CACHE, `${name}-${createHash('sha256').update(text).digest('hex').slice(0, 16)}.wasm`);
  if (!existsSync(file)) {
    // Renamed into place: test files that share a sample build it in parallel processes.
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, await parseComponentText(text));
    renameSync(partial, file);
  }
  return file;
}


/** The adapter sample (link.test.ts and the board tests): two memories (the caller imports its libc's), a string through a fused adapter. */
export const ADAPTED = `(component
  (component $C
    (core module $M
      (memory (export "mem") 1)
      (global $bump (mut i32) (i32.const 1024))
      (global $freed (mut i32) (i32.const 0))
      (data (i32.const 0) "hi ")
      (func $realloc (export "realloc") (param i32 i32 i32 i32) (result i32)
        (local $p i32)
        (local.set $p (global.get $bump))
        (global.set $bump (i32.add (global.get $bump) (local.get 3)))
        (local.get $p))
      (func (export "greet") (param $p i32) (param $n i32) (result i32)
        (local $out i32)
        (local.set $out (call $realloc (i32.const 0) (i32.const 0) (i32.const 1) (i32.add (local.get $n) (i32.const 3))))
        (memory.copy (local.get $out) (i32.const 0) (i32.const 3))
        (memory.copy (i32.add (local.get $out) (i32.const 3)) (local.get $p) (local.get $n))
        (i32.store (i32.const 64) (local.get $out))
        (i32.store (i32.const 68) (i32.add (local.get $n) (i32.const 3)))
        (i32.const 64))
      (func (export "post") (param i32) (global.set $freed (i32.add (global.get $freed) (i32.const 1))))
      (func (export "freed") (result i32) (global.get $freed)))
    (core instance $m (instantiate $M))
    (func (export "greet") (param "s" string) (result string)
      (canon lift (core func $m "greet") (memory (core memory $m "mem")) (realloc (core func $m "realloc"))
        (post-return (core func $m "post"))))
    (func (export "freed") (result u32) (canon lift (core func $m "freed"))))
  (component $D
    (import "greet" (func $greet (param "s" string) (result string)))
    (core module $Libc
      (memory (export "mem") 1)
      (global $bump (mut i32) (i32.const 2048))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32)
        (local $p i32)
        (local.set $p (i32.and (i32.add (global.get $bump) (i32.const 1)) (i32.const -2)))
        (global.set $bump (i32.add (local.get $p) (local.get 3)))
        (local.get $p)))
    (core instance $libc (instantiate $Libc))
    (core func $greet' (canon lower (func $greet) string-encoding=utf16
      (memory (core memory $libc "mem")) (realloc (core func $libc "realloc"))))
    (core module $Main
      (import "libc" "mem" (memory 1))
      (import "c" "greet" (func $greet (param i32 i32 i32)))
      ;; "wasm" in UTF-16 at 16; the result (ptr, units) lands at 32.
      (data (i32.const 16) "w\\00a\\00s\\00m\\00")
      (func (export "run") (result i32)
        (call $greet (i32.const 16) (i32.const 4) (i32.const 32))
        (i32.load (i32.const 36)))
      (func (export "first") (result i32)
        (call $greet (i32.const 16) (i32.const 4) (i32.const 32))
        (i32.load16_u (i32.load (i32.const 32)))))
    (core instance $main (instantiate $Main
      (with "libc" (instance $libc))
      (with "c" (instance (export "greet" (func $greet'))))))
    (func (export "units") (result u32) (canon lift (core func $main "run")))
    (func (export "first") (result u32) (canon lift (core func $main "first"))))
  (instance $c (instantiate $C))
  (instance $d (instantiate $D (with "greet" (func $c "greet"))))
  (func (export "units") (alias export $d "units"))
  (func (export "first") (alias export $d "first"))
  (func (export "freed") (alias export $c "freed"))
)`;

/**
 * Def implements r (its destructor counts drops and sums the reps); User only borrows it. make,
 * get (borrow: the rep, Def implements r), take (own: rep, then resource.drop), maybe (an
 * option<own<r>> at a return pointer), keep (a borrow User never drops) and look (User drops it
 * and answers the index it had in User's table).
 */
export const HOSTED = `(component
  (component $Def
    (core module $M
      (global $drops (mut i32) (i32.const 0))
      (global $sum (mut i32) (i32.const 0))
      (func (export "dtor") (param i32)
        (global.set $drops (i32.add (global.get $drops) (i32.const 1)))
        (global.set $sum (i32.add (global.get $sum) (local.get 0))))
      (func (export "drops") (result i32) (global.get $drops))
      (func (export "sum") (result i32) (global.get $sum)))
    (core instance $m (instantiate $M))
    (type $R (resource (rep i32) (dtor (core func $m "dtor"))))
    (export $Re "r" (type $R))
    (core func $new (canon resource.new $R))
    (core func $rep (canon resource.rep $R))
    (core func $drop (canon resource.drop $R))
    (core module $Maker
      (import "canon" "new" (func $new (param i32) (result i32)))
      (import "canon" "rep" (func $rep (param i32) (result i32)))
      (import "canon" "drop" (func $drop (param i32)))
      (memory (export "mem") 1)
      (func (export "make") (param i32) (result i32) (call $new (local.get 0)))
      (func (export "get") (param i32) (result i32) (local.get 0))
      (func (export "take") (param i32) (result i32) (local $r i32)
        (local.set $r (call $rep (local.get 0)))
        (call $drop (local.get 0))
        (local.get $r))
      (func (export "maybe") (param i32) (result i32)
        (if (i32.eqz (local.get 0))
          (then (i32.store (i32.const 8) (i32.const 0)))
          (else
            (i32.store (i32.const 8) (i32.const 1))
            (i32.store (i32.const 12) (call $new (local.get 0)))))
        (i32.const 8)))
    (core instance $maker (instantiate $Maker (with "canon" (instance (export "new" (func $new)) (export "rep" (func $rep)) (export "drop" (func $drop))))))
    (func (export "make") (param "rep" u32) (result (own $Re)) (canon lift (core func $maker "make")))
    (func (export "get") (param "h" (borrow $Re)) (result u32) (canon lift (core func $maker "get")))
    (func (export "take") (param "h" (own $Re)) (result u32) (canon lift (core func $maker "take")))
    (func (export "maybe") (param "rep" u32) (result (option (own $Re))) (canon lift (core func $maker "maybe") (memory (core memory $maker "mem"))))
    (func (export "drops") (result u32) (canon lift (core func $m "drops")))
    (func (export "sum") (result u32) (canon lift (core func $m "sum"))))
  (component $User
    (import "def" (instance $def (export "r" (type $R (sub resource)))))
    (alias export $def "r" (type $R))
    (core func $drop (canon resource.drop $R))
    (core module $M
      (import "e" "drop" (func $drop (param i32)))
      (func (export "keep") (param i32))
      (func (export "look") (param i32) (result i32) (call $drop (local.get 0)) (local.get 0)))
    (core instance $m (instantiate $M (with "e" (instance (export "drop" (func $drop))))))
    (func (export "keep") (param "h" (borrow $R)) (canon lift (core func $m "keep")))
    (func (export "look") (param "h" (borrow $R)) (result u32) (canon lift (core func $m "look"))))
  (instance $def (instantiate $Def))
  (instance $user (instantiate $User (with "def" (instance $def))))
  (alias export $def "r" (type $R0))
  (export $r "r" (type $R0))
  (alias export $def "make" (func $make))
  (alias export $def "get" (func $get))
  (alias export $def "take" (func $take))
  (alias export $def "maybe" (func $maybe))
  (alias export $user "keep" (func $keep))
  (alias export $user "look" (func $look))
  (export "make" (func $make) (func (param "rep" u32) (result (own $r))))
  (export "get" (func $get) (func (param "h" (borrow $r)) (result u32)))
  (export "take" (func $take) (func (param "h" (own $r)) (result u32)))
  (export "maybe" (func $maybe) (func (param "rep" u32) (result (option (own $r)))))
  (func (export "drops") (alias export $def "drops"))
  (func (export "sum") (alias export $def "sum"))
  (export "keep" (func $keep) (func (param "h" (borrow $r))))
  (export "look" (func $look) (func (param "h" (borrow $r)) (result u32)))
)
`;
