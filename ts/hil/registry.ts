import { ExecutorRegistry } from './executor.js';
import { createNativeSimExecutor } from './executors/native-sim.js';
import { REFERENCE_V8 } from './hardware-map.js';
import { createV8Executor } from './v8-executor.js';

/**
 * The executors this build can drive: the V8 reference and native-sim (the device interpreter on
 * this host). The device path registers `qemu` and `serial` here when it lands.
 */
export function defaultExecutorRegistry(): ExecutorRegistry {
  return new ExecutorRegistry().register(REFERENCE_V8, () => createV8Executor()).register('native-sim', createNativeSimExecutor);
}
