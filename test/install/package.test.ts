/**
 * SLOW (20 s when the prebuilds are current, about 90 s after a source change, on two cores): the
 * package as a user gets it. First `npm run prebuilds` (npm pack runs it again as prepack, then a
 * no-op), whose linux-arm64 binaries are checked under qemu-aarch64 (Debian package qemu-user).
 * Then `npm pack`, and `npm install -g` of the tarball into a temporary prefix with a PATH that has
 * no compiler or make (so the install script must take the prebuilt addon). Then, as the user
 * nobody, with the install folder read-only, HOME and XDG_CACHE_HOME in a folder of nobody's, from
 * another working directory and with no compiler on PATH: probe, cfi-report, validate, profile,
 * run and deploy to qemu-mps2-an386 of the shipped example. Nothing may be written outside the
 * cache directory, and the install folder not at all.
 *
 * Needs root (to become nobody, and to make folders nobody owns), setpriv and qemu-system-arm.
 * npm installs offline from its cache; only when the cache lacks a dependency's metadata does it
 * ask the registry (--prefer-offline).
 */
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../ts/core/paths.js';
import { PREBUILT_ADDON_FILE, prebuildTuple } from '../../ts/core/prebuilds.js';
import { findExecutable } from '../../ts/deploy/qemu.js';
import { compiledScript } from '../support/compiled.js';

const TEST_TIMEOUT_MS = 180_000;
const MAX_TARBALL_BYTES = 15 * 1024 * 1024;
/** The tools the user's PATH holds: node, a shell for npm's scripts, the emulator and setpriv (QEMU's parent-death signal). */
const USER_TOOLS = ['node', 'sh', 'qemu-system-arm', 'setpriv'] as const;
const COMPILERS = ['cc', 'c++', 'gcc', 'g++', 'make', 'clang', 'arm-none-eabi-gcc'] as const;

const root = packageRoot();
const work = mkdtempSync(join(tmpdir(), 'wrt-user-install-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
beforeAll(() => {
  check(spawnSync(process.execPath, [compiledScript('scripts/prebuild/prebuild.ts')], { cwd: root, encoding: 'utf8' }), 'npm run prebuilds');
}, TEST_TIMEOUT_MS);

function idOf(args: readonly string[]): number {
  return Number(spawnSync('id', args, { encoding: 'utf8' }).stdout.trim());
}

function check(result: SpawnSyncReturns<string>, what: string): SpawnSyncReturns<string> {
  if (result.error !== undefined) throw result.error;
  if (result.status !== 0) throw new Error(`${what} exited ${String(result.status ?? result.signal)}:\n${result.stdout}${result.stderr}`);
  return result;
}

/** Every path under `dir` with its type, size, mode and mtime: two listings differ when anything was written. */
function listing(dir: string): string[] {
  const lines: string[] = [];
  const pending = [dir];
  while (pending.length > 0) {
    const current = pending.pop() ?? dir;
    for (const name of readdirSync(current)) {
      const path = join(current, name);
      const stat = lstatSync(path);
      lines.push(`${relative(dir, path)} ${stat.isDirectory() ? 'd' : 'f'} ${stat.size} ${stat.mode.toString(8)} ${stat.mtimeMs}`);
      if (stat.isDirectory()) pending.push(path);
    }
  }
  return lines.sort();
}

/** A folder of symlinks to exactly the named tools. */
function userPath(): string {
  const bin = join(work, 'bin');
  mkdirSync(bin);
  for (const tool of USER_TOOLS) {
    const found = findExecutable(tool);
    if (found === undefined) throw new Error(`${tool} is not on PATH`);
    symlinkSync(found, join(bin, tool));
  }
  return bin;
}

function npmInstall(tarball: string, id: string, prefix: string, path: string): { readonly mode: string; readonly ms: number; readonly output: string } {
  const npm = findExecutable('npm');
  if (npm === undefined) throw new Error('npm is not on PATH');
  // npm 11 runs install scripts only when allowed (a tarball's package by name@version): allow
  // ours, and show it, to prove it needs no compiler.
  const args = ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', '--foreground-scripts', `--allow-scripts=${id},@serialport/bindings-cpp`, tarball];
  const env = { ...process.env, PATH: path };
  const started = performance.now();
  let result = spawnSync(process.execPath, [npm, ...args, '--offline'], { env, encoding: 'utf8' });
  let mode = 'offline';
  if (result.status !== 0 && `${result.stdout}${result.stderr}`.includes('ENOTCACHED')) {
    result = spawnSync(process.execPath, [npm, ...args, '--prefer-offline'], { env, encoding: 'utf8' });
    mode = 'prefer-offline';
  }
  check(result, `npm ${args.join(' ')}`);
  return { mode, ms: performance.now() - started, output: `${result.stdout}${result.stderr}` };
}

describe('an installed package, as a user without compilers', () => {
  it(
    'packs under 15 MB, installs without make or g++, and runs every command from a read-only install, writing only its cache',
    (ctx) => {
      ctx.skip(process.getuid?.() !== 0, 'needs root: the commands run as nobody');
      ctx.skip(findExecutable('qemu-system-arm') === undefined, 'qemu-system-arm not on PATH (Debian package qemu-system-arm)');
      ctx.skip(findExecutable('setpriv') === undefined, 'setpriv not on PATH (Debian package util-linux)');
      chmodSync(work, 0o755);

      const packed = check(spawnSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf8' }), 'npm pack');
      const [pack] = JSON.parse(packed.stdout) as { id: string; filename: string; size: number; files: { path: string }[] }[];
      if (pack === undefined) throw new Error(`npm pack printed no package: ${packed.stdout}`);
      const tarball = join(work, pack.filename);
      expect(statSync(tarball).size).toBe(pack.size);
      expect(pack.size).toBeLessThan(MAX_TARBALL_BYTES);
      const shipped = pack.files.map((file) => file.path);
      expect(shipped).toEqual(
        expect.arrayContaining([
          `prebuilds/${prebuildTuple()}/wrt_probe.napi.glibc.node`,
          `prebuilds/${prebuildTuple()}/native-sim`,
          'prebuilds/linux-arm64/wrt_probe.napi.glibc.node',
          'prebuilds/linux-arm64/native-sim',
          'prebuilds/firmware/mps2-an386/interp.elf',
          'prebuilds/firmware/lm3s6965evb/interp.elf',
          'examples/add.wasm',
        ]),
      );

      const bin = userPath();
      for (const tool of COMPILERS) expect(findExecutable(tool, bin)).toBeUndefined();
      const prefix = join(work, 'prefix');
      const install = npmInstall(tarball, pack.id, prefix, bin);
      expect(install.output).toContain(`> ${pack.id} install\n> node-gyp-build`);
      const installed = join(prefix, 'lib', 'node_modules', 'wrt-target');
      expect(existsSync(join(installed, 'build'))).toBe(false);
      spawnSync('chmod', ['-R', 'a-w', installed]);
      const before = listing(installed);

      const nobody = idOf(['-u', 'nobody']);
      const home = join(work, 'home');
      const cwd = join(work, 'elsewhere');
      for (const dir of [home, cwd]) {
        mkdirSync(dir);
        chownSync(dir, nobody, idOf(['-g', 'nobody']));
      }
      const cacheDir = join(home, 'xdg', 'wrt-target');
      const env = { PATH: `${bin}:${join(prefix, 'bin')}`, HOME: home, XDG_CACHE_HOME: join(home, 'xdg'), LANG: 'C' };
      const example = join(installed, 'examples', 'add.wasm');
      const asNobody = (args: readonly string[]): SpawnSyncReturns<string> =>
        spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', '--', 'wrt-target', ...args], {
          cwd,
          env,
          encoding: 'utf8',
          timeout: 60_000,
        });

      const probe = check(asNobody(['probe', '--json']), 'probe --json');
      const report = JSON.parse(probe.stdout) as { schema: string; subject: { kind: string; addon: { loaded: boolean; detail: string } } };
      expect(report.schema).toBe('wrt-target/probe');
      expect(report.subject.kind).toBe('host');
      expect(report.subject.addon).toEqual({
        loaded: true,
        detail: `loaded from ${join(installed, 'prebuilds', prebuildTuple(), 'wrt_probe.napi.glibc.node')}`,
      });
      // --json: the text report cuts long paths to 80 columns.
      expect(check(asNobody(['cfi-report', '--json']), 'cfi-report').stdout).toContain(`"nativeAddon": "loaded from ${installed}/prebuilds/${prebuildTuple()}/wrt_probe.napi.glibc.node"`);
      expect(JSON.parse(check(asNobody(['validate', example, '--json']), 'validate').stdout)).toMatchObject({ schema: 'wrt-target/validate', file: example, bytes: 108 });
      const profile = JSON.parse(check(asNobody(['profile', example, '--target', 'qemu-mps2-an386', '--asil', 'A', '--fuel', '1000', '--json']), 'profile').stdout) as {
        schema: string;
      };
      expect(profile.schema).toBe('wrt-target/profile');
      const run = check(asNobody(['run', example, '--invoke', 'add', '2', '3']), 'run');
      expect(run.stdout).toBe('i32:5\n');
      const deploy = check(asNobody(['deploy', example, '--target', 'qemu-mps2-an386', '--invoke', 'add', '40', '2']), 'deploy');
      expect(deploy.stdout).toBe('i32:42\n');

      expect(listing(installed)).toEqual(before);
      expect(readdirSync(cwd)).toEqual([]);
      // Nothing in HOME but the cache directory (and the folders leading to it).
      const outside = listing(home).filter((line) => {
        const path = line.split(' ')[0] ?? '';
        return !join(home, path).startsWith(cacheDir) && !cacheDir.startsWith(join(home, path));
      });
      expect(outside).toEqual([]);
      process.stdout.write(`user install: tarball ${pack.size} B, npm install -g ${Math.round(install.ms)} ms (${install.mode})\n`);
    },
    TEST_TIMEOUT_MS,
  );
});

describe('the linux-arm64 prebuilds, under qemu-aarch64', () => {
  const sysroot = '/usr/aarch64-linux-gnu';
  const arm = (file: string): string => join(root, 'prebuilds', 'linux-arm64', file);

  it('native-sim runs a module through the wire protocol', (ctx) => {
    ctx.skip(findExecutable('qemu-aarch64') === undefined, 'qemu-aarch64 not on PATH (Debian package qemu-user)');
    const wrapper = join(work, 'native-sim-arm64');
    writeFileSync(wrapper, `#!/bin/sh\nexec qemu-aarch64 -L ${sysroot} ${arm('native-sim')} "$@"\n`);
    chmodSync(wrapper, 0o755);
    const run = spawnSync(process.execPath, [join(root, 'bin', 'wrt-target.js'), 'run', join(root, 'examples', 'add.wasm'), '--invoke', 'add', '2', '3'], {
      env: { ...process.env, WRT_NATIVE_SIM: wrapper },
      encoding: 'utf8',
    });
    expect(check(run, 'run on the arm64 native-sim').stdout).toBe('i32:5\n');
  });

  it("the addon's libraries all resolve under the arm64 loader, leaving only N-API symbols for node", (ctx) => {
    ctx.skip(findExecutable('qemu-aarch64') === undefined, 'qemu-aarch64 not on PATH (Debian package qemu-user)');
    // ldd -r's way: trace the load with every symbol bound now; the loader names each one it cannot resolve.
    const trace = spawnSync(
      'qemu-aarch64',
      ['-L', sysroot, '-E', 'LD_TRACE_LOADED_OBJECTS=1', '-E', 'LD_BIND_NOW=1', '-E', 'LD_WARN=1', join(sysroot, 'lib', 'ld-linux-aarch64.so.1'), arm(PREBUILT_ADDON_FILE)],
      { encoding: 'utf8' },
    );
    const output = `${trace.stdout}${trace.stderr}`;
    expect(output).toMatch(/libstdc\+\+\.so\.6 => \S+/);
    expect(output).toMatch(/libc\.so\.6 => \S+/);
    expect(output).not.toContain('not found');
    const unresolved = [...output.matchAll(/undefined symbol: (\S+)/g)].map((match) => match[1] ?? '');
    expect(unresolved.length).toBeGreaterThan(0);
    expect(unresolved.filter((symbol) => !symbol.startsWith('napi_'))).toEqual([]);
  });
});
