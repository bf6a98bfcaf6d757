// `tls` routes are matched by SNI (semantics §5, webhook validateTLSRoute/validateSniHost): every
// tls rule needs a match, every match at least one `sniHosts` entry, and each SNI host must be a
// subset of a VirtualService host (compared as written; wildcards one way). The proto name
// `sni_hosts` of Istio ≤ 1.5 examples is pruned by the structural CRDs since 1.6 (§9), leaving a
// match without SNI.
import { hostCovers } from '../model/hosts.js';
import { asArray, isObject } from '../model/resource.js';
import type { Rule } from './types.js';

export const rule: Rule = {
  id: 'tls-route-sni-mismatch',
  severity: 'error',
  summary: 'A tls route match has no sniHosts, or an SNI host outside the VirtualService hosts',
  docs: 'docs/rules/tls-route-sni-mismatch.md',
  check({ mesh, report }) {
    for (const vs of mesh.virtualServices) {
      const hostList = vs.hosts.map((h) => h.raw).join(', ');
      for (const r of vs.rules) {
        if (r.kind !== 'tls') continue;
        const raw = asArray(vs.resource.spec.tls)[r.index];
        if (!isObject(raw) || asArray(raw.match).length === 0) {
          report({ resource: vs.resource, path: r.path, message: `This \`tls\` rule has no match: the API server rejects it (a TLS route needs a match with sniHosts). Add match: [{sniHosts: [${vs.hosts[0]?.raw ?? '<host>'}]}].` });
          continue;
        }
        for (const m of r.matches) {
          const rawMatch = asArray(raw.match)[Number(m.path[m.path.length - 1])];
          if (!m.sniHosts || m.sniHosts.length === 0) {
            // The Istio ≤ 1.5 spelling `sni_hosts` is one defect with one finding: schema-violation's
            // unknown field, which suggests `sniHosts` at that key.
            const misspelt = isObject(rawMatch) && 'sni_hosts' in rawMatch;
            if (!misspelt) report({ resource: vs.resource, path: m.path, message: `This \`tls\` match has no sniHosts: the API server rejects it, since TLS is routed by SNI. Add sniHosts naming hosts among [${hostList}].` });
            continue;
          }
          if (vs.hosts.length === 0) continue;
          for (const s of m.sniHosts) {
            if (vs.hosts.some((h) => hostCovers(h.raw, s.host))) continue;
            report({
              resource: vs.resource,
              path: s.path,
              message: `SNI host ${s.host} is covered by none of the VirtualService hosts [${hostList}]: the API server rejects the VirtualService. Add ${s.host} to hosts or use an SNI host they cover.`,
            });
          }
        }
      }
    }
  },
};
