// Kubernetes label selectors (metav1.LabelSelector): matchLabels and matchExpressions with In,
// NotIn, Exists and DoesNotExist, all ANDed (k8s.io/apimachinery pkg/apis/meta/v1
// LabelSelectorAsSelector). An empty selector matches everything; an operator the API does not
// know makes the selector invalid, which matches nothing here.
import { asArray, asString, asStringArray, isObject, stringMap } from './resource.js';

export type LabelSelectorMatcher = (labels: Record<string, string>) => boolean;

export function labelSelector(v: unknown): LabelSelectorMatcher {
  if (!isObject(v)) return () => true;
  const matchLabels = stringMap(v.matchLabels);
  const tests: LabelSelectorMatcher[] = Object.entries(matchLabels).map(([k, val]) => (l) => l[k] === val);
  for (const e of asArray(v.matchExpressions)) {
    if (!isObject(e)) return () => false;
    const key = asString(e.key) ?? '';
    const values = asStringArray(e.values);
    switch (asString(e.operator)) {
      case 'In':
        tests.push((l) => l[key] !== undefined && values.includes(l[key]!));
        break;
      case 'NotIn':
        tests.push((l) => l[key] === undefined || !values.includes(l[key]!));
        break;
      case 'Exists':
        tests.push((l) => l[key] !== undefined);
        break;
      case 'DoesNotExist':
        tests.push((l) => l[key] === undefined);
        break;
      default:
        return () => false;
    }
  }
  return (labels) => tests.every((t) => t(labels));
}

/** The labels of a namespace as selectors see them: its own, plus `kubernetes.io/metadata.name` (set by the API server). */
export function namespaceLabels(name: string, own: Record<string, string> = {}): Record<string, string> {
  return { ...own, 'kubernetes.io/metadata.name': name };
}

/** How many candidates closestToSelector compares, so that many failing selectors stay linear. */
export const CLOSEST_POOL = 256;

/**
 * Candidates (among the first CLOSEST_POOL) ranked by how close their labels are to a selector
 * that matches none of them: most key=value pairs in common, then most keys, then input order.
 * For the suggestions of selector rules.
 */
export function closestToSelector<T extends { labels: Record<string, string> }>(selector: Record<string, string>, candidates: readonly T[]): T[] {
  const entries = Object.entries(selector);
  return candidates
    .slice(0, CLOSEST_POOL)
    .map((c, i) => {
      let pairs = 0;
      let keys = 0;
      for (const [k, v] of entries) {
        if (c.labels[k] === v) pairs++;
        else if (c.labels[k] !== undefined) keys++;
      }
      return { c, i, pairs, keys };
    })
    .sort((a, b) => b.pairs - a.pairs || b.keys - a.keys || a.i - b.i)
    .map((x) => x.c);
}
