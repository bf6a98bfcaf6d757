import { isIpLiteral } from '../model/mesh.js';
import { describeReference, registryFindings, registryOnlyNotApplied, type HostRefKind } from '../model/external-hosts.js';
import { registryOnlyEnforced } from '../model/policy.js';
import type { Rule } from './types.js';

/** What an unknown host does to each kind of reference while unknown hosts are let through (§1.2, §2). */
const ALLOW_ANY_EFFECT: Record<HostRefKind, string> = {
  'vs-host': 'sidecars treat it as an unknown host, so this VirtualService applies at most to plain HTTP and other traffic to it passes through unmanaged',
  'route-destination': 'the route points at a cluster that does not exist (503, or a reset for TCP/TLS)',
  mirror: 'the mirror points at a cluster that does not exist, so nothing is mirrored',
  'dr-host': 'this DestinationRule is ignored',
  'gateway-host': 'the egress gateway has no registered service to send it to',
  'sidecar-egress': 'this egress entry imports nothing',
  'external-name': 'the alias resolves to no registered service, so calls through it pass through unmanaged',
  'workload-url': 'its calls pass through unmanaged',
};

export const rule: Rule = {
  id: 'missing-service-entry',
  severity: 'error',
  summary: 'An external host is referenced but no ServiceEntry declares it (blocked under REGISTRY_ONLY)',
  docs: 'docs/rules/missing-service-entry.md',
  related: ['IST0101', 'KIA1101', 'KIA0202', 'KIA1004'],
  securitySeverity: 5.0,
  check({ mesh, report }) {
    for (const { problem: p, severity } of registryFindings(mesh, 'missing')) {
      const host = p.ref.host;
      const fix = isIpLiteral(host) ? `Add a ServiceEntry whose addresses include ${host}.` : `Add a ServiceEntry for ${host} (or, if one outside these files registers it, list the host under assume.hosts in .mesh-egress-lint.yaml).`;
      const replaced = mesh.supersededEntriesFor(host)[0];
      // The input did declare it, in a definition that a later one of the same object replaces.
      const why = replaced ? ` (${replaced.definition.ref} in ${replaced.definition.doc.file.displayPath} declared it, but its later definition in ${replaced.replacedBy.doc.file.displayPath} replaces it whole)` : '';
      const policy = p.consumer.policy;
      const message =
        registryOnlyEnforced(policy)
          ? `Host "${host}" (${describeReference(p)}) has no ServiceEntry${why}; under REGISTRY_ONLY (set by ${policy.setBy}) its calls fail with 502 (HTTP) or a reset (TLS/TCP). ${fix}`
          : `Host "${host}" (${describeReference(p)}) has no ServiceEntry${why}: ${ALLOW_ANY_EFFECT[p.ref.kind]}, ${registryOnlyNotApplied(policy) ?? `and under REGISTRY_ONLY its calls would fail (mode now ${policy.mode}, set by ${policy.setBy})`}. ${fix}`;
      report({ resource: p.ref.resource, path: p.ref.path, message, severity });
    }
  },
};
