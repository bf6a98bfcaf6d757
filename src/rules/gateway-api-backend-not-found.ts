import { gatewayApiModel } from '../model/gateway-api.js';
import type { Rule } from './types.js';

// istio/istio pilot/pkg/config/kube/gateway/conversion.go buildDestination: a Service backendRef
// (the default kind) is `<name>.<namespace>.svc.cluster.local`; when no such Service exists the
// route reports ResolvedRefs=False (BackendNotFound) and the destination has no cluster. The
// Service Istio deploys for an istio-class Gateway (`<gateway>-istio`) counts as existing. A name
// with a dot is refused outright ("the name of the Service must be used, not the hostname").
export const rule: Rule = {
  id: 'gateway-api-backend-not-found',
  severity: 'warning',
  summary: 'A Gateway API route sends to a Service that is not in the input (nor generated for an Istio Gateway), or names it by hostname',
  docs: 'docs/rules/gateway-api-backend-not-found.md',
  check({ mesh, report }) {
    const model = gatewayApiModel(mesh);
    for (const route of model.routes) {
      for (const b of route.backendRefs) {
        if (b.type !== 'service' || !b.name) continue;
        if (b.name.includes('.')) {
          report({
            resource: route.resource,
            path: [...b.path, 'name'],
            severity: 'error',
            message: `${route.resource.ref} names backend Service "${b.name}" by a hostname: Istio refuses the route ("the name of the Service must be used, not the hostname"), so it is not programmed. Use the Service's name (and namespace), or \`kind: Hostname\` with group networking.istio.io for a ServiceEntry host.`,
          });
          continue;
        }
        if (model.serviceExists(b.namespace, b.name)) continue;
        report({
          resource: route.resource,
          path: [...b.path, 'name'],
          message: `${route.resource.ref} sends to Service ${b.namespace}/${b.name}, which is neither in the input nor the Service Istio deploys for a Gateway of the input: if it does not exist in the cluster, Istio reports the backend not found (ResolvedRefs=False, BackendNotFound) and its requests fail (500 for HTTP, a reset for TCP/TLS). Check the name and namespace (an egress Gateway's Service is named <gateway>-istio, in the Gateway's namespace), or lint with --context DIR.`,
        });
      }
    }
  },
};
