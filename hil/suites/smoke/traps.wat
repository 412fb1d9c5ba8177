;; Each export traps a different way; the expected texts are the spec's.
(module
  (func (export "unreachable") (unreachable))
  (func (export "div_by_zero") (param i32) (result i32)
    (i32.div_s (local.get 0) (i32.const 0)))
  (func (export "div_overflow") (result i32)
    (i32.div_s (i32.const 0x80000000) (i32.const -1))))
