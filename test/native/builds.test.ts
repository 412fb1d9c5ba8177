/**
 * The addon's other builds: cmake-js (`npm run build:addon:cmake`) and plain CMake (CMakeLists.txt), the AArch64 cross compile
 * (scripts/check-addon-cross.sh) and the QNX system-page path, which cannot be compiled for QNX
 * here and is instead built for Linux against a stand-in <sys/syspage.h> and fed hand-built pages.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { endianness, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { NativeFacts } from '../../ts/native/facts.js';
import { loadAddon } from '../../ts/native/load.js';
import { parseReadelfFeatureNotes } from './proc-sources.js';

const repoRoot = resolve(import.meta.dirname, '..', '..');
const fixtures = join(import.meta.dirname, 'fixtures');
const require = createRequire(import.meta.url);
const BUILD_TIMEOUT_MS = 300_000;

function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v "$1"`, 'sh', name], { stdio: 'ignore' }).status === 0;
}

function run(command: string, args: readonly string[]): string {
  const result = spawnSync(command, args, { cwd: repoRoot, encoding: 'utf8' });
  if (result.error !== undefined) throw result.error;
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited ${String(result.status)}:\n${result.stdout}${result.stderr}`);
  }
  return result.stdout;
}

function withTempDir<T>(prefix: string, body: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    return body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function addonSources(): string[] {
  return readdirSync(join(repoRoot, 'native', 'addon'))
    .filter((name) => name.endsWith('.cc'))
    .map((name) => `native/addon/${name}`)
    .sort();
}

function bindingGypSources(): string[] {
  const gyp = JSON.parse(readFileSync(join(repoRoot, 'binding.gyp'), 'utf8')) as {
    targets?: { sources?: unknown }[];
  };
  const sources = gyp.targets?.[0]?.sources;
  if (!Array.isArray(sources) || !sources.every((source) => typeof source === 'string')) {
    throw new Error('binding.gyp: targets[0].sources is not a list of strings');
  }
  return [...sources].sort();
}

function cmakeSources(): string[] {
  const text = readFileSync(join(repoRoot, 'CMakeLists.txt'), 'utf8');
  const block = /set\(WRT_PROBE_SOURCES\s+([^)]*)\)/.exec(text)?.[1];
  if (block === undefined) throw new Error('CMakeLists.txt: no set(WRT_PROBE_SOURCES ...)');
  return block.split(/\s+/).filter((source) => source !== '').sort();
}

describe('wrt_probe builds', () => {
  it('lists every native/addon/*.cc in both binding.gyp and CMakeLists.txt', () => {
    expect(bindingGypSources()).toEqual(addonSources());
    expect(cmakeSources()).toEqual(addonSources());
  });

  it(
    '`npm run build:addon:cmake` (cmake-js) builds an addon with the same exports and facts as node-gyp',
    (ctx) => {
      ctx.skip(!hasCommand('cmake'), 'cmake not on PATH (Debian package cmake): the cmake-js build not checked');
      const gyp = loadAddon();
      if (!gyp.loaded) throw new Error(gyp.reason);
      // cmake-js is a pinned devDependency; exit 127 here means node_modules predates it (npm ci).
      run('npm', ['run', '--silent', 'build:addon:cmake']);
      const cmakeJs = require(join(repoRoot, 'build-cmake', 'Release', 'wrt_probe.node')) as Record<string, unknown> & { gatherFacts(): NativeFacts };
      expect(Object.keys(cmakeJs).sort()).toEqual(Object.keys(gyp.addon).sort());
      expect(cmakeJs.gatherFacts()).toStrictEqual(gyp.addon.gatherFacts());
    },
    BUILD_TIMEOUT_MS,
  );

  it(
    'builds with plain cmake into a temp dir, and that addon reports the same facts as node-gyp',
    (ctx) => {
      ctx.skip(!hasCommand('cmake'), 'cmake not on PATH (Debian package cmake): CMakeLists.txt not checked');
      const gyp = loadAddon();
      if (!gyp.loaded) throw new Error(gyp.reason);
      withTempDir('wrt-probe-cmake-', (dir) => {
        run('cmake', ['-S', repoRoot, '-B', dir, '-DCMAKE_BUILD_TYPE=Release']);
        run('cmake', ['--build', dir, '--parallel', '2']);
        const nodeFile = join(dir, 'wrt_probe.node');
        const cmakeAddon = require(nodeFile) as { gatherFacts(): NativeFacts };
        expect(cmakeAddon.gatherFacts()).toStrictEqual(gyp.addon.gatherFacts());
        if (process.platform === 'linux' && process.arch === 'x64') {
          const notes = parseReadelfFeatureNotes(run('readelf', ['-n', nodeFile]));
          expect(notes.x86).toEqual(expect.arrayContaining(['IBT', 'SHSTK']));
        }
      });
    },
    BUILD_TIMEOUT_MS,
  );

  it(
    'compiles every addon source for aarch64-linux with BTI/PAC notes (scripts/check-addon-cross.sh)',
    (ctx) => {
      ctx.skip(
        !hasCommand('aarch64-linux-gnu-g++'),
        'aarch64-linux-gnu-g++ not on PATH (Debian package g++-aarch64-linux-gnu): AArch64 path not compiled',
      );
      const output = run('bash', [join(repoRoot, 'scripts', 'check-addon-cross.sh'), '--marks']);
      const passed = output
        .split('\n')
        .map((line) => /^ok {3}(native\/addon\/\S+\.cc) \(BTI, PAC\)$/.exec(line)?.[1])
        .filter((name): name is string => name !== undefined)
        .sort();
      expect(passed).toEqual(addonSources());
      expect(output).toContain('ok   aarch64-linux build takes its CPU facts from cpu_arm64.cc');
    },
    BUILD_TIMEOUT_MS,
  );

  it(
    'copies exactly total_size bytes of the QNX system page (QNX branch built for Linux)',
    (ctx) => {
      ctx.skip(!hasCommand('g++'), 'g++ not on PATH: QNX branch not built');
      const addonApi = resolve(repoRoot, (require('node-addon-api') as { include_dir: string }).include_dir);
      withTempDir('wrt-probe-qnx-', (dir) => {
        const harnessFile = join(dir, 'qnx_syspage_harness.node');
        run('g++', [
          '-std=c++17', '-Wall', '-Wextra', '-Werror', '-shared', '-fPIC',
          '-D__QNX__', '-DNAPI_VERSION=8', '-DNAPI_DISABLE_CPP_EXCEPTIONS',
          `-I${join(fixtures, 'qnx-include')}`, `-I${join(repoRoot, 'native', 'addon')}`,
          '-I/usr/include/node', `-I${addonApi}`,
          join(fixtures, 'qnx_syspage_harness.cc'), join(repoRoot, 'native', 'addon', 'qnx_syspage.cc'),
          '-o', harnessFile,
        ]);
        const harness = require(harnessFile) as {
          setSyspage(page: Uint8Array | null): void;
          gatherQnxSyspage(): Uint8Array | null;
        };
        expect(harness.gatherQnxSyspage()).toBeNull();

        // syspage_entry starts { uint16 size; uint16 total_size; ... } in the CPU's byte order.
        const littleEndian = endianness() === 'LE';
        const page = new Uint8Array(64).map((_, index) => (index * 7 + 3) & 0xff);
        const header = new DataView(page.buffer);
        header.setUint16(0, 8, littleEndian);
        header.setUint16(2, 40, littleEndian);
        harness.setSyspage(page);
        const copy = harness.gatherQnxSyspage();
        expect(copy).toBeInstanceOf(Uint8Array);
        expect(Buffer.isBuffer(copy)).toBe(false);
        expect(copy).toEqual(page.slice(0, 40));

        header.setUint16(2, 64, littleEndian);
        harness.setSyspage(page);
        expect(harness.gatherQnxSyspage()).toEqual(page);

        harness.setSyspage(null);
        expect(harness.gatherQnxSyspage()).toBeNull();
      });
    },
    BUILD_TIMEOUT_MS,
  );
});
