import { ExecutorRegistry } from './executor.js';
import { createNativeSimExecutor } from './executors/native-sim.js';
import { createQemuExecutor } from './executors/qemu.js';
import { createSerialExecutor } from './executors/serial.js';
import { REFERENCE_V8 } from './hardware-map.js';
import { createV8Executor } from './v8-executor.js';

/**
 * The executors this build can drive: the V8 reference, native-sim (the device interpreter on
 * this host), QEMU boards (the interpreter firmware under QEMU) and boards on a serial port that
 * already run the firmware.
 */
export function defaultExecutorRegistry(): ExecutorRegistry {
  return new ExecutorRegistry()
    .register(REFERENCE_V8, () => createV8Executor())
    .register('native-sim', createNativeSimExecutor)
    .register('qemu', (board) => createQemuExecutor(board))
    .register('serial', (board) => createSerialExecutor(board));
}
