import { namespacesWithUnknownPods } from '../model/pod-sources.js';
import { describeWorkload } from '../model/gateways.js';
import { closestToSelector } from '../model/label-selector.js';
import type { Rule } from './types.js';

// A Service selects pods of its own namespace by label (Kubernetes EndpointSlice controller). When
// the input describes the namespace's pods (it holds workloads there, and nothing else there makes
// pods: src/model/pod-sources.ts) and none carries every label of the selector, the Service has no
// endpoints. The IstioOperator gateway Services and Services of Istio's generated gateway
// Deployments are left out: their pods are not written in the input.
const GENERATED_POD_LABELS = ['gateway.networking.k8s.io/gateway-name', 'istio.io/gateway-name'];

export const rule: Rule = {
  id: 'service-selector-no-pod',
  severity: 'warning',
  summary: 'A Service selector matches no pod of its namespace, in a namespace whose pods the input describes',
  docs: 'docs/rules/service-selector-no-pod.md',
  related: ['IST0101'],
  check({ mesh, report }) {
    const unknown = namespacesWithUnknownPods(mesh);
    for (const svc of mesh.services) {
      const sel = svc.selector;
      if (!sel || svc.type === 'ExternalName') continue;
      if (Object.keys(sel).some((k) => GENERATED_POD_LABELS.includes(k))) continue;
      const pods = mesh.workloadsIn(svc.namespace);
      if (pods.length === 0 || unknown.has(svc.namespace)) continue;
      if (mesh.workloadsMatching(sel, svc.namespace).length > 0) continue;
      // Hand-written Endpoints for it are endpoints-for-selector-service's finding (one defect, one finding).
      const written = mesh.endpointsOf(svc);
      if (written.endpoints.length > 0 || written.slices.length > 0) continue;
      // The pod template sharing most of the selector, to say what differs.
      const best = closestToSelector(sel, pods)[0]!;
      const missing = Object.entries(sel)
        .filter(([k, v]) => best.labels[k] !== v)
        .map(([k, v]) => (best.labels[k] === undefined ? `${k}=${v} (absent)` : `${k}=${v} (it has ${k}=${best.labels[k]})`));
      const selText = Object.entries(sel).map(([k, v]) => `${k}=${v}`).join(', ');
      report({
        resource: svc.resource,
        path: ['spec', 'selector'],
        target: 'key',
        message: `Selector ${selText} ${pods.length > 1 ? `matches none of the ${pods.length} workloads` : 'does not match the only workload'} of namespace ${svc.namespace} in the input: the Service gets no endpoints, so calls to ${svc.fqdn} fail (503 no healthy upstream through a sidecar, connection refused without one). The closest, ${describeWorkload(best)}, lacks ${missing.join(', ')}. If the pods are defined elsewhere, lint with --context DIR pointing at their manifests.`,
      });
    }
  },
};
