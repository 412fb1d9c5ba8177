/**
 * QEMU's scratch folders (QMP and UART sockets, the UART log): one per launch, named after the
 * launching process, removed when that QEMU exits and, should the process end first (Ctrl-C,
 * SIGTERM, process.exit), as it ends (ts/core/process-end.ts). A process killed outright (SIGKILL,
 * which QEMU follows through its parent-death signal) cannot remove its own, so every launch first
 * sweeps the folders of processes that no longer exist. They live in a folder of this user's own in
 * the temp dir (wrt-target-<uid>, mode 0700), so no user sweeps, or is refused, another user's.
 */
import { chmodSync, lstatSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WrtError } from '../core/errors.js';
import { scratchFolder, type ScratchFolder } from '../core/process-end.js';

const PREFIX = 'wrt-qemu-';
const OWNED = /^wrt-qemu-(\d+)-[A-Za-z0-9]{6}$/;

/** Whether a process with this id exists (EPERM: it does, owned by someone else). */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** This user's folder for scratch folders under `base`; one another user owns (planted or not) is refused. */
export function userScratchRoot(base: string = tmpdir()): string {
  const uid = process.getuid?.() ?? 0;
  const dir = join(base, `wrt-target-${uid}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stat = lstatSync(dir);
  if (!stat.isDirectory() || stat.uid !== uid) {
    throw new WrtError('CACHE_DIR_UNWRITABLE', `${dir} is not a folder of user ${uid}: QEMU's sockets cannot go there`, {
      file: dir,
      limit: 'remove it, or set TMPDIR to a folder of your own',
    });
  }
  if ((stat.mode & 0o077) !== 0) chmodSync(dir, 0o700);
  return dir;
}

/** Removes the scratch folders under `root` whose launching process is gone; returns their names. */
export function sweepStaleQemuFolders(root: string = userScratchRoot()): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return removed;
  }
  for (const name of names) {
    const pid = Number(OWNED.exec(name)?.[1] ?? Number.NaN);
    if (!Number.isInteger(pid) || pid === process.pid || processExists(pid)) continue;
    rmSync(join(root, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

/** A fresh scratch folder for one QEMU launch, after sweeping those of dead processes. */
export function qemuScratchFolder(root: string = userScratchRoot()): ScratchFolder {
  sweepStaleQemuFolders(root);
  return scratchFolder(root, `${PREFIX}${process.pid}-`);
}
