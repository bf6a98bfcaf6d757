// Which pods the input can speak for. The modelled workloads (Deployment, StatefulSet, DaemonSet,
// ReplicaSet, Job, CronJob, Pod) are pod templates the linter reads; other controllers make pods
// too (Argo Rollouts, Knative Services, operators' custom resources), with labels the linter
// cannot know. A namespace holding one of those, or a Gateway API Gateway (whose Deployment Istio
// generates, labelled gateway.networking.k8s.io/gateway-name), is one whose pods are not all in
// the input.
import type { Resource } from '../types.js';
import { modelledKind } from './kinds.js';
import type { Mesh } from './mesh.js';
import { at, isObject } from './resource.js';

function makesPods(r: Resource): boolean {
  if (modelledKind(r) === 'Workload') return false;
  if (r.group === 'gateway.networking.k8s.io' && r.kind === 'Gateway') return true;
  const spec = r.raw.spec;
  if (!isObject(spec)) return false;
  // A pod template (spec.template.spec.containers), a job template, or a reference to one.
  return isObject(at(spec, 'template', 'spec')) || isObject(spec.jobTemplate) || isObject(spec.workloadRef);
}

const cache = new WeakMap<Mesh, Set<string>>();

/** Namespaces where pods not described by the input's workloads may run. */
export function namespacesWithUnknownPods(mesh: Mesh): ReadonlySet<string> {
  let out = cache.get(mesh);
  if (!out) {
    out = new Set();
    for (const r of mesh.modelledResources) if (r.namespace && makesPods(r)) out.add(r.namespace);
    cache.set(mesh, out);
  }
  return out;
}
