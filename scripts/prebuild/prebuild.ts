/**
 * Builds what the package ships so an install needs no compiler (`npm run prebuilds`, in a
 * checkout): the addon and native-sim for this host and, on x86-64, for linux-arm64 with Debian's
 * aarch64-linux-gnu cross compilers; and the interpreter firmware of every target with board
 * support (the examples/*.wasm are committed, built by `npm run examples`). Layout:
 * ts/core/prebuilds.ts.
 *
 * The host's files are the checkout's own builds (node-gyp into build/Release, native/sim's
 * Makefile into build/native-sim, the firmware into build/firmware), brought up to date and copied;
 * the arm64 ones build into build/prebuild/linux-arm64 (the addon with CMakeLists.txt, whose cross
 * configure needs no node-gyp cross setup). Every copied binary's ELF machine is checked, so a
 * wrong-architecture file cannot be shipped. Incremental: a second run rebuilds nothing.
 *
 *   node dist/scripts/prebuild/prebuild.js      (npm run prebuilds; npm pack runs it as prepack)
 * Progress on stderr; exit status 0, or 1 with the failed step on stderr.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { EM_AARCH64, EM_X86_64, machineName, parseElf } from '../../ts/cfi/elf.js';
import { isWrtError } from '../../ts/core/errors.js';
import { packageRoot } from '../../ts/core/paths.js';
import { prebuildTuple, prebuiltAddonPath, prebuiltFirmwarePath, prebuiltNativeSimPath } from '../../ts/core/prebuilds.js';
import { ensureFirmware, firmwareImagePath, underFlock } from '../../ts/deploy/firmware.js';
import { listTargets } from '../../ts/targets/index.js';

const root = packageRoot();
const MACHINES: Readonly<Record<string, number>> = { x64: EM_X86_64, arm64: EM_AARCH64 };

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): void {
  // Everything goes to stderr: `npm pack --json` runs this as prepack, and its stdout is the JSON.
  const result = spawnSync(command, args, { cwd: root, env, stdio: ['ignore', process.stderr, 'inherit'] });
  if (result.error !== undefined) throw new Error(`${command}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${String(result.status ?? result.signal)}`);
}

/** Copies a built binary into prebuilds/ after checking it is an ELF file for `arch`. */
function ship(from: string, to: string, arch: string): void {
  const elf = parseElf(new Uint8Array(readFileSync(from)), from);
  const expected = MACHINES[arch];
  if (elf.header.machine !== expected) {
    throw new Error(`${from} is built for ${machineName(elf.header.machine)}, not ${arch}`);
  }
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
  chmodSync(to, 0o755);
  process.stderr.write(`prebuild: ${to.slice(root.length + 1)}\n`);
}

function hostAddon(): string {
  const require = createRequire(import.meta.url);
  const nodeGyp = require.resolve('node-gyp/bin/node-gyp.js');
  run(process.execPath, [nodeGyp, 'build', '--loglevel=error']);
  return join(root, 'build', 'Release', 'wrt_probe.node');
}

function crossAddon(buildDir: string): string {
  const dir = join(buildDir, 'addon');
  run('cmake', [
    '-S', root, '-B', dir, '-DCMAKE_BUILD_TYPE=Release', '-DCMAKE_SYSTEM_NAME=Linux', '-DCMAKE_SYSTEM_PROCESSOR=aarch64',
    '-DCMAKE_CXX_COMPILER=aarch64-linux-gnu-g++',
  ]);
  run('cmake', ['--build', dir, '--parallel', '2']);
  return join(dir, 'wrt_probe.node');
}

/**
 * native/sim's Makefile builds the simulator alone into BUILD/native-sim/native-sim, under the
 * lock the tests' builds of native/sim take (build/native-sim.lock) where flock(1) exists.
 */
function nativeSim(buildDir: string, cc: string | undefined): string {
  const binary = join(buildDir, 'native-sim', 'native-sim');
  const make = ['make', '-s', '-C', join(root, 'native', 'sim'), `BUILD=${buildDir}`, ...(cc === undefined ? [] : [`CC=${cc}`]), binary];
  const [command = 'make', ...args] = underFlock(join(root, 'build', 'native-sim.lock'), make);
  run(command, args);
  return binary;
}

async function firmware(): Promise<void> {
  // Every target with board support: the QEMU boards, and real boards (deploy flashes the shipped image).
  for (const def of listTargets().filter((t) => t.firmware !== undefined)) {
    const board = def.firmware?.board ?? def.id;
    const image = await ensureFirmware(def.id, board);
    if (image !== firmwareImagePath(def.id, board)) {
      throw new Error(`the ${def.id} firmware was not built here (make and arm-none-eabi-gcc are needed: Debian packages make gcc-arm-none-eabi)`);
    }
    const to = prebuiltFirmwarePath(board, def.firmware?.app ?? 'interp');
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(image, to);
    process.stderr.write(`prebuild: ${to.slice(root.length + 1)}\n`);
  }
}

async function main(): Promise<number> {
  const hostTuple = prebuildTuple();
  ship(hostAddon(), prebuiltAddonPath(hostTuple), process.arch);
  ship(nativeSim(join(root, 'build'), undefined), prebuiltNativeSimPath(hostTuple), process.arch);
  if (process.platform === 'linux' && process.arch === 'x64') {
    const armTuple = prebuildTuple('linux', 'arm64');
    const armBuild = join(root, 'build', 'prebuild', armTuple);
    ship(crossAddon(armBuild), prebuiltAddonPath(armTuple), 'arm64');
    ship(nativeSim(armBuild, 'aarch64-linux-gnu-gcc'), prebuiltNativeSimPath(armTuple), 'arm64');
  }
  await firmware();
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`prebuild: ${isWrtError(error) ? error.describe() : error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
