import { type ConfigFileLocation, loadConfigFile, locateConfigFile } from './config-file.js';
import { parseCliLayer, parseConfigLayer, parseEnvLayer } from './layers.js';
import type { LimitInputs } from './resolve.js';
import type { DiscoveredLimits, LimitDefaults } from './types.js';

export interface GatherLimitArgs {
  /** Commander's parsed options of the command (LIMIT_FLAGS registered). */
  readonly options: Readonly<Record<string, unknown>>;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly discovered?: DiscoveredLimits;
  readonly defaults?: LimitDefaults;
  /** Injected by tests; defaults to fs.existsSync. */
  readonly exists?: (path: string) => boolean;
}

export interface GatheredLimitInputs extends LimitInputs {
  /** The config file that was read, or null when none applies. */
  readonly configFile: ConfigFileLocation | null;
}

/**
 * The I/O edge of the limits layer: parses the flags and variables, finds and reads the config
 * file. Feed the result to resolveLimits().
 */
export async function gatherLimitInputs(args: GatherLimitArgs): Promise<GatheredLimitInputs> {
  const cli = parseCliLayer(args.options);
  const env = parseEnvLayer(args.env);
  const cliPath = args.options['config'];
  const configFile = locateConfigFile({
    cliPath: typeof cliPath === 'string' ? cliPath : undefined,
    env: args.env,
    cwd: args.cwd,
    ...(args.exists === undefined ? {} : { exists: args.exists }),
  });
  const config = configFile === null ? {} : await loadConfigFile(configFile).then((c) => parseConfigLayer(c.config, c.file, c.lineOf));
  return {
    cli,
    env,
    config,
    configFile,
    ...(args.discovered === undefined ? {} : { discovered: args.discovered }),
    ...(args.defaults === undefined ? {} : { defaults: args.defaults }),
  };
}
