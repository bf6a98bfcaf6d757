// Findings about many parties (CIDRs, resources claiming one host) name a few and count the rest,
// so a message stays short however large the input: n findings about n parties cost O(n) text.

/** How many parties a message names before counting the rest. */
export const NAMED_IN_MESSAGE = 5;

/**
 * "a, b, c" for up to `limit` items, else the first `limit` and "and N more" (N = total − shown).
 * `total` is the number of parties when `items` holds only the first of them.
 */
export function nameFew(items: readonly string[], total = items.length, limit = NAMED_IN_MESSAGE, separator = ', '): string {
  const shown = items.slice(0, Math.min(limit, total));
  const rest = total - shown.length;
  return rest > 0 ? `${shown.join(separator)} and ${rest.toLocaleString('en-US')} more` : shown.join(separator);
}
