// "Did you mean": edit distance and the nearest known name, shared by the config file, suppression
// comments, schema messages and the rules that suggest a name (gateway-not-found,
// unknown-destination-host, mesh-config-conflict).

/**
 * Edit distance of two strings: insertions, deletions, substitutions, and with `transpositions`
 * also swaps of adjacent characters (optimal string alignment, so `tsl` is one step from `tls`).
 * Above `max` the exact value does not matter: it returns `max + 1` as soon as that is certain.
 */
export function editDistance(a: string, b: string, max = Infinity, transpositions = false): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (transpositions && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      cur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return max + 1;
    prev2 = prev;
    prev = cur;
  }
  return Math.min(prev[b.length]!, max + 1);
}

/**
 * The known name closest to `input` (case-insensitive), if it is close enough to be a typo: at most
 * a third of its length away (at least 2). An abbreviation (`warn` for `warning`) counts as one edit.
 */
export function closestName(input: string, known: readonly string[]): string | undefined {
  const a = input.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const b = k.toLowerCase();
    let d = editDistance(a, b);
    if (a.length >= 3 && b.startsWith(a)) d = Math.min(d, 1);
    if (d < bestDistance) {
      bestDistance = d;
      best = k;
    }
  }
  if (best === undefined) return undefined;
  const limit = Math.max(2, Math.floor(best.length / 3));
  return bestDistance <= limit ? best : undefined;
}

/** `; did you mean "x"?` for the closest known name, else `otherwise`. */
export function didYouMean(input: string, known: readonly string[], otherwise = ''): string {
  const best = closestName(input, known);
  return best === undefined ? otherwise : `; did you mean "${best}"?`;
}

/**
 * The first candidate nearest to `word` (compared as `norm` gives them, adjacent swaps counting as
 * one edit) among those fewer than `below` edits away and fewer than the word's length (so a short
 * word is never "corrected" into an unrelated one).
 */
export function nearestName(word: string, candidates: readonly string[], below: number, norm: (s: string) => string = (s) => s): string | undefined {
  let best: string | undefined;
  let bestDistance = below;
  for (const c of candidates) {
    const d = editDistance(word, norm(c), bestDistance - 1, true);
    if (d < bestDistance && d < word.length) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}
