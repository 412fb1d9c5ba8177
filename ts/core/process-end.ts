/**
 * Work that must happen however this process ends: a normal exit, process.exit(), or SIGINT,
 * SIGTERM, SIGHUP. Child processes outlive a parent that dies without killing them, and folders
 * nobody removes stay in /tmp. The tasks run synchronously (an 'exit' handler cannot wait) in the
 * order of their stage: processes are stopped before the folders they write into are removed.
 * After a signal the tasks run, then the signal is raised again so its default action still ends
 * the process, unless another listener has taken the signal over (deploy's session closes its
 * link first and raises it again itself).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export type EndStage = 'processes' | 'files';

const STAGES: readonly EndStage[] = ['processes', 'files'];
const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const tasks: Record<EndStage, Set<() => void>> = { processes: new Set(), files: new Set() };
const ownListeners = new Map<NodeJS.Signals, () => void>();
let hooksInstalled = false;

/**
 * Listeners of `signal` besides this module's: code that must end the process by a signal it
 * caught (a firmware build it interrupted) raises it again only when nobody else will.
 */
export function otherSignalListeners(signal: NodeJS.Signals): number {
  const own = ownListeners.get(signal);
  return process.listeners(signal).filter((listener) => listener !== own).length;
}

/** Runs `task` when the process ends, unless the returned function was called first. */
export function atProcessEnd(stage: EndStage, task: () => void): () => void {
  installHooks();
  tasks[stage].add(task);
  return () => tasks[stage].delete(task);
}

function runTasks(): void {
  for (const stage of STAGES) {
    // Tasks stay registered: each is idempotent, and a signal another listener takes over is not the end yet.
    for (const task of [...tasks[stage]]) {
      try {
        task();
      } catch {
        // One task that fails must not keep the others from running while the process ends.
      }
    }
  }
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', runTasks);
  for (const signal of SIGNALS) {
    const onSignal = (): void => {
      runTasks();
      // Alone, a listener would keep the process alive; re-raise so the default action still ends it.
      if (otherSignalListeners(signal) === 0) {
        process.removeListener(signal, onSignal);
        ownListeners.delete(signal);
        process.kill(process.pid, signal);
      }
    };
    ownListeners.set(signal, onSignal);
    process.on(signal, onSignal);
  }
}

/** A folder of this process's own; removed by remove(), or when the process ends, however it ends. */
export interface ScratchFolder {
  readonly path: string;
  /** Removes the folder and its contents; safe to call twice. */
  remove(): void;
}

/** A fresh folder `<root>/<prefix>XXXXXX` that does not outlive this process. */
export function scratchFolder(root: string, prefix: string): ScratchFolder {
  const path = mkdtempSync(join(root, prefix));
  // A process that is being killed may still hold a file open inside: retry the rmdir a few times.
  const removeNow = (): void => rmSync(path, { recursive: true, force: true, maxRetries: 3 });
  const cancel = atProcessEnd('files', removeNow);
  return {
    path,
    remove: () => {
      cancel();
      removeNow();
    },
  };
}
