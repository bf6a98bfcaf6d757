// Istio annotations that are read from a pod only. istio/api `annotation/annotations.yaml` lists,
// for each annotation, the resources it attaches to; the sidecar-injection and traffic-capture ones
// (`sidecar.istio.io/*`, `traffic.sidecar.istio.io/*`, `proxy.istio.io/config`,
// `inject.istio.io/templates`, `status.sidecar.istio.io/port`, `readiness.status.sidecar.istio.io/*`)
// attach to `Pod` alone. The injector reads the pod being created, so on a Deployment's (or other
// controller's) own metadata they do nothing; istioctl's annotations analyzer
// (`pkg/config/analysis/analyzers/annotations`) reports them there as IST0107 MisplacedAnnotation.
import type { Workload } from './kinds.js';

const POD_ONLY_PREFIXES = ['sidecar.istio.io/', 'traffic.sidecar.istio.io/', 'status.sidecar.istio.io/', 'readiness.status.sidecar.istio.io/'];
const POD_ONLY_NAMES = new Set(['proxy.istio.io/config', 'inject.istio.io/templates', 'prometheus.istio.io/merge-metrics']);

/** Whether Istio reads the annotation `name` from pods only. */
export function isPodOnlyAnnotation(name: string): boolean {
  return POD_ONLY_NAMES.has(name) || POD_ONLY_PREFIXES.some((p) => name.startsWith(p) && name.length > p.length);
}

export interface MisplacedPodAnnotation {
  name: string;
  /** Whether the pod template sets the same annotation (then this one is only redundant). */
  alsoOnTemplate: boolean;
}

/**
 * The pod-only annotations on a controller's own metadata (a Deployment, StatefulSet, DaemonSet,
 * ReplicaSet, Job or CronJob; not a Pod, whose metadata is the pod's).
 */
export function misplacedPodAnnotations(w: Workload): MisplacedPodAnnotation[] {
  if (w.templatePath.length === 0 || w.fromOperator) return [];
  const own = w.resource.annotations;
  const template = w.annotations;
  return Object.keys(own)
    .filter(isPodOnlyAnnotation)
    .sort()
    .map((name) => ({ name, alsoOnTemplate: Object.prototype.hasOwnProperty.call(template, name) }));
}
