import { describeEntries, describeReference, registryFindings, registryOnlyNotApplied, type RegistryProblem } from '../model/external-hosts.js';
import { registryOnlyEnforced } from '../model/policy.js';
import type { Rule } from './types.js';

function whyHidden(p: RegistryProblem): { why: string; fix: string } {
  const h = p.hiddenBy!;
  const host = p.ref.host;
  const ns = p.consumer.namespace;
  switch (h.kind) {
    case 'export':
      return {
        why: `is declared only by ${describeEntries(h.entries)}, which ${h.entries.length > 1 ? 'are' : 'is'} not exported to namespace ${ns}`,
        fix: `Add "${ns}" to exportTo, or declare the ServiceEntry in ${ns}.`,
      };
    case 'sidecar': {
      const from = [...new Set(h.entries.map((se) => se.namespace))].sort()[0]!;
      return {
        why: `is declared by ${describeEntries(h.entries)}, but ${h.sidecar.resource.ref} does not import it in egress.hosts`,
        fix: `Add "${from}/${host}" (or "*/${host}") to that Sidecar's egress hosts.`,
      };
    }
    case 'import-namespace': {
      const from = [...new Set(h.entries.map((se) => se.namespace))].sort()[0]!;
      return {
        why: `is imported from namespace ${h.namespace}, but only ${describeEntries(h.entries)} declares it`,
        fix: `Write "${from}/${host}" or "*/${host}".`,
      };
    }
  }
}

export const rule: Rule = {
  id: 'service-entry-not-exported',
  severity: 'error',
  summary: 'A ServiceEntry for the host exists but is not visible (exportTo) or not imported (Sidecar) where it is needed',
  docs: 'docs/rules/service-entry-not-exported.md',
  related: ['KIA0005', 'KIA1101', 'KIA0202', 'KIA1004'],
  securitySeverity: 5.0,
  check({ mesh, report }) {
    for (const { problem: p, severity } of registryFindings(mesh, 'hidden')) {
      const { why, fix } = whyHidden(p);
      const policy = p.consumer.policy;
      const effect =
        registryOnlyEnforced(policy)
          ? `under REGISTRY_ONLY (set by ${policy.setBy}) its calls from ${p.consumer.namespace} fail with 502 (HTTP) or a reset (TLS/TCP)`
          : `proxies in ${p.consumer.namespace} treat it as an unknown host (no Istio routing or policy), ${registryOnlyNotApplied(policy) ?? `and REGISTRY_ONLY would block it (mode now ${policy.mode}, set by ${policy.setBy})`}`;
      report({ resource: p.ref.resource, path: p.ref.path, message: `Host "${p.ref.host}" (${describeReference(p)}) ${why}; ${effect}. ${fix}`, severity });
    }
  },
};
