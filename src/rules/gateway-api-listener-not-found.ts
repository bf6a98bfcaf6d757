import { gatewayApiModel } from '../model/gateway-api.js';
import type { Rule } from './types.js';

// istio/istio pilot/pkg/config/kube/gateway/conversion.go referenceAllowed: a parentRef's `port`
// and `sectionName` are checked against each listener first ("port N not found", "sectionName X
// not found"); when no listener has them the route attaches to nothing on that Gateway.
export const rule: Rule = {
  id: 'gateway-api-listener-not-found',
  severity: 'error',
  summary: 'A Gateway API route parentRef asks for a sectionName or port that no listener of the Gateway has',
  docs: 'docs/rules/gateway-api-listener-not-found.md',
  check({ mesh, report }) {
    const model = gatewayApiModel(mesh);
    for (const route of model.routes) {
      for (const p of model.parents(route)) {
        if (p.problem?.kind !== 'no-listener') continue;
        const { ref } = p;
        const gw = p.problem.gateway;
        const asked = [ref.sectionName !== undefined ? `sectionName "${ref.sectionName}"` : '', ref.port !== undefined ? `port ${ref.port}` : ''].filter(Boolean).join(' and ');
        const have = gw.listeners.map((l) => `${l.name || '(unnamed)'}/${l.port ?? '?'}`).join(', ') || 'none';
        report({
          resource: route.resource,
          path: ref.sectionName !== undefined ? [...ref.path, 'sectionName'] : [...ref.path, 'port'],
          message: `${route.resource.ref} attaches to ${gw.label} with ${asked}, but no listener has ${ref.sectionName !== undefined && ref.port !== undefined ? 'both' : 'it'} (listeners name/port: ${have}): Istio does not accept the route there (Accepted=False, NotAccepted), so the gateway does not forward its traffic.`,
        });
      }
    }
  },
};
