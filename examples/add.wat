;; The smallest useful module, named by the --help examples:
;;   wrt-target run examples/add.wasm --invoke add 2 3       prints i32:5
;;   wrt-target run examples/add.wasm --invoke boom          traps: unreachable
;;   wrt-target run examples/add.wasm --invoke spin --fuel 100000
;;                                                           traps: fuel exhausted
;; `npm run examples` assembles it (wabt) into examples/add.wasm; `npm run bench` uses it to
;; measure the start-up cost of validate and run.
(module
  (func $add (export "add") (param i32 i32) (result i32)
    local.get 0
    local.get 1
    i32.add)
  (func $boom (export "boom")
    unreachable)
  (func $spin (export "spin")
    (loop $forever
      br $forever)))
