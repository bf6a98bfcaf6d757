import { gatewayApiModel } from '../model/gateway-api.js';
import type { Rule } from './types.js';

// istio/istio pilot/pkg/config/kube/gateway/conversion.go buildDestination: a backendRef to a
// Service of another namespace is refused unless a ReferenceGrant in that namespace lets the route's
// kind and namespace refer to Services there (InvalidDestinationPermit, "missing a ReferenceGrant?",
// status ResolvedRefs=False RefNotPermitted); the backend is dropped. Checked for routes attached to
// a Gateway: for mesh (GAMMA) routes Istio does not always enforce the grant, so they are left alone.
export const rule: Rule = {
  id: 'gateway-api-backend-not-granted',
  severity: 'error',
  summary: 'A Gateway API route sends to a Service in another namespace without a ReferenceGrant that allows it',
  docs: 'docs/rules/gateway-api-backend-not-granted.md',
  check({ mesh, report }) {
    const model = gatewayApiModel(mesh);
    for (const route of model.routes) {
      if (!route.parentRefs.some((p) => p.target === 'gateway')) continue;
      if (route.parentRefs.some((p) => p.target === 'service' || p.target === 'serviceentry')) continue;
      for (const b of route.backendRefs) {
        if (b.type !== 'service' || model.backendGranted(route, b)) continue;
        report({
          resource: route.resource,
          path: [...b.path, 'namespace'],
          message: `${route.resource.ref} sends to Service ${b.namespace}/${b.name}, in another namespace, but no ReferenceGrant in ${b.namespace} allows ${route.kind}s of ${route.namespace} to refer to it: Istio drops the backend (ResolvedRefs=False, RefNotPermitted), so its share of requests fails (500 for HTTP, a reset for TCP/TLS). Add a ReferenceGrant in ${b.namespace} from ${route.kind} in ${route.namespace} to Service ${b.name}.`,
        });
      }
    }
  },
};
