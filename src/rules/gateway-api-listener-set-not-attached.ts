import { gatewayApiModel } from '../model/gateway-api.js';
import type { Rule } from './types.js';

// istio/istio pilot/pkg/config/kube/gateway/gateway_collection.go ListenerSetCollection: a
// ListenerSet's listeners are programmed only when its parentRef is a Gateway that exists, of an
// Istio class, whose `spec.allowedListeners.namespaces` admits the ListenerSet's namespace
// (NamespaceAcceptedByAllowListeners; a Gateway without allowedListeners admits none). Otherwise
// Istio marks the ListenerSet not accepted, and every route attached to it goes nowhere.
export const rule: Rule = {
  id: 'gateway-api-listener-set-not-attached',
  severity: 'error',
  summary: "A ListenerSet's parent Gateway is missing or does not allow ListenerSets from its namespace, so none of its listeners is programmed",
  docs: 'docs/rules/gateway-api-listener-set-not-attached.md',
  check({ mesh, report }) {
    const model = gatewayApiModel(mesh);
    for (const ls of model.listenerSets) {
      if (!ls.detached) continue;
      const p = ls.parentRef;
      const routes = model.routes.filter((r) => r.parentRefs.some((ref) => ref.target === 'listenerset' && ref.namespace === ls.namespace && ref.name === ls.name)).length;
      const effect = `none of its listeners is programmed (Accepted=False)${routes > 0 ? `, so the ${routes === 1 ? 'route' : `${routes} routes`} attached to it reach no gateway` : ''}`;
      if (ls.detached === 'not-a-gateway') {
        report({
          resource: ls.resource,
          path: [...p.path, 'kind'],
          message: `${ls.resource.ref} names parent ${p.kind} (${p.group || 'core'}) ${p.namespace}/${p.name}; Istio attaches a ListenerSet only to a Gateway of gateway.networking.k8s.io: ${effect}.`,
        });
      } else if (ls.detached === 'parent-not-found') {
        report({
          resource: ls.resource,
          path: [...p.path, 'name'],
          message: `${ls.resource.ref} names parent Gateway ${p.namespace}/${p.name}, but the input has none: ${effect}. Fix the name or namespace, or, if it is defined outside these files, lint with --context DIR.`,
        });
      } else {
        const gw = ls.parent!;
        const from = gw.resource.spec.allowedListeners === undefined ? 'has no allowedListeners, which admits no ListenerSet' : 'has allowedListeners that do not admit its namespace';
        report({
          resource: ls.resource,
          path: [...p.path, 'name'],
          message: `${ls.resource.ref} attaches to Gateway ${gw.namespace}/${gw.name}, which ${from} (${ls.namespace}): ${effect}. Set spec.allowedListeners.namespaces.from on the Gateway (Same, All, or Selector).`,
        });
      }
    }
  },
};
