// A route destination's subset must be defined by the DestinationRule the *client* finds for the
// host (semantics §3.3 lookup levels, no cross-level merge; §5/§6 "the subset DR must be on the
// client's lookup path"). Clients: sidecars in the namespaces the VS is exported to for `mesh`
// rules, the selected gateway pods for Gateway-bound rules (model/egress.ts ruleClients).
import { ruleClients, type RuleClient } from '../model/egress.js';
import type { DestinationRuleLookup } from '../model/mesh.js';
import type { Rule } from './types.js';

const EFFECT = 'requests get 503 (no healthy upstream: the route points at a cluster that does not exist)';

export const rule: Rule = {
  id: 'subset-not-found',
  severity: 'error',
  summary: 'Route destination names a subset no DestinationRule on the client’s lookup path defines',
  docs: 'docs/rules/subset-not-found.md',
  related: ['IST0101', 'KIA1107'],
  check({ mesh, report }) {
    for (const d of mesh.routeDestinations()) {
      if (!d.subset || !d.host) continue;
      const misses: { client: RuleClient; lookup?: DestinationRuleLookup }[] = [];
      for (const client of ruleClients(mesh, d.vs, d.gateways)) {
        const lookup = mesh.destinationRuleFor(d.host, client.namespace, client.labels);
        if (!lookup || !mesh.subsetOf(lookup, d.subset)) misses.push({ client, lookup });
      }
      if (misses.length === 0) continue;
      const { client, lookup } = misses[0]!;
      let message = lookup
        ? `${lookup.rules[0]!.resource.ref}, the DestinationRule ${client.label} use for ${d.host} (the first lookup level with a matching host wins; levels do not merge), defines no subset "${d.subset}": ${EFFECT}. Add the subset to it.`
        : `No DestinationRule for ${d.host} visible from namespace ${client.namespace} (${client.label}) defines subset "${d.subset}": ${EFFECT}. Define it in a DestinationRule in ${client.namespace}, or export one to it.`;
      if (misses.length > 1) message += ` Also missing for ${misses.slice(1).map((m) => m.client.label).join('; ')}.`;
      report({ resource: d.vs.resource, path: [...d.path, 'subset'], message });
    }
  },
};
