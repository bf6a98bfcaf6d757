import type { Rule } from './types.js';

// Semantics §4: with resolution DNS / DNS_ROUND_ROBIN and no endpoints every host is resolved by
// name, so it must be an FQDN; Istio's validation rejects wildcard hosts (agent.ValidateFQDN).
export const rule: Rule = {
  id: 'service-entry-wildcard-dns',
  severity: 'error',
  summary: 'Wildcard ServiceEntry host with DNS resolution and no endpoints',
  docs: 'docs/rules/service-entry-wildcard-dns.md',
  related: ['IST0106'],
  check({ mesh, report }) {
    for (const se of mesh.serviceEntries) {
      if ((se.resolution !== 'DNS' && se.resolution !== 'DNS_ROUND_ROBIN') || se.endpointCount > 0) continue;
      const instead = mesh.istioAtLeast(1, 28) ? 'resolution NONE (or DYNAMIC_DNS for HTTP/TLS ports)' : 'resolution NONE';
      for (const h of se.hosts) {
        if (!h.host.startsWith('*')) continue;
        report({
          resource: se.resource,
          path: h.path,
          message: `${se.resource.ref}: host "${h.host}" is a wildcard, but resolution ${se.resolution} without endpoints resolves each host by name, so Istio rejects the entry and the host is never registered; use ${instead}, or list endpoints.`,
        });
      }
    }
  },
};
