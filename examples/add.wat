;; The smallest useful module: `wrt-target run examples/add.wasm --invoke add 2 3` prints i32:5.
;; Assemble it with `wat2wasm examples/add.wat -o examples/add.wasm`; `npm run bench` uses it to
;; measure the start-up cost of validate and run.
(module
  (func (export "add") (param i32 i32) (result i32)
    local.get 0
    local.get 1
    i32.add))
