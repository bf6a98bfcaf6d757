import type { Rule } from './types.js';
import { endpointsIndex } from '../model/endpoints.js';
import { virtualServiceRoutingAway } from '../model/egress.js';

// Semantics §8: a selectorless Service gets backends only from Endpoints (mirrored) or EndpointSlices
// written for it. Not reported when a ServiceEntry declares the same host with endpoints or a
// workloadSelector: it supplies the backends Istio uses for that name. Nor when a mesh-bound
// VirtualService sends every request for the Service's name to other hosts (an alias Service that
// exists only to give the name a cluster IP the sidecar captures): its backends are never used.
export const rule: Rule = {
  id: 'service-without-endpoints',
  severity: 'warning',
  summary: 'Selectorless Service with no Endpoints or EndpointSlice in the input',
  docs: 'docs/rules/service-without-endpoints.md',
  check({ mesh, report }) {
    const idx = endpointsIndex(mesh);
    for (const svc of mesh.services) {
      if (svc.selector || svc.type === 'ExternalName') continue;
      // The API server's own Service; its endpoints are maintained by kube-apiserver.
      if (svc.namespace === 'default' && svc.name === 'kubernetes') continue;
      const sets = idx.byService.get(`${svc.namespace}/${svc.name}`) ?? [];
      const usable = sets.filter((s) => !s.ignoredBecause);
      if (usable.length > 0) continue;
      const seBackends = mesh.serviceEntriesForHost(svc.fqdn).some((e) => e.se.hosts.some((h) => h.host === svc.fqdn) && (e.se.endpointCount > 0 || e.se.hasWorkloadSelector));
      if (seBackends) continue;
      if (virtualServiceRoutingAway(mesh, svc.fqdn)) continue;
      const ignored = sets.map((s) => `${s.resource.ref} is ignored: ${s.ignoredBecause}`).sort();
      const why = ignored.length > 0 ? `, and the only endpoints written for it do not count (${ignored.join('; ')})` : ' and no Endpoints or EndpointSlice in the input';
      report({
        resource: svc.resource,
        path: ['metadata', 'name'],
        message: `${svc.resource.ref} has no selector${why}: it has no backends, so connections to ${svc.fqdn} fail; add an EndpointSlice labelled kubernetes.io/service-name: ${svc.name} (or Endpoints named ${svc.name}), or a selector.`,
      });
    }
  },
};
