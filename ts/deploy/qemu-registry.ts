/**
 * Every QEMU this process started and has not seen exit. QEMU outlives a parent that dies without
 * killing it, so the registry kills them all when this process exits or is told to stop (SIGINT,
 * SIGTERM, SIGHUP). A SIGKILLed parent runs no code: for that case the launcher starts QEMU under
 * `setpriv --pdeathsig SIGKILL` where setpriv exists (Linux), so the kernel kills QEMU.
 */
import type { ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();
let hooksInstalled = false;
const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export function registerQemu(child: ChildProcess): void {
  installHooks();
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

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', killAllQemu);
  for (const signal of FORWARDED_SIGNALS) {
    const onSignal = (): void => {
      killAllQemu();
      // Alone, a listener would keep the process alive; re-raise so the default action still ends it.
      if (process.listenerCount(signal) === 1) {
        process.removeListener(signal, onSignal);
        process.kill(process.pid, signal);
      }
    };
    process.on(signal, onSignal);
  }
}
