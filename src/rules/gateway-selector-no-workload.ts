import type { Rule } from './types.js';
import { describeWorkload, gatewayModel, selectorKey, selectsAllGateways } from '../model/gateways.js';

// Semantics §6 "Selector": a Gateway is served by the gateway proxies, in any namespace, whose
// labels include its selector; with none, nothing serves it. Gateway proxies are the workloads
// isGatewayWorkload recognises (IstioOperator gateway components included). When the input holds
// no gateway proxy at all, the check says once that it was skipped instead of warning on every Gateway.
export const rule: Rule = {
  id: 'gateway-selector-no-workload',
  severity: 'warning',
  summary: 'A Gateway selector matches no gateway workload defined in the input',
  docs: 'docs/rules/gateway-selector-no-workload.md',
  related: ['IST0101', 'KIA0302'],
  check({ mesh, report }) {
    const model = gatewayModel(mesh);
    const selective = mesh.gateways.filter((g) => !selectsAllGateways(g));
    if (selective.length === 0) return;
    if (model.gatewayWorkloads.length === 0) {
      const first = selective[0]!;
      report({
        resource: first.resource,
        path: ['spec', 'selector'],
        target: 'key',
        severity: 'info',
        message: `Gateway selectors were not checked: the input defines no gateway workload (a Deployment or Pod labelled istio=…gateway, using the gateway injection template, or an IstioOperator gateway component); lint the gateway's manifests together with the Gateways to check them.`,
      });
      return;
    }
    for (const gw of selective) {
      if (model.workloadsOf(gw).length > 0) continue;
      const sel = selectorKey(gw.selector);
      const others = mesh.workloadsMatching(gw.selector!);
      const note = others.length
        ? ` (it matches only ${others.slice(0, 3).map(describeWorkload).join(', ')}${others.length > 3 ? ', …' : ''}, which ${others.length > 1 ? 'are not gateway proxies' : 'is not a gateway proxy'})`
        : '';
      report({
        resource: gw.resource,
        path: ['spec', 'selector'],
        target: 'key',
        message: `Selector ${sel} matches no gateway workload in the input${note}: no gateway proxy serves this Gateway, so traffic routed to it is not forwarded; use the labels of the gateway deployment (the egress chart uses istio=egressgateway).`,
      });
    }
  },
};
