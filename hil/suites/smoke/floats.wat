;; Float arithmetic; boards without float support skip it (requires: float).
(module
  (func (export "mul_f32") (param f32 f32) (result f32)
    (f32.mul (local.get 0) (local.get 1)))
  (func (export "sqrt_f64") (param f64) (result f64)
    (f64.sqrt (local.get 0)))
  (func (export "nan_f32") (result f32)
    (f32.div (f32.const 0) (f32.const 0))))
