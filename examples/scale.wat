;; Calls app.scale, the native of examples/natives.c:
;;   wrt-target run examples/scale.wasm --natives examples/natives.c --invoke scale 5   prints i32:16
(module
  (import "app" "scale" (func $scale (param i32) (result i32)))
  (func (export "scale") (param i32) (result i32) (call $scale (local.get 0))))
