import { gatewayApiModel } from '../model/gateway-api.js';
import type { Rule } from './types.js';

// istio/istio pilot/pkg/config/kube/gateway/conversion.go: referenceAllowed refuses a Service or
// ServiceEntry parent that does not exist (NotAccepted "parent service ... not found"), and a
// Gateway parentRef with no such Gateway matches no listener (NoMatchingParent); the route is then
// programmed nowhere for that parent.
export const rule: Rule = {
  id: 'gateway-api-parent-not-found',
  severity: 'error',
  summary: 'A Gateway API route parentRef names a Gateway, ListenerSet, Service or ServiceEntry that the input does not have, so the route is not attached there',
  docs: 'docs/rules/gateway-api-parent-not-found.md',
  check({ mesh, report }) {
    const model = gatewayApiModel(mesh);
    for (const route of model.routes) {
      for (const p of model.parents(route)) {
        if (p.problem?.kind !== 'not-found') continue;
        const { ref } = p;
        const what = ref.target === 'gateway' ? 'Gateway (gateway.networking.k8s.io)' : ref.target === 'listenerset' ? 'ListenerSet' : ref.target === 'service' ? 'Service' : 'ServiceEntry';
        const effect =
          ref.target === 'gateway' || ref.target === 'listenerset'
            ? `Istio attaches the route to no gateway (status Accepted=False, NoMatchingParent), so the gateway never forwards its traffic`
            : `Istio does not accept the route for that parent (status Accepted=False, "parent ... not found"), so sidecars and waypoints keep sending the traffic to its original destination`;
        report({
          resource: route.resource,
          path: [...ref.path, 'name'],
          message: `${route.resource.ref} names parent ${what} ${ref.namespace}/${ref.name}, but the input has none: ${effect}. Fix the name or namespace, or, if it is defined outside these files, lint with --context DIR.`,
        });
      }
    }
  },
};
