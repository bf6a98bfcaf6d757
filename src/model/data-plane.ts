// Which data plane carries a workload's outbound traffic: a sidecar, ztunnel (ambient mode), or
// nothing (outside the mesh). Decided per pod template from its labels and its Namespace's, the way
// Istio decides it:
//
// Sidecar injection (the istiod chart's MutatingWebhookConfiguration selectors, and
// pkg/kube/inject/inject.go injectRequired):
//   - Namespace label `istio-injection: enabled`, or `istio.io/rev` on the Namespace: every pod,
//     unless the pod says `sidecar.istio.io/inject: "false"`;
//   - Namespace label `istio-injection` with any other value (`disabled`): no pod;
//   - neither label: only pods labelled `sidecar.istio.io/inject: "true"` or `istio.io/rev`;
//   - `hostNetwork: true` pods are never injected.
//   A Namespace the input does not show is taken to enable injection (the linter cannot know its
//   labels), which keeps the pod on the sidecar path unless the pod itself opts out or asks for
//   ambient mode.
// Ambient redirection (cni/pkg/util/podutil.go PodRedirectionEnabled; istio.io
// docs/ambient/usage/add-workloads "Pod selection logic for ambient and sidecar modes"):
//   - the Namespace or the pod has `istio.io/dataplane-mode: ambient`;
//   - the pod has no sidecar (sidecar injection takes precedence);
//   - the pod is not labelled `istio.io/dataplane-mode: none`;
//   - the pod is not on the host network.
// Capture by the sidecar (tools/istio-iptables/pkg/capture/run.go): the ISTIO_OUTPUT chain returns
// early for packets of processes running as the proxy's UID or GID (1337), so an application
// container running as 1337 is never redirected: istioctl IST0144 InvalidApplicationUID
// (pkg/config/analysis/analyzers/deployment/pod.go) warns about the same settings.
import type { FieldPath, Resource } from '../types.js';
import { injectionDisabled } from './capture.js';
import type { ContainerInfo, Workload } from './kinds.js';
import type { Mesh } from './mesh.js';
import { isObject } from './resource.js';

export type DataPlaneKind = 'sidecar' | 'ambient' | 'none';

export const DATAPLANE_MODE_LABEL = 'istio.io/dataplane-mode';
/** The UID and GID the sidecar proxy runs as (istio-iptables --proxy-uid / --proxy-gid defaults). */
export const PROXY_UID = 1337;

export interface UncapturedContainer {
  container: ContainerInfo;
  /** `runAsUser` or `runAsGroup`, and where it is set (the container's or the pod's securityContext). */
  field: 'runAsUser' | 'runAsGroup';
  path: FieldPath;
}

export interface DataPlane {
  kind: DataPlaneKind;
  /** What decided it, for messages: "namespace shop is labelled istio.io/dataplane-mode=ambient". */
  reason: string;
  /** The resource and path of the label that decided it, when one did. */
  resource?: Resource;
  path?: FieldPath;
  /** Sidecar pods only: application containers whose traffic the sidecar never captures. */
  uncaptured: UncapturedContainer[];
}

const TRUTHY = new Set(['y', 'yes', 'true', 'on']);

/** The Namespace object of the input, if any. */
export function namespaceResource(mesh: Mesh, namespace: string): Resource | undefined {
  return mesh.get('Namespace', '', namespace);
}

/** Whether the sidecar injector adds a sidecar to a pod with these labels in this namespace. */
function sidecarInjected(mesh: Mesh, w: Workload): { injected: boolean; reason: string } {
  if (w.podSpec.hostNetwork === true) return { injected: false, reason: 'it runs on the host network, which the injector skips' };
  const ns = namespaceResource(mesh, w.namespace);
  const podInject = w.labels['sidecar.istio.io/inject'] ?? w.annotations['sidecar.istio.io/inject'];
  if (podInject !== undefined && injectionDisabled(w)) return { injected: false, reason: `its pod template sets sidecar.istio.io/inject: "${podInject}"` };
  if (!ns) {
    // A pod that asks for ambient mode is taken at its word when its namespace's labels are unknown.
    if (w.labels[DATAPLANE_MODE_LABEL] === 'ambient' && !(podInject !== undefined && TRUTHY.has(podInject.toLowerCase()))) {
      return { injected: false, reason: `the input does not show namespace ${w.namespace} and the pod asks for ambient mode` };
    }
    return { injected: true, reason: `the input does not show namespace ${w.namespace}, so sidecar injection is assumed` };
  }
  const nsInjection = ns.labels['istio-injection'];
  if (nsInjection !== undefined) {
    return nsInjection === 'enabled'
      ? { injected: true, reason: `namespace ${w.namespace} is labelled istio-injection=enabled` }
      : { injected: false, reason: `namespace ${w.namespace} is labelled istio-injection=${nsInjection}` };
  }
  if (ns.labels['istio.io/rev'] !== undefined) return { injected: true, reason: `namespace ${w.namespace} is labelled istio.io/rev=${ns.labels['istio.io/rev']}` };
  if (podInject !== undefined && TRUTHY.has(podInject.toLowerCase())) return { injected: true, reason: 'its pod template sets sidecar.istio.io/inject: "true"' };
  if (w.labels['istio.io/rev'] !== undefined) return { injected: true, reason: `its pod template is labelled istio.io/rev=${w.labels['istio.io/rev']}` };
  return { injected: false, reason: `namespace ${w.namespace} has no injection label (istio-injection, istio.io/rev) and the pod does not ask for one` };
}

/** Application containers that run as the proxy's UID or GID (the container's setting wins over the pod's). */
function uncapturedContainers(w: Workload): UncapturedContainer[] {
  const out: UncapturedContainer[] = [];
  const podSecurity = isObject(w.podSpec.securityContext) ? w.podSpec.securityContext : {};
  const specPath: FieldPath = [...w.templatePath, 'spec'];
  for (const c of w.containers) {
    // istioctl skips the proxy itself; init containers run before the iptables rules matter.
    if (c.name === 'istio-proxy' || c.path[c.path.length - 2] === 'initContainers') continue;
    const own = isObject(c.value.securityContext) ? c.value.securityContext : {};
    for (const field of ['runAsUser', 'runAsGroup'] as const) {
      const value = own[field] ?? podSecurity[field];
      if (value !== PROXY_UID) continue;
      const path = own[field] !== undefined ? [...c.path, 'securityContext', field] : [...specPath, 'securityContext', field];
      out.push({ container: c, field, path });
      break;
    }
  }
  return out;
}

const cache = new WeakMap<Workload, DataPlane>();

/** The data plane of a workload's pods (see the header for the rules and their sources). */
export function dataPlaneOf(mesh: Mesh, w: Workload): DataPlane {
  let dp = cache.get(w);
  if (dp) return dp;
  dp = decide(mesh, w);
  cache.set(w, dp);
  return dp;
}

function decide(mesh: Mesh, w: Workload): DataPlane {
  const ns = namespaceResource(mesh, w.namespace);
  const podMode = w.labels[DATAPLANE_MODE_LABEL];
  const nsMode = ns?.labels[DATAPLANE_MODE_LABEL];
  const sidecar = sidecarInjected(mesh, w);
  if (sidecar.injected) return { kind: 'sidecar', reason: sidecar.reason, uncaptured: uncapturedContainers(w) };
  const labelPath = (key: string): FieldPath => [...w.templatePath, 'metadata', 'labels', key];
  if (podMode === 'none') return { kind: 'none', reason: `its pod template is labelled ${DATAPLANE_MODE_LABEL}=none`, resource: w.resource, path: labelPath(DATAPLANE_MODE_LABEL), uncaptured: [] };
  if (w.podSpec.hostNetwork === true) return { kind: 'none', reason: sidecar.reason, uncaptured: [] };
  if (podMode === 'ambient') return { kind: 'ambient', reason: `its pod template is labelled ${DATAPLANE_MODE_LABEL}=ambient`, resource: w.resource, path: labelPath(DATAPLANE_MODE_LABEL), uncaptured: [] };
  if (nsMode === 'ambient') return { kind: 'ambient', reason: `namespace ${w.namespace} is labelled ${DATAPLANE_MODE_LABEL}=ambient`, resource: ns, path: ['metadata', 'labels', DATAPLANE_MODE_LABEL], uncaptured: [] };
  return { kind: 'none', reason: sidecar.reason, uncaptured: [] };
}

/**
 * The data plane of a namespace's pods in general, for configuration whose clients are "the
 * proxies of namespace N" rather than one workload: ambient when the Namespace is labelled for
 * ambient and not for sidecar injection (injection takes precedence), sidecar otherwise.
 */
export function namespaceDataPlane(mesh: Mesh, namespace: string): DataPlane {
  const ns = namespaceResource(mesh, namespace);
  if (ns && ns.labels[DATAPLANE_MODE_LABEL] === 'ambient' && ns.labels['istio-injection'] !== 'enabled' && ns.labels['istio.io/rev'] === undefined) {
    return { kind: 'ambient', reason: `namespace ${namespace} is labelled ${DATAPLANE_MODE_LABEL}=ambient`, resource: ns, path: ['metadata', 'labels', DATAPLANE_MODE_LABEL], uncaptured: [] };
  }
  return { kind: 'sidecar', reason: ns ? `namespace ${namespace} is not an ambient namespace` : `the input does not show namespace ${namespace}, so sidecars are assumed`, uncaptured: [] };
}
