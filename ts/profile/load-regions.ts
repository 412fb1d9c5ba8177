/**
 * The load-time regions a module takes on the device (meta, code, control), measured by the
 * device's own interpreter core: `native-sim --measure` loads and instantiates the module without
 * running it and prints what each region holds. The compiled code is 32-bit cells on every
 * platform, so the code figure is the one a board reports in STATS, byte for byte; meta holds
 * pointers, so this 64-bit host's figure is exact for native-sim and an upper bound for a 32-bit
 * board. The compiled code is 32-bit cells everywhere, but a 64-bit build fuses more (i64/f64
 * superinstructions, WRT_CONFIG_FUSED_WIDE): `--narrow` measures with the core built as on a 32-bit
 * device, so the code figure of a board's profile is the board's, cell for cell. One process per
 * profile, a few milliseconds: no second copy of the interpreter in the addon.
 *
 * The figures are a function of the module's bytes, the native-sim binary and the code form, so
 * they are kept in the per-user cache (`load-regions`) under a name made of all three (the binary
 * by path, size, mtime and inode, as the code cache names a bundle): `run` of the same module
 * again spawns nothing here. A cache that cannot be read or written only costs the measurement.
 */
import { spawnSync } from 'node:child_process';
import { derivedName, fileIdentity, readDerived, writeDerived } from '../core/derived-cache.js';
import { WrtError } from '../core/errors.js';
import { codeFormFlags, codeFormFor, nativeSimBinary, requireNativeSim } from '../run/native-sim-binary.js';

export interface LoadRegions {
  /** Bytes of the meta region after load and instantiation (module and instance records). */
  readonly meta: number;
  /** Bytes of compiled code (32-bit cells, each function's rounded to 16 bytes). */
  readonly code: number;
  /** Peak scratch the validator and compiler reported in the control region. */
  readonly control: number;
  /** Pointer width of the core that measured: meta is exact for targets of this width. */
  readonly pointerBits: 32 | 64;
  /** The code form measured: that of a 32-bit device (narrow) or of a 64-bit one. */
  readonly codeBits: 32 | 64;
  /** The executor whose code form was measured: `small` compiles without superinstructions. */
  readonly executor: 'fast' | 'small';
  /** Where the figures came from, for derivations. */
  readonly source: string;
}

const OUTPUT = /^meta=(\d+) code=(\d+) control=(\d+)$/;

function parseMeasureLine(line: string, binary: string): Omit<LoadRegions, 'pointerBits' | 'codeBits' | 'executor' | 'source'> {
  const m = OUTPUT.exec(line.trim());
  if (m === null) throw new WrtError('INTERNAL', `${binary} --measure printed ${JSON.stringify(line.trim().slice(0, 120))}, not meta=N code=N control=N`, { file: binary });
  return { meta: Number(m[1]), code: Number(m[2]), control: Number(m[3]) };
}

/** Measures `module` (the bytes a profile binds) with native-sim, in the code form of a target of `codeBits` pointers. */
export function measureLoadRegions(
  module: Uint8Array,
  file: string,
  codeBits: 32 | 64,
  env: NodeJS.ProcessEnv = process.env,
  executor: 'fast' | 'small' = 'fast',
  simBinary?: string,
): LoadRegions {
  const binary = requireNativeSim(simBinary ?? nativeSimBinary(env), env);
  const form = codeFormFor(codeBits, executor);
  const said = form === 'none' ? ' --unfused: the small executor\'s code form' : form === 'narrow' ? ' --narrow: the code form of a 32-bit device' : '';
  const result = (figures: ReturnType<typeof parseMeasureLine>): LoadRegions => ({
    ...figures,
    pointerBits: 64,
    codeBits,
    executor,
    source: `measured by the device's interpreter core (native-sim --measure${said})`,
  });
  const identity = fileIdentity(binary);
  const cacheName = identity === undefined ? undefined : derivedName([module, identity, form], 'txt');
  const cached = cacheName === undefined ? undefined : readDerived('load-regions', cacheName, env);
  if (cached !== undefined && OUTPUT.test(cached.trim())) return result(parseMeasureLine(cached, binary));
  const run = spawnSync(binary, ['--measure', ...codeFormFlags(form)], { input: module, encoding: 'utf8', maxBuffer: 1 << 16 });
  if (run.error !== undefined) {
    throw new WrtError('TOOL_MISSING', `cannot run ${binary} --measure: ${run.error.message}`, { file: binary, limit: 'a native-sim built for this machine (make -C native/sim)' });
  }
  const why = run.stderr.trim().replace(/^native-sim: measure: /, '');
  if (run.status === 1) {
    throw new WrtError('WASM_UNSUPPORTED', `${file}: the device's interpreter refuses the module: ${why}`, { file, limit: 'a module the device interpreter loads (wrt-target run FILE shows the same refusal)' });
  }
  if (run.status !== 0) {
    throw new WrtError('INTERNAL', `${binary} --measure ended with ${run.status ?? run.signal}: ${why}`, { file: binary });
  }
  const figures = parseMeasureLine(run.stdout, binary);
  if (cacheName !== undefined) writeDerived('load-regions', cacheName, `${run.stdout.trim()}\n`, env);
  return result(figures);
}
