import type { Rule } from './types.js';
import { describeWorkload, gatewayModel, selectorKey, selectsAllGateways } from '../model/gateways.js';
import type { Workload } from '../model/kinds.js';
import { closestToSelector } from '../model/label-selector.js';

// Semantics §6 "Selector": a Gateway is served by the gateway proxies, in any namespace, whose
// labels include its selector; with none, nothing serves it. Gateway proxies are the workloads
// isGatewayWorkload recognises (IstioOperator gateway components included). When the input holds
// no gateway proxy at all, the check says once that it was skipped instead of warning on every Gateway.
/** Labels worth selecting on, most telling first (the gateways chart's and Gateway API's). */
const SELECTOR_LABELS = ['istio', 'app', 'istio.io/gateway-name', 'gateway.networking.k8s.io/gateway-name', 'app.kubernetes.io/name'];

/**
 * Name the gateway proxies of the input closest to the selector (most of its key=value pairs, then
 * of its keys), with the labels to select them by, instead of repeating the selector.
 */
function suggestion(selector: Record<string, string>, proxies: readonly Workload[]): string {
  const named = closestToSelector(selector, proxies).slice(0, 3).map((w) => {
    const labels = SELECTOR_LABELS.filter((k) => w.labels[k] !== undefined).map((k) => `${k}=${w.labels[k]}`);
    const shown = labels.length > 0 ? labels : Object.entries(w.labels).slice(0, 3).map(([k, v]) => `${k}=${v}`);
    return `${describeWorkload(w)} (${shown.join(', ') || 'no labels'})`;
  });
  const more = proxies.length > 3 ? ` and ${proxies.length - 3} more` : '';
  return `select one of the input's gateway proxies by its labels: ${named.join(', ')}${more}`;
}

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
        message: `Selector ${sel} matches no gateway workload in the input${note}: no gateway proxy serves this Gateway, so traffic routed to it is not forwarded; ${suggestion(gw.selector!, model.gatewayWorkloads)}.`,
      });
    }
  },
};
