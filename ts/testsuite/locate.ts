import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { WrtError } from '../core/errors.js';
import { packageRoot } from '../core/paths.js';

/** The variable that points at the pinned WebAssembly spec testsuite (see its README). */
export const TESTSUITE_ENV = 'WRT_WASM_TESTSUITE';
export const TESTSUITE_COMMIT = '3a04b2cf93bd8fce277458d419eea8d9c326345c';

/**
 * Where the testsuite is: $WRT_WASM_TESTSUITE, else ../shared/wasm-testsuite beside the repository.
 * A missing folder is an environment problem (exit 3) with the way to get it.
 */
export function locateTestsuite(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env[TESTSUITE_ENV];
  const root = packageRoot();
  const dir =
    configured !== undefined && configured !== ''
      ? isAbsolute(configured)
        ? configured
        : resolve(root, configured)
      : resolve(root, '..', 'shared', 'wasm-testsuite');
  if (!existsSync(dir) || !statSync(dir).isDirectory() || !existsSync(resolve(dir, 'i32.wast'))) {
    throw new WrtError(
      'TOOL_MISSING',
      `WebAssembly spec testsuite not found at ${dir}; set ${TESTSUITE_ENV} or clone WebAssembly/testsuite at commit ${TESTSUITE_COMMIT} there`,
      { field: TESTSUITE_ENV },
    );
  }
  return dir;
}
