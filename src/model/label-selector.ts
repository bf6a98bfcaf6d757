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
