/**
 * Every QEMU this process started and has not seen exit. QEMU outlives a parent that dies without
 * killing it, so the registry kills them all when this process exits or is told to stop (SIGINT,
 * SIGTERM, SIGHUP; ts/core/process-end.ts), before their scratch folders are removed. A SIGKILLed
 * parent runs no code: for that case the launcher starts QEMU under `setpriv --pdeathsig SIGKILL`
 * where setpriv exists (Linux), so the kernel kills QEMU.
 */
import type { ChildProcess } from 'node:child_process';
import { atProcessEnd } from '../core/process-end.js';

const live = new Set<ChildProcess>();
let hooksInstalled = false;

export function registerQemu(child: ChildProcess): void {
  if (!hooksInstalled) {
    hooksInstalled = true;
    atProcessEnd('processes', killAllQemu);
  }
  live.add(child);
  child.once('exit', () => live.delete(child));
}

export function unregisterQemu(child: ChildProcess): void {
  live.delete(child);
}

/** Pids of the QEMU processes this process still owns. */
export function liveQemuPids(): number[] {
  return [...live].flatMap((child) => (child.pid === undefined ? [] : [child.pid]));
}

/** SIGKILLs every registered QEMU; synchronous, so it can run in an 'exit' handler. */
export function killAllQemu(): void {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // Already gone: nothing to do.
    }
  }
  live.clear();
}
