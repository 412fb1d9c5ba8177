/**
 * QEMU's scratch folders (QMP and UART sockets, the UART log): one per launch, named after the
 * launching process, removed when that QEMU exits and, should the process end first (Ctrl-C,
 * SIGTERM, process.exit), as it ends (ts/core/process-end.ts). A process killed outright (SIGKILL,
 * which QEMU follows through its parent-death signal) cannot remove its own, so every launch first
 * sweeps the folders of processes that no longer exist.
 */
import { readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/** Removes the scratch folders under `root` whose launching process is gone; returns their names. */
export function sweepStaleQemuFolders(root: string = tmpdir()): string[] {
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
export function qemuScratchFolder(root: string = tmpdir()): ScratchFolder {
  sweepStaleQemuFolders(root);
  return scratchFolder(root, `${PREFIX}${process.pid}-`);
}
