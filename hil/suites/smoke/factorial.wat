;; Recursive and iterative factorial: calls, branches and 64-bit multiplication.
(module
  (func $fac_rec (export "fac_rec") (param i64) (result i64)
    (if (result i64) (i64.le_u (local.get 0) (i64.const 1))
      (then (i64.const 1))
      (else (i64.mul (local.get 0) (call $fac_rec (i64.sub (local.get 0) (i64.const 1)))))))
  (func (export "fac_iter") (param i64) (result i64)
    (local $acc i64)
    (local.set $acc (i64.const 1))
    (block $done
      (loop $next
        (br_if $done (i64.le_u (local.get 0) (i64.const 1)))
        (local.set $acc (i64.mul (local.get $acc) (local.get 0)))
        (local.set 0 (i64.sub (local.get 0) (i64.const 1)))
        (br $next)))
    (local.get $acc)))
