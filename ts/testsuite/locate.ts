import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { WrtError } from '../core/errors.js';
import { packageRoot } from '../core/paths.js';

/** The variable that points at the pinned WebAssembly spec testsuite (see its README). */
export const TESTSUITE_ENV = 'WRT_WASM_TESTSUITE';
export const TESTSUITE_COMMIT = '3a04b2cf93bd8fce277458d419eea8d9c326345c';

/** A pinned data folder beside the repository (../shared/NAME), overridable by a variable. */
export interface SharedData {
  readonly env: string;
  /** Folder name under ../shared. */
  readonly defaultName: string;
  /** A path inside the folder whose presence says it is the right one. */
  readonly marker: string;
  /** How a user gets the folder: "clone X at commit Y". */
  readonly howToGet: string;
  readonly label: string;
}

/**
 * Where a shared data folder is: $ENV, else ../shared/NAME beside the repository. A missing folder
 * is an environment problem (exit 3) with the way to get it.
 */
export function locateSharedData(data: SharedData, env: NodeJS.ProcessEnv = process.env): string {
  const configured = env[data.env];
  const root = packageRoot();
  const dir =
    configured !== undefined && configured !== ''
      ? isAbsolute(configured)
        ? configured
        : resolve(root, configured)
      : resolve(root, '..', 'shared', data.defaultName);
  if (!existsSync(dir) || !statSync(dir).isDirectory() || !existsSync(resolve(dir, data.marker))) {
    throw new WrtError('TOOL_MISSING', `${data.label} not found at ${dir}; set ${data.env} or ${data.howToGet} there`, {
      field: data.env,
    });
  }
  return dir;
}

export function locateTestsuite(env: NodeJS.ProcessEnv = process.env): string {
  return locateSharedData(
    {
      env: TESTSUITE_ENV,
      defaultName: 'wasm-testsuite',
      marker: 'i32.wast',
      howToGet: `clone WebAssembly/testsuite at commit ${TESTSUITE_COMMIT}`,
      label: 'WebAssembly spec testsuite',
    },
    env,
  );
}
