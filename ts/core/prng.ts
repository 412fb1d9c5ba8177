/**
 * mulberry32: a tiny seeded generator of floats in [0, 1). Fault injection and fuzz runs use it so
 * that a seed and a run index reproduce a failure exactly, on any machine.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [0, bound) drawn from `random`. */
export function below(random: () => number, bound: number): number {
  return Math.floor(random() * bound);
}
