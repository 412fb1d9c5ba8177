import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../../ts/core/paths.js';
import { nativeSimBinary } from '../../ts/run/native-sim-binary.js';
import { makeNativeSim } from '../device/sim-helpers.js';

let built = false;

/** Builds native-sim (and its ASan variant) under the shared make lock; returns the real binary. */
export function buildRealNativeSim(): string {
  if (!built) {
    makeNativeSim();
    built = true;
  }
  return nativeSimBinary({});
}

const FIXTURES = path.join(packageRoot(), 'test', 'run', 'fixtures');

function outDir(): string {
  const dir = path.join(packageRoot(), 'build', 'test-run');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** test/run/fixtures/NAME.wat through wat2wasm; returns the .wasm path. */
export function watFixture(name: string): string {
  const out = path.join(outDir(), `${name}.wasm`);
  execFileSync('wat2wasm', [path.join(FIXTURES, `${name}.wat`), '-o', out]);
  return out;
}

/** test/run/fixtures/NAME.c through clang for wasm32-wasi (Debian's clang finds wasi-libc). */
export function cFixture(name: string): string {
  const out = path.join(outDir(), `${name}.wasm`);
  execFileSync('clang', ['--target=wasm32-wasi', '-O2', '-o', out, path.join(FIXTURES, `${name}.c`)]);
  return out;
}

/** Live processes named native-sim whose parent is `parent` (from /proc; zombies do not count). */
export function nativeSimChildren(parent: number = process.pid): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const [state, ppid] = stat.slice(close + 2).split(' ');
    if (comm.startsWith('native-sim') && Number(ppid) === parent && state !== 'Z') pids.push(Number(entry));
  }
  return pids;
}

/** The environment variable a test sets on a CLI it starts; native-sim inherits it. */
export const MARKER_VARIABLE = 'WRT_TEST_MARKER';

/**
 * Live native-sim processes started by a CLI whose environment carried `marker` (whoever their
 * parent is now: an orphan is found too). Program arguments travel in ARGS, not on native-sim's
 * command line, so the environment is what marks them.
 */
export function nativeSimsMarked(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(entry)) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const environ = fs.readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      const state = fs.readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.[0];
      if (cmdline[0]?.endsWith('native-sim') === true && environ.includes(`${MARKER_VARIABLE}=${marker}`) && state !== 'Z') pids.push(Number(entry));
    } catch {
      continue;
    }
  }
  return pids;
}
