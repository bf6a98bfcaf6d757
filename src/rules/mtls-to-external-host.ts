// ISTIO_MUTUAL (or MUTUAL without a client certificate) toward a destination that has no Istio
// certificate (semantics §3.2, §3.3, §4 "Location"): a DestinationRule's TLS always wins over
// auto-mTLS, so a mesh-wide `*.local` / `*` rule or a namespace wildcard reaches external hosts and
// selectorless Services unless an exact rule on the client's lookup path says DISABLE or SIMPLE.
// Clients: model/tls.ts clientNamespacesOf (declaring namespace, referencing namespaces, workload
// namespaces) and, for route destinations with a subset or port, the proxies evaluating the route.
import type { ClientTls, DestinationRuleLookup } from '../model/mesh.js';
import { clientLabelSets, clientNamespacesOf, mayUseMutualTls, nonMtlsDestinationFor, nonMtlsDestinations, requiresIstioCertificate, routeClientNamespaces, type NonMtlsDestination } from '../model/tls.js';
import type { Rule } from './types.js';

export const rule: Rule = {
  id: 'mtls-to-external-host',
  severity: 'error',
  summary: 'A DestinationRule applies Istio mutual TLS to a destination outside the mesh',
  docs: 'docs/rules/mtls-to-external-host.md',
  related: ['IST0115', 'KIA0204'],
  securitySeverity: 7.5,
  check({ mesh, report }) {
    const seen = new Set<string>();
    const examine = (d: NonMtlsDestination, clientNs: string, ports: (number | undefined)[], subset?: string) => {
      for (const labels of clientLabelSets(mesh, clientNs)) {
        const lookup = mesh.destinationRuleFor(d.host, clientNs, labels);
        if (!lookup) continue;
        for (const port of ports) {
          const tls = mesh.clientTls(lookup, port, subset);
          if (!tls || !requiresIstioCertificate(tls)) continue;
          const key = `${tls.rule.resource.ref}\0${tls.path.join('.')}\0${d.host}`;
          if (seen.has(key)) continue;
          seen.add(key);
          report({ resource: tls.rule.resource, path: [...tls.path, 'mode'], message: message(d, lookup, tls, clientNs, port, subset) });
        }
      }
    };

    for (const d of nonMtlsDestinations(mesh)) {
      if (!mayUseMutualTls(mesh, d.host)) continue;
      const ports = d.ports.length > 0 ? d.ports : [undefined];
      for (const ns of clientNamespacesOf(mesh, d)) examine(d, ns, ports);
    }
    // Subset-level (and route-port) TLS is only reached through routes that name the subset.
    for (const rd of mesh.routeDestinations()) {
      if (!rd.host) continue;
      const d = nonMtlsDestinationFor(mesh, rd.host);
      if (!d || !mayUseMutualTls(mesh, d.host)) continue;
      const ports = rd.port !== undefined ? [rd.port] : d.ports.length > 0 ? d.ports : [undefined];
      for (const ns of routeClientNamespaces(mesh, rd)) examine(d, ns, ports, rd.subset);
    }
  },
};

function message(d: NonMtlsDestination, lookup: DestinationRuleLookup, tls: ClientTls, clientNs: string, port: number | undefined, subset?: string): string {
  const mode = tls.mode === 'MUTUAL' ? 'MUTUAL without a client certificate' : tls.mode;
  const target = `${d.host}${port !== undefined ? `:${port}` : ''}${subset ? ` subset ${subset}` : ''}`;
  const holder = d.kind === 'selectorless-service' ? 'its endpoints hold' : 'the server holds';
  const head = `tls.mode ${mode} applies to clients in namespace ${clientNs} calling ${target} ${d.label}: ${holder} no Istio certificate, so the TLS handshake fails (503 or connection reset).`;
  if (tls.mode === 'MUTUAL') return `${head} Set clientCertificate and privateKey (or credentialName), or use SIMPLE or DISABLE.`;
  if (lookup.host === d.host) return `${head} Use DISABLE (or SIMPLE to originate TLS).`;
  return `${head} Add a DestinationRule for ${d.host} with tls.mode DISABLE (or SIMPLE) in namespace ${clientNs}, or narrow the wildcard ${lookup.host}.`;
}
