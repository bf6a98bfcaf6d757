import { ambientEgressFor, type AmbientEgress } from '../model/ambient-egress.js';
import { describeEntries, workloadUrlRefs } from '../model/external-hosts.js';
import { isWildcard } from '../model/hosts.js';
import type { Rule } from './types.js';

// istio.io docs/ambient/usage/egress-gateway: ztunnel does not apply outboundTrafficPolicy, so in a
// REGISTRY_ONLY mesh an ambient pod's external calls are controlled only where a waypoint serves the
// host's ServiceEntry and an AuthorizationPolicy is attached to the entry or the waypoint
// (model/ambient-egress.ts).
export const rule: Rule = {
  id: 'ambient-egress-unrestricted',
  severity: 'warning',
  summary: 'In a REGISTRY_ONLY mesh, an ambient workload calls an external host that no waypoint and AuthorizationPolicy restrict',
  docs: 'docs/rules/ambient-egress-unrestricted.md',
  securitySeverity: 5.0,
  check({ mesh, report }) {
    for (const ref of workloadUrlRefs(mesh)) {
      const consumer = ref.consumers.find((c) => c.policy.dataPlane?.kind === 'ambient' && c.policy.mode === 'REGISTRY_ONLY');
      if (!consumer) continue;
      const egress = ambientEgressFor(mesh, ref.host, consumer.namespace);
      const why = explain(egress, ref.host, consumer.namespace);
      if (!why) continue;
      const policy = consumer.policy;
      report({
        resource: ref.resource,
        path: ref.path,
        message: `Host "${ref.host}" (${ref.what}${consumer.who && consumer.who !== ref.resource.ref ? `, loaded by ${consumer.who}` : ''}) is called from ambient mode (${policy.dataPlane!.reason}): the mesh runs REGISTRY_ONLY (set by ${policy.setBy}), but ztunnel does not apply it: ${why}`,
      });
    }
  },
};

/** Why the call is not restricted, and the fix; undefined when it is, or when another rule reports the cause. */
function explain(e: AmbientEgress, host: string, namespace: string): string | undefined {
  const bind = `put it in a namespace labelled istio.io/use-waypoint (or label the entry), and attach an AuthorizationPolicy to the ServiceEntry or the waypoint with targetRefs`;
  switch (e.status) {
    case 'restricted':
    case 'waypoint-problem':
      return undefined;
    case 'unregistered':
      return `no ServiceEntry declares the host, so the call goes straight to ${host} with no egress control at all. Declare it with a ServiceEntry served by a waypoint: ${bind}.`;
    case 'hidden':
      return e.hidden!.byVisibility
        ? `${describeEntries(e.hidden!.entries)} ${e.hidden!.entries.length > 1 ? 'are' : 'is'} hidden from namespace ${namespace} by serviceEntryVisibility (for clients there ${e.hidden!.entries.length > 1 ? 'they do' : 'it does'} not exist), so the call goes straight to ${host}, past any waypoint and its policies. Give the entry PUBLIC visibility, or declare the host in namespace ${namespace}.`
        : `${describeEntries(e.hidden!.entries)} ${e.hidden!.entries.length > 1 ? 'are' : 'is'} not exported to namespace ${namespace}, so the call goes straight to ${host}, past any waypoint and its policies. Export the entry to ${namespace}.`;
    case 'no-waypoint':
      // A wildcard entry without a waypoint is wildcard-service-entry-without-waypoint's finding.
      if (e.entry!.hosts.some((h) => isWildcard(h.host)) && !e.entry!.hosts.some((h) => h.host === host)) return undefined;
      return `no waypoint serves ${e.entry!.resource.ref} (neither it nor its namespace has istio.io/use-waypoint), so the call goes straight to ${host} and no AuthorizationPolicy can apply to it. Bind the entry to a waypoint: ${bind}.`;
    case 'no-policy':
      return `the waypoint ${e.binding!.waypoint!.namespace}/${e.binding!.waypoint!.name} that serves ${e.entry!.resource.ref} is the only place to restrict the call, and no AuthorizationPolicy targets the entry or the waypoint: every call to ${host} is allowed. Attach an AuthorizationPolicy (targetRefs: the ServiceEntry, or the waypoint Gateway).`;
  }
}
