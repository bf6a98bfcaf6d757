// "Which earlier parties share a channel with this one?" for findings about many resources claiming
// one thing (a host on a gateway workload, a host seen from a namespace). Comparing every pair costs
// O(n²) and naming every party makes n findings of n names each; this index answers each question
// with the number of distinct parties and the first few of them, in time that does not grow with the
// parties already added (given few distinct channel sets, the usual case: one selector, `exportTo: ["."]`).
import { NAMED_IN_MESSAGE } from './few.js';

/** Every channel (a resource exported to every namespace). */
export const EVERY_CHANNEL = 'all';
export type Channels = readonly string[] | typeof EVERY_CHANNEL;

export interface Parties {
  /** Distinct parties. */
  count: number;
  /** The first of them (by name, or by when they were added), at most the index's `named`. */
  first: string[];
}

/** Parties added with the same channel set. */
interface PartyClass {
  refs: Set<string>;
  /** The `keep` first refs of the class by the index's order. */
  first: string[];
}

export class PartyIndex {
  private readonly classes = new Map<string, PartyClass>();
  private readonly byChannel = new Map<string, PartyClass[]>();
  /** Every party with at least one channel, as one class: answers questions about every channel. */
  private readonly visible: PartyClass = { refs: new Set(), first: [] };
  private everywhere: PartyClass | undefined;
  /** Classes each ref is in, kept for refs in more than one (a resource defined twice differently). */
  private readonly classesOfRef = new Map<string, PartyClass[]>();
  private readonly shared = new Set<string>();
  private readonly seq = new Map<string, number>();
  private readonly keep: number;

  /**
   * `order`: which parties are named first, the smallest names or the first added. `named`: how many
   * a query returns.
   */
  constructor(
    private readonly order: 'name' | 'added',
    private readonly named = NAMED_IN_MESSAGE,
  ) {
    // One more than named: the party asking may be among them and is left out.
    this.keep = named + 1;
  }

  private before(a: string, b: string): boolean {
    return this.order === 'name' ? a < b : this.seq.get(a)! < this.seq.get(b)!;
  }

  private insert(c: PartyClass, ref: string): void {
    if (c.refs.has(ref)) return;
    c.refs.add(ref);
    const f = c.first;
    if (f.length === this.keep && !this.before(ref, f[f.length - 1]!)) return;
    let i = f.length;
    while (i > 0 && this.before(ref, f[i - 1]!)) i--;
    f.splice(i, 0, ref);
    if (f.length > this.keep) f.pop();
  }

  /** Adds party `ref` on `channels` (none: the party is seen nowhere and never counted). */
  add(ref: string, channels: Channels): void {
    if (channels !== EVERY_CHANNEL && channels.length === 0) return;
    if (!this.seq.has(ref)) this.seq.set(ref, this.seq.size);
    const key = channels === EVERY_CHANNEL ? '\0all' : [...new Set(channels)].sort().join('\0');
    let c = this.classes.get(key);
    if (!c) {
      c = { refs: new Set(), first: [] };
      this.classes.set(key, c);
      if (channels === EVERY_CHANNEL) this.everywhere = c;
      else for (const ch of new Set(channels)) {
        const list = this.byChannel.get(ch);
        if (list) list.push(c);
        else this.byChannel.set(ch, [c]);
      }
    }
    if (!c.refs.has(ref)) {
      const of = this.classesOfRef.get(ref);
      if (of) {
        of.push(c);
        this.shared.add(ref);
      } else this.classesOfRef.set(ref, [c]);
    }
    this.insert(c, ref);
    this.insert(this.visible, ref);
  }

  /** Whether some party was added on every channel. */
  get hasEverywhere(): boolean {
    return this.everywhere !== undefined;
  }

  /** Whether some party was added on `channel` itself (not counting parties on every channel). */
  hasChannel(channel: string): boolean {
    return this.byChannel.has(channel);
  }

  /** Channels parties were added on (EVERY_CHANNEL not included), in no particular order. */
  channels(): IterableIterator<string> {
    return this.byChannel.keys();
  }

  /**
   * Every distinct party sharing a channel with `channels`, `exclude` left out, in no particular
   * order; undefined when there are more than `limit` (the caller then works with query()).
   */
  list(channels: Channels, exclude: string | undefined, limit: number): string[] | undefined {
    const found = new Set<string>();
    for (const c of this.classesFor(channels)) {
      for (const ref of c.refs) {
        if (ref === exclude) continue;
        found.add(ref);
        if (found.size > limit) return undefined;
      }
    }
    return [...found];
  }

  private classesFor(channels: Channels): PartyClass[] {
    if (channels === EVERY_CHANNEL) return [this.visible];
    const set = new Set<PartyClass>();
    if (channels.length > 0 && this.everywhere) set.add(this.everywhere);
    for (const ch of channels) for (const c of this.byChannel.get(ch) ?? []) set.add(c);
    return [...set];
  }

  /** Sorts refs in the index's order (names, or when first added). */
  sort(refs: string[]): string[] {
    return refs.sort((a, b) => (this.before(a, b) ? -1 : this.before(b, a) ? 1 : 0));
  }

  /** Distinct parties sharing a channel with `channels`, `exclude` (the party asking) left out. */
  query(channels: Channels, exclude?: string): Parties {
    const classes = this.classesFor(channels);
    if (classes.length === 0) return { count: 0, first: [] };
    let count = 0;
    for (const c of classes) count += c.refs.size;
    if (classes.length > 1) {
      // A ref in several of the classes counts once.
      const chosen = new Set(classes);
      for (const ref of this.shared) {
        const k = this.classesOfRef.get(ref)!.filter((c) => chosen.has(c)).length;
        if (k > 1) count -= k - 1;
      }
    }
    if (exclude !== undefined && classes.some((c) => c.refs.has(exclude))) count--;
    const first = this.sort([...new Set(classes.flatMap((c) => c.first))].filter((r) => r !== exclude));
    return { count, first: first.slice(0, this.named) };
  }
}
