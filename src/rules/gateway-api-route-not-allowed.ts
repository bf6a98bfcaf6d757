import { gatewayApiModel } from '../model/gateway-api.js';
import type { Rule } from './types.js';

// istio/istio pilot/pkg/config/kube/gateway/conversion.go referenceAllowed and
// GenerateSupportedKinds: a listener's allowedRoutes admits routes from its namespaces (default
// Same, or All, or a Selector on namespace labels) and of its kinds (by protocol: HTTP/HTTPS take
// HTTPRoute and GRPCRoute, TLS takes TLSRoute, TCP takes TCPRoute; allowedRoutes.kinds narrows
// that); otherwise the route is refused with NotAllowedByListeners.
export const rule: Rule = {
  id: 'gateway-api-route-not-allowed',
  severity: 'error',
  summary: "A Gateway listener's allowedRoutes does not admit a route attached to it (its namespace or its kind)",
  docs: 'docs/rules/gateway-api-route-not-allowed.md',
  check({ mesh, report }) {
    const model = gatewayApiModel(mesh);
    for (const route of model.routes) {
      for (const p of model.parents(route)) {
        if (p.problem?.kind !== 'not-allowed') continue;
        const gw = p.problem.gateway;
        const ls = p.problem.listeners;
        const why =
          p.problem.reason === 'namespace'
            ? `its allowedRoutes.namespaces (from: ${[...new Set(ls.map((l) => l.allowedFrom))].join(', ')}) does not admit namespace ${route.namespace}`
            : `it takes ${[...new Set(ls.flatMap((l) => l.kinds))].join(', ') || 'no route kind'} (protocol ${[...new Set(ls.map((l) => l.protocol))].join(', ')}), not ${route.kind}`;
        report({
          resource: route.resource,
          path: p.ref.path,
          message: `${route.resource.ref} attaches to listener ${ls.map((l) => l.name).join(', ')} of ${gw.label}, but ${why}: Istio refuses the route (Accepted=False, NotAllowedByListeners), so the gateway does not forward its traffic.`,
        });
      }
    }
  },
};
