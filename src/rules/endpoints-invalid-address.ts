import type { Rule } from './types.js';
import { endpointAddressProblem, endpointsIndex } from '../model/endpoints.js';

// Semantics §8 (disallowed IPs): Kubernetes' ValidateEndpointIP rejects non-IPs and unspecified,
// loopback, link-local and link-local multicast addresses. FQDN slices hold names: Istio ignores them.
export const rule: Rule = {
  id: 'endpoints-invalid-address',
  severity: 'error',
  summary: 'Endpoint address that is not an IP or is a special address Kubernetes rejects',
  docs: 'docs/rules/endpoints-invalid-address.md',
  check({ mesh, report }) {
    for (const set of endpointsIndex(mesh).sets) {
      if (set.kind === 'EndpointSlice' && set.addressType === 'FQDN') continue;
      for (const a of set.addresses) {
        const problem = endpointAddressProblem(a.value, set.kind === 'EndpointSlice' ? set.addressType : undefined);
        if (!problem) continue;
        const shown = typeof a.value === 'string' ? `"${a.value}"` : String(a.value);
        const effect = problem.refused ? ': the API server refuses the whole object, so none of its endpoints exist' : '';
        report({ resource: set.resource, path: a.path, message: `${set.resource.ref}: address ${shown} ${problem.reason}${effect}.` });
      }
    }
  },
};
