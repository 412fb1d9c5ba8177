;; Fills linear memory with a byte pattern and sums it back: loads, stores and bounds.
(module
  (memory (export "memory") 1)
  ;; fill(n): bytes 0..n-1 get (i * 7) & 0xff.
  (func $fill (param $n i32)
    (local $i i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (i32.store8 (local.get $i) (i32.and (i32.mul (local.get $i) (i32.const 7)) (i32.const 255)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))))
  ;; fill_sum(n): fill n bytes and return their sum.
  (func (export "fill_sum") (param $n i32) (result i32)
    (local $i i32)
    (local $sum i32)
    (call $fill (local.get $n))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $sum (i32.add (local.get $sum) (i32.load8_u (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $sum))
  ;; read_past_end(): a 32-bit load that straddles the end of the one page.
  (func (export "read_past_end") (result i32)
    (i32.load (i32.const 65534))))
