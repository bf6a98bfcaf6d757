import { gatewayModel } from '../model/gateways.js';
import { gatewayCertainlyOnService, serviceTarget } from '../model/egress.js';
import type { Rule } from './types.js';

// A rule bound to an egress Gateway whose destination is the Service in front of that same
// gateway's pods: the gateway proxy sends the request back to itself, where the same rule matches
// again (the second rule of the istio.io egress-gateway task, copied from the first without
// changing its destination). Judged only when certain (egress.ts gatewayCertainlyOnService).
export const rule: Rule = {
  id: 'egress-gateway-loop',
  severity: 'error',
  summary: 'A route bound to a gateway sends traffic to the Service of that same gateway: it loops back to the rule and never leaves',
  docs: 'docs/rules/egress-gateway-loop.md',
  related: [],
  check({ mesh, report }) {
    const model = gatewayModel(mesh);
    for (const d of mesh.routeDestinations()) {
      const target = serviceTarget(mesh, d.host);
      if (!target) continue;
      for (const g of d.gateways) {
        if (g.mesh) continue;
        const gw = model.definitionsOf(g.namespace, g.name).find((def) => gatewayCertainlyOnService(def, target));
        if (!gw) continue;
        report({
          resource: d.vs.resource,
          path: [...d.path, 'host'],
          message: `This rule applies at Gateway ${gw.namespace}/${gw.name} and sends the traffic to ${d.rawHost}, the Service in front of that same gateway's pods: the gateway proxy sends each ${d.kind === 'http' ? 'request' : 'connection'} back to itself, where this rule matches again, so it never reaches the upstream (it loops until timeouts or connection limits end it). Route to the external host here (for example ${d.vs.hosts[0]?.raw ?? 'the host of the VirtualService'}) and keep the gateway as the destination only in the \`mesh\` rule.`,
        });
        break;
      }
    }
  },
};
