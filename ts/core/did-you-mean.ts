/**
 * "did you mean X?" for a misspelt name: the closest known name by edit distance, when it is close
 * enough to be a typo rather than another word.
 */

/** Levenshtein distance (insert, delete, substitute), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const left = a.toLowerCase();
  const right = b.toLowerCase();
  let previous = Array.from({ length: right.length + 1 }, (_, j) => j);
  for (let i = 1; i <= left.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= right.length; j += 1) {
      const substitute = (previous[j - 1] ?? 0) + (left[i - 1] === right[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitute);
    }
    previous = current;
  }
  return previous[right.length] ?? 0;
}

/**
 * The known name closest to `word`, or undefined when none is within a third of the word's length
 * (at least 1, at most 3 edits): "maxMemroy" finds "maxMemory", "colour" finds nothing in a list
 * of limit names. Ties go to the first in `known`.
 */
export function closestName(word: string, known: readonly string[]): string | undefined {
  const allowed = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  let best: string | undefined;
  let bestDistance = allowed + 1;
  for (const name of known) {
    const distance = editDistance(word, name);
    if (distance < bestDistance && distance > 0) {
      best = name;
      bestDistance = distance;
    }
  }
  return best;
}

/** "; did you mean maxMemory?" to append to a message, or "" when nothing is close. */
export function didYouMean(word: string, known: readonly string[]): string {
  const close = closestName(word, known);
  return close === undefined ? '' : `; did you mean ${close}?`;
}
