;; Recursion to debug on the device (docs/limits.md, "Debugging on the device"):
;;   wrt-target run examples/fib.wasm --invoke fib 3 --debug basic --break fib
;;       stops at each entry of fib, prints its argument and the stack, then prints i32:2
;;   wrt-target run examples/fib.wasm --invoke crash 3 --debug basic
;;       fib(3), then the trap "unreachable" in $fail, and the last function entries
(module
  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else
        (i32.add
          (call $fib (i32.sub (local.get $n) (i32.const 1)))
          (call $fib (i32.sub (local.get $n) (i32.const 2)))))))
  (func $crash (export "crash") (param $n i32) (result i32)
    (drop (call $fib (local.get $n)))
    (call $fail))
  (func $fail (result i32)
    unreachable))
