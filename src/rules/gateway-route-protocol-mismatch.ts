// A Gateway server routes with one VirtualService block only (semantics §5 table, istio
// pkg/config/gateway): PASSTHROUGH → `tls`, HTTP / terminated HTTPS → `http`, terminated TLS and
// TCP → `tcp`. A rule whose every matching server wants another block never applies. TLS that a
// PASSTHROUGH server leaves encrypted but an `http`/`tcp` rule tries to route is
// https-without-tls-route's (one finding per mistake), so those servers are not judged here.
import { gatewayServerRouteKind } from '../model/egress.js';
import { serverAdmitsHost } from '../model/gateways.js';
import type { GatewayInfo, GatewayServer, RouteKind } from '../model/kinds.js';
import type { Rule } from './types.js';

const EFFECT: Record<Exclude<RouteKind, 'tls'>, string> = {
  http: 'the gateway terminates TLS (or reads plaintext HTTP) and matches only `http` rules, so requests get 404 (no route)',
  tcp: 'the server hands the (decrypted) stream to `tcp` rules only, so no route applies and connections are reset',
};

function describe(gw: GatewayInfo, s: GatewayServer): string {
  const port = s.port ? `port ${s.port.number} ${s.port.protocol}` : 'no port';
  return `${gw.resource.ref} server ${s.index} (${port}${s.tlsMode ? `, tls ${s.tlsMode}` : ''})`;
}

export const rule: Rule = {
  id: 'gateway-route-protocol-mismatch',
  severity: 'error',
  summary: 'VirtualService rule kind (http/tls/tcp) does not fit the Gateway server it is bound to',
  docs: 'docs/rules/gateway-route-protocol-mismatch.md',
  check({ mesh, report }) {
    for (const vs of mesh.virtualServices) {
      const vsRefs = vs.gateways.map((g) => g.ref);
      for (const r of vs.rules) {
        const matches = r.matches.length > 0 ? r.matches : [{ port: undefined, gateways: undefined }];
        const servers: { gw: GatewayInfo; server: GatewayServer; wants?: RouteKind }[] = [];
        const seen = new Set<string>();
        for (const m of matches) {
          for (const ref of m.gateways ? m.gateways.map((g) => g.ref) : vsRefs) {
            if (ref.mesh) continue;
            const gw = mesh.gateway(ref.namespace, ref.name);
            if (!gw) continue;
            for (const server of gw.servers) {
              if (m.port !== undefined && server.port?.number !== m.port) continue;
              if (!vs.hosts.some((h) => serverAdmitsHost(server, vs.namespace, h.host))) continue;
              const wants = gatewayServerRouteKind(server);
              if (wants === 'tls' && r.kind !== 'tls') continue;
              const key = `${gw.namespace}/${gw.name}#${server.index}`;
              if (seen.has(key)) continue;
              seen.add(key);
              servers.push({ gw, server, wants });
            }
          }
        }
        if (servers.length === 0 || servers.some((s) => s.wants === undefined || s.wants === r.kind)) continue;
        const first = servers[0]!;
        // Only PASSTHROUGH servers take `tls` rules, and a `tls` rule fits them.
        const wants = first.wants as Exclude<RouteKind, 'tls'>;
        const more = servers.length > 1 ? ` (and ${servers.length - 1} other matching server${servers.length > 2 ? 's' : ''})` : '';
        report({
          resource: vs.resource,
          path: r.path,
          message: `This \`${r.kind}\` rule is bound to ${describe(first.gw, first.server)}${more}, which takes \`${wants}\` rules: ${EFFECT[wants]}. Move it under \`${wants}:\`.`,
        });
      }
    }
  },
};
