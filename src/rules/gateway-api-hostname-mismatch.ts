import { gatewayApiModel } from '../model/gateway-api.js';
import type { Rule } from './types.js';

// istio/istio pilot/pkg/config/kube/gateway/conversion.go referenceAllowed: the route's hostnames
// and the listener's hostname must intersect (bidirectional wildcard match; none means any);
// otherwise the route is refused with NoMatchingListenerHostname.
export const rule: Rule = {
  id: 'gateway-api-hostname-mismatch',
  severity: 'error',
  summary: 'No hostname of a Gateway API route intersects the hostname of any listener it attaches to',
  docs: 'docs/rules/gateway-api-hostname-mismatch.md',
  check({ mesh, report }) {
    const model = gatewayApiModel(mesh);
    for (const route of model.routes) {
      for (const p of model.parents(route)) {
        if (p.problem?.kind !== 'no-hostname') continue;
        const gw = p.problem.gateway;
        const listeners = p.problem.listeners.map((l) => `${l.name} (${l.hostname})`).join(', ');
        const hosts = route.hostnames.map((h) => h.value).join(', ');
        report({
          resource: route.resource,
          path: route.hostnames[0]?.path ?? p.ref.path,
          message: `${route.resource.ref} has hostnames ${hosts}, none of which matches listener ${listeners} of ${gw.label}: Istio refuses the route there (Accepted=False, NoMatchingListenerHostname), so requests for these hosts reach the gateway with no route (404 for HTTP, a reset for TLS). Make a route hostname match the listener's hostname.`,
        });
      }
    }
  },
};
