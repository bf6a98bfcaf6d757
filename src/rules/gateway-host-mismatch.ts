import type { Rule } from './types.js';
import type { FieldPath } from '../types.js';
import type { GatewayInfo } from '../model/kinds.js';
import { hostsOverlap } from '../model/hosts.js';
import { gatewayModel, isMatchableHost, notExportedTo, proxyNamespacesOf, serverAdmitsHost } from '../model/gateways.js';

// Semantics §6 "Hosts": a gateway serves a bound VirtualService only for the VS hosts some server
// host admits (namespace part `*`/own namespace, `./` = Gateway's namespace; wildcard overlap as in
// `pickMatchingGatewayHosts`), and only when the VS is exported to the gateway proxy's namespace.
// Hosts are checked against the union of the bound Gateways: a VS bound to two Gateways may serve
// each host through one of them.
// All definitions of a Gateway name count (a document's steps often re-apply it with other hosts).
function admits(defs: GatewayInfo[], vsNamespace: string, host: string): boolean {
  return defs.some((gw) => gw.servers.some((s) => serverAdmitsHost(s, vsNamespace, host)));
}

function describe(defs: GatewayInfo[]): string {
  const gw = defs[0]!;
  const hosts = [...new Set(defs.flatMap((d) => d.servers.flatMap((s) => s.hosts.map((h) => h.raw))))];
  const shown = hosts.length > 6 ? [...hosts.slice(0, 6), '…'] : hosts;
  return `Gateway ${gw.namespace}/${gw.name} (${hosts.length ? `server hosts: ${shown.join(', ')}` : 'no server hosts'})`;
}

export const rule: Rule = {
  id: 'gateway-host-mismatch',
  severity: 'error',
  summary: 'A VirtualService host is served by no server of the Gateway it binds, or the VirtualService is not exported to the gateway',
  docs: 'docs/rules/gateway-host-mismatch.md',
  related: ['IST0132'],
  check({ mesh, report }) {
    const model = gatewayModel(mesh);
    for (const vs of mesh.virtualServices) {
      if (!vs.gatewaysExplicit) continue;
      const bound: { gw: GatewayInfo; defs: GatewayInfo[]; path: FieldPath }[] = [];
      for (const g of vs.gateways) {
        if (g.ref.mesh) continue;
        const defs = model.definitionsOf(g.ref.namespace, g.ref.name);
        if (defs.length > 0 && !bound.some((b) => b.gw === defs[0])) bound.push({ gw: defs[0]!, defs, path: g.path });
      }
      if (bound.length === 0) continue;
      const hosts = vs.hosts.filter((h) => isMatchableHost(h.host));

      let anyServed = false;
      for (const h of hosts) {
        if (bound.some((b) => admits(b.defs, vs.namespace, h.host))) {
          anyServed = true;
          continue;
        }
        const hints: string[] = [];
        for (const b of bound) {
          for (const s of b.defs.flatMap((d) => d.servers)) {
            for (const sh of s.hosts) {
              if (sh.namespace !== '*' && sh.namespace !== vs.namespace && hostsOverlap(sh.host, h.host)) {
                hints.push(`server host "${sh.raw}" admits only VirtualServices in namespace ${sh.namespace}`);
              } else if (!h.raw.includes('.') && h.raw !== '*' && sh.host === h.raw.toLowerCase()) {
                hints.push(`Istio expands the short host "${h.raw}" to ${h.host} before matching, so write the same full name in both`);
              }
            }
          }
        }
        const uniq = [...new Set(hints)];
        report({
          resource: vs.resource,
          path: h.path,
          message:
            `Host "${h.raw}" is served by no server of ${bound.map((b) => describe(b.defs)).join(' or ')}: the gateway has no route for it (HTTP 404, TLS/TCP connections closed)` +
            (uniq.length ? `; ${uniq.join('; ')}.` : '; add the host to the Gateway server or fix the VirtualService host.'),
        });
      }

      // A bound Gateway that serves none of the hosts while another one serves some: its rules never apply.
      if (anyServed && bound.length > 1) {
        for (const b of bound) {
          if (hosts.some((h) => admits(b.defs, vs.namespace, h.host))) continue;
          report({
            resource: vs.resource,
            path: b.path,
            message: `${describe(b.defs)} admits none of this VirtualService's hosts, so the rules bound to it never apply at that gateway; add a matching server host or drop the binding.`,
          });
        }
      }

      for (const b of bound) {
        const missing = notExportedTo(vs.exportTo, vs.namespace, proxyNamespacesOf(model, b.gw));
        if (missing.length === 0) continue;
        // Without an exportTo of its own, the mesh default decides (export-defaults.ts): point at spec, say where it comes from.
        const byDefault = vs.exportToDefault ? ` (it has no exportTo, so the mesh's ${vs.exportToDefault.label} applies)` : '';
        report({
          resource: vs.resource,
          path: vs.exportToDefault ? ['spec'] : ['spec', 'exportTo'],
          target: 'key',
          message: `The VirtualService is not exported to namespace ${missing.join(', ')}${byDefault}, where the proxies of Gateway ${b.gw.namespace}/${b.gw.name} run, so that gateway never sees its routes (HTTP 404, TLS/TCP connections closed); ${vs.exportToDefault ? 'set exportTo with' : 'add'} ${missing.map((n) => `"${n}"`).join(', ')}${vs.exportToDefault ? '' : ' to exportTo'}.`,
        });
      }
    }
  },
};
