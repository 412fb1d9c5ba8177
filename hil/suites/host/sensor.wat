;; A module that reads a sensor it does not have: env.read_sensor is served by the host
;; (sensor-host.mjs), so native-sim and the QEMU boards can run it against a mock.
(module
  (import "env" "read_sensor" (func $read (param i32 i32) (result i32)))
  (import "wrt:logging" "log" (func $log (param i32 i32 i32 i32 i32)))
  (memory 1)
  (data (i32.const 16) "sensor")
  (data (i32.const 32) "averaged")
  ;; Mean of readings 0 .. n-1 of channel `ch`, logged once at info.
  (func (export "average") (param $ch i32) (param $n i32) (result i32)
    (local $i i32) (local $sum i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $sum (i32.add (local.get $sum) (call $read (local.get $ch) (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (call $log (i32.const 2) (i32.const 16) (i32.const 6) (i32.const 32) (i32.const 8))
    (i32.div_u (local.get $sum) (local.get $n))))
