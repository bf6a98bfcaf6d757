// Which Sidecar of a namespace applies to a workload (semantics §1.1 and istio.io "Sidecar":
// a Sidecar with a workloadSelector applies to the pods it selects, else the namespace's one
// Sidecar without a selector). Answered from an index, so n workloads asking about a namespace with
// n Sidecars cost about O(n), not O(n²). When several match, the first in input order wins, as the
// linear scan this replaces did.
import type { SidecarInfo } from './kinds.js';
import { labelsMatch } from './resource.js';

export class NamespaceSidecars {
  /** The first Sidecar without a workloadSelector. */
  readonly namespaceWide: SidecarInfo | undefined;
  readonly size: number;
  /** Sidecars with a non-empty selector, with their input position, under one `key=value` of the selector. */
  private readonly bySelectorPair = new Map<string, { at: number; sidecar: SidecarInfo }[]>();

  constructor(sidecars: readonly SidecarInfo[]) {
    this.size = sidecars.length;
    this.namespaceWide = sidecars.find((s) => !s.workloadSelector);
    const selecting = sidecars.map((sidecar, at) => ({ at, sidecar, pairs: Object.entries(sidecar.workloadSelector ?? {}).map(([k, v]) => `${k}=${v}`) })).filter((s) => s.pairs.length > 0);
    // A selector matches only labels holding each of its pairs: file it under its least shared pair,
    // so that a lookup meets few Sidecars that do not match.
    const counts = new Map<string, number>();
    for (const s of selecting) for (const p of s.pairs) counts.set(p, (counts.get(p) ?? 0) + 1);
    for (const s of selecting) {
      let best = s.pairs[0]!;
      for (const p of s.pairs) if (counts.get(p)! < counts.get(best)! || (counts.get(p) === counts.get(best) && p < best)) best = p;
      const list = this.bySelectorPair.get(best);
      if (list) list.push({ at: s.at, sidecar: s.sidecar });
      else this.bySelectorPair.set(best, [{ at: s.at, sidecar: s.sidecar }]);
    }
  }

  /** The first Sidecar (input order) whose non-empty workloadSelector matches `labels`. */
  selecting(labels: Record<string, string>): SidecarInfo | undefined {
    if (this.bySelectorPair.size === 0) return undefined;
    let best: { at: number; sidecar: SidecarInfo } | undefined;
    for (const [k, v] of Object.entries(labels)) {
      for (const c of this.bySelectorPair.get(`${k}=${v}`) ?? []) {
        if (best && c.at >= best.at) break; // each list is in input order
        if (labelsMatch(c.sidecar.workloadSelector!, labels)) {
          best = c;
          break;
        }
      }
    }
    return best?.sidecar;
  }
}
