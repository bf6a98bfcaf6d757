import type { Rule } from './types.js';
import { endpointsIndex, serviceOfSet, SERVICE_NAME_LABEL } from '../model/endpoints.js';

// Semantics §8: Endpoints link to a Service by name, EndpointSlices by the service-name label.
export const rule: Rule = {
  id: 'endpoints-without-service',
  severity: 'error',
  summary: 'Endpoints or EndpointSlice that belongs to no Service in its namespace',
  docs: 'docs/rules/endpoints-without-service.md',
  check({ mesh, report }) {
    const idx = endpointsIndex(mesh);
    for (const set of idx.sets) {
      if (set.controllerMade) continue;
      const r = set.resource;
      if (!set.serviceName) {
        if (set.kind === 'Endpoints') continue; // nameless objects are schema-violation's
        // By convention a slice's name starts with its Service's name.
        const parts = r.name.split('-');
        const guess = parts.map((_, i) => parts.slice(0, parts.length - i).join('-')).find((n) => mesh.get('Service', r.namespace, n));
        report({
          resource: r,
          path: ['metadata', 'labels'],
          target: 'key',
          message: `${r.ref} has no ${SERVICE_NAME_LABEL} label: Istio and kube-proxy link slices to Services only by that label, so its endpoints serve nothing; add \`${SERVICE_NAME_LABEL}: ${guess ?? '<service name>'}\`.`,
        });
        continue;
      }
      if (serviceOfSet(mesh, set)) continue;
      const elsewhere = (idx.servicesByName.get(set.serviceName) ?? []).filter((s) => s.namespace !== r.namespace).map((s) => s.resource.ref).sort();
      const hint = elsewhere.length > 0 ? ` (${elsewhere.join(', ')} is in another namespace: endpoints must live in their Service's namespace)` : '';
      const message =
        set.kind === 'Endpoints'
          ? `${r.ref} has no Service named "${set.serviceName}" in namespace ${r.namespace}${hint}: Endpoints attach to a Service only by name, and without it no EndpointSlice is mirrored, so nothing routes to these addresses.`
          : `${r.ref} names Service "${set.serviceName}" in its ${SERVICE_NAME_LABEL} label, which namespace ${r.namespace} does not have${hint}: nothing routes to these endpoints.`;
      report({ resource: r, path: set.linkPath, message });
    }
  },
};
