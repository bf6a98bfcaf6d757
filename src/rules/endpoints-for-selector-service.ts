import type { Rule } from './types.js';
import { endpointsIndex, serviceOfSet } from '../model/endpoints.js';

// Semantics §8: a Service with a selector has controller-owned endpoints. A hand-written Endpoints
// object is overwritten by the endpoints controller and never mirrored; a hand-written EndpointSlice
// is left alone by the controller (it manages only its own managed-by slices) and its addresses are
// merged with the selected pods by kube-proxy and Istio, hence a warning only.
export const rule: Rule = {
  id: 'endpoints-for-selector-service',
  severity: 'error',
  summary: 'Hand-written Endpoints or EndpointSlice for a Service that has a selector',
  docs: 'docs/rules/endpoints-for-selector-service.md',
  check({ mesh, report }) {
    for (const set of endpointsIndex(mesh).sets) {
      if (set.controllerMade) continue;
      const svc = serviceOfSet(mesh, set);
      if (!svc?.selector) continue;
      const r = set.resource;
      const selector = Object.entries(svc.selector)
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
      if (set.kind === 'Endpoints') {
        report({
          resource: r,
          path: set.linkPath,
          message: `${r.ref} is written by hand for ${svc.resource.ref}, which has a selector (${selector}): the endpoints controller owns this object and overwrites it with the selected pods, and it is never mirrored to an EndpointSlice, so Istio never sees these addresses; remove the Service's selector or delete this object.`,
        });
      } else if (!set.ignoredBecause) {
        report({
          resource: r,
          path: set.linkPath,
          severity: 'warning',
          message: `${r.ref} is written by hand for ${svc.resource.ref}, which has a selector (${selector}): Istio and kube-proxy add its addresses to the selected pods, so traffic is split between the pods and these addresses; remove the selector (selectorless Service) or this slice.`,
        });
      }
    }
  },
};
