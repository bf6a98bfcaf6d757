// Building the model's indexes: lists and sets kept per key.

/** Appends `value` to the list under `key`, creating it on first use. */
export function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Adds `value` to the set under `key`, creating it on first use. */
export function addTo<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
}

/**
 * Appends every item of `items` to `list`. `list.push(...items)` passes each item as an argument,
 * which overflows the call stack at around 100,000 items; this does not.
 */
export function pushAll<T>(list: T[], items: Iterable<T>): void {
  for (const item of items) list.push(item);
}
