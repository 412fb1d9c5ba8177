/**
 * The memory adapter a target's interpreter takes its arena through (memory.adapter of
 * targets/<id>.yaml; native/platform/wrt_mem_adapter.h): the definition's, or the default of its
 * kind. What native-sim is told on its command line, and what `probe` and `profile` report, come
 * from here. Pure.
 */
import type { MemoryAdapterKind, TargetDefinition, TargetKind } from './types.js';

export interface ResolvedMemoryAdapter {
  readonly kind: MemoryAdapterKind;
  readonly lock: boolean;
  readonly populate: boolean;
  readonly hugepages: boolean;
  /** qnx-typed-memory: the typed memory object; null for the other kinds. */
  readonly typedMemoryName: string | null;
  /** Where the values come from: the definition's field, or the default of the target's kind. */
  readonly source: string;
}

/** Host kinds run native-sim on this machine: Linux's mmap. Boards have their linker's arena. */
export function defaultAdapterKind(kind: TargetKind): MemoryAdapterKind {
  return kind === 'host-sim' || kind === 'host' ? 'linux-mmap' : 'linker-arena';
}

export function memoryAdapterOf(def: TargetDefinition): ResolvedMemoryAdapter {
  const spec = def.memory.adapter;
  if (spec === undefined) {
    return {
      kind: defaultAdapterKind(def.kind),
      lock: false,
      populate: false,
      hugepages: false,
      typedMemoryName: null,
      source: `target ${def.id}: default of kind ${def.kind} (no memory.adapter)`,
    };
  }
  return {
    kind: spec.kind,
    lock: spec.lock === true,
    // A locked region is faulted in by mlock whether or not populate was asked for.
    populate: spec.populate === true || spec.lock === true,
    hugepages: spec.hugepages === true,
    typedMemoryName: spec.typedMemoryName ?? null,
    source: `target ${def.id}: memory.adapter`,
  };
}

/** native-sim's options for the adapter (native/sim/main.c); none for the defaults. */
export function nativeSimMemoryArgs(adapter: ResolvedMemoryAdapter): string[] {
  return [
    ...(adapter.lock ? ['--mem-lock'] : []),
    ...(adapter.populate && !adapter.lock ? ['--mem-populate'] : []),
    ...(adapter.hugepages ? ['--mem-hugepages'] : []),
    ...(adapter.typedMemoryName === null ? [] : ['--mem-typed-memory', adapter.typedMemoryName]),
  ];
}

/**
 * What the adapter keeps resident, in words: a board's linker arena always is; on a host the arena
 * is locked only when asked, and then within RLIMIT_MEMLOCK (`lockLimit`, null when not known).
 */
export function describeLocking(adapter: ResolvedMemoryAdapter, arenaBytes: number | null): string {
  const arena = arenaBytes === null ? 'the arena' : `the ${arenaBytes}-byte arena`;
  if (adapter.kind === 'linker-arena') return `${arena}, always (RAM without paging)`;
  if (!adapter.lock) return adapter.populate ? `nothing (${arena} is populated, not locked)` : 'nothing (pages on first touch)';
  return `${arena} (mlock, within RLIMIT_MEMLOCK unless CAP_IPC_LOCK)`;
}
