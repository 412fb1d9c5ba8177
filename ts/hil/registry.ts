import { ExecutorRegistry } from './executor.js';
import { REFERENCE_V8 } from './hardware-map.js';
import { createV8Executor } from './v8-executor.js';

/**
 * The executors this build can drive. Only the V8 reference exists so far; the device path
 * registers `native-sim`, `qemu` and `serial` here when it lands.
 */
export function defaultExecutorRegistry(): ExecutorRegistry {
  return new ExecutorRegistry().register(REFERENCE_V8, () => createV8Executor());
}
