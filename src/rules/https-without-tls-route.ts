// TLS that is not terminated is routed only by `tls` rules (semantics §5): a sidecar never reads
// application TLS, so `http` rules on an HTTPS/TLS port never match; a Gateway server in
// PASSTHROUGH/AUTO_PASSTHROUGH ignores `http` and `tcp` rules. Sidecar `tcp` rules do apply to TLS
// ports (opaque fallback chain after the SNI chains, listener.go buildSidecarOutboundTCPTLSFilterChainOpts),
// so only `http` rules are judged for `mesh`. A rule is flagged only when every context it applies
// to (mesh, each bound Gateway of the input) carries TLS for it; a context that cannot be judged
// (Gateway missing from the input, host unknown) keeps it silent. This rule alone reports `http`/`tcp`
// rules on PASSTHROUGH servers; gateway-route-protocol-mismatch covers the terminated and plain ones.
import { routeIndex } from '../model/egress.js';
import { serverAdmitsHost } from '../model/gateways.js';
import { isTlsProtocol, type GatewayRef, type RouteRule, type ServiceEntryInfo, type VirtualServiceInfo } from '../model/kinds.js';
import type { Mesh } from '../model/mesh.js';
import type { FieldPath } from '../types.js';
import type { Rule } from './types.js';

type Verdict = { kind: 'tls'; reason: string; explicitPort: boolean; sni: string[]; auto?: boolean } | { kind: 'plain' } | { kind: 'unknown' };

export const rule: Rule = {
  id: 'https-without-tls-route',
  severity: 'error',
  summary: 'HTTPS/TLS traffic is routed with http or tcp rules, which never see it',
  docs: 'docs/rules/https-without-tls-route.md',
  options: [
    {
      name: 'requireTlsRoute',
      type: 'boolean',
      default: false,
      description: 'Also flag every HTTPS/TLS ServiceEntry host and port that no VirtualService routes with a `tls` rule (Istio 1.0-era guides); current Istio routes TLS by SNI without one.',
    },
  ],
  check({ mesh, report, options }) {
    for (const vs of mesh.virtualServices) {
      for (const r of vs.rules) {
        if (r.kind === 'tls') continue;
        const matches = r.matches.length > 0 ? r.matches : [{ path: r.path, port: undefined, gateways: undefined }];
        let ruleLevel: { reason: string; sni: string[]; auto?: boolean } | undefined;
        for (const m of matches) {
          const refs = m.gateways ? m.gateways.map((g) => g.ref) : vs.gateways.map((g) => g.ref);
          const verdicts = refs.map((ref) => judge(mesh, vs, r, ref, m.port));
          if (verdicts.length === 0 || !verdicts.every((v) => v.kind === 'tls')) continue;
          if (refs.every((ref) => hasTlsRoute(vs, ref, m.port))) continue;
          const v = verdicts[0] as Extract<Verdict, { kind: 'tls' }>;
          const sni = [...new Set(verdicts.flatMap((x) => (x.kind === 'tls' ? x.sni : [])))];
          if (v.explicitPort && m.port !== undefined) {
            report({ resource: vs.resource, path: [...m.path, 'port'], message: messageFor(r, v.reason, sni, m.port, v.auto) });
          } else ruleLevel ??= { reason: v.reason, sni, auto: v.auto };
        }
        if (ruleLevel) report({ resource: vs.resource, path: r.path, message: messageFor(r, ruleLevel.reason, ruleLevel.sni, undefined, ruleLevel.auto) });
      }
    }
    if (options.requireTlsRoute === true) requireTlsRoutes(mesh, report);
  },
};

function messageFor(r: RouteRule, reason: string, sni: string[], port?: number, auto = false): string {
  if (auto) return `This \`${r.kind}\` rule never matches: ${reason}. Remove it, or serve the hosts from a PASSTHROUGH server with a \`tls\` rule.`;
  const hosts = sni.length > 0 ? `[${sni.join(', ')}]` : 'naming the TLS hosts';
  return `This \`${r.kind}\` rule never matches: ${reason}. Route the TLS with a \`tls\` rule matching ${port !== undefined ? `port ${port} and ` : ''}sniHosts ${hosts}.`;
}

/** Whether traffic for the VS hosts is TLS (not terminated) for this rule in one context. */
function judge(mesh: Mesh, vs: VirtualServiceInfo, r: RouteRule, ref: GatewayRef, port: number | undefined): Verdict {
  if (ref.mesh) {
    if (r.kind !== 'http') return { kind: 'plain' };
    let tls: { host: string; why: string }[] = [];
    let plain = false;
    for (const h of vs.hosts) {
      const ports = mesh.portsOfHost(h.host, vs.namespace);
      if (!ports || ports.length === 0) continue;
      if (port !== undefined) {
        const p = ports.find((x) => x.number === port);
        if (!p) continue;
        if (isTlsProtocol(p.protocol)) tls.push({ host: h.host, why: `${declarer(mesh, h.host)} declares ${h.host} port ${port} as ${p.protocol}, and sidecars forward TLS there without reading HTTP, so requests bypass this rule` });
        else plain = true;
      } else if (ports.every((x) => isTlsProtocol(x.protocol))) {
        tls.push({ host: h.host, why: `${declarer(mesh, h.host)} declares only ${[...new Set(ports.map((x) => x.protocol))].join('/')} ports for ${h.host}, and sidecars forward TLS without reading HTTP, so requests bypass this rule` });
      } else plain = true;
    }
    if (plain) return { kind: 'plain' };
    if (tls.length === 0) return { kind: 'unknown' };
    tls = tls.sort((a, b) => a.host.localeCompare(b.host));
    return { kind: 'tls', reason: tls[0]!.why, explicitPort: port !== undefined, sni: tls.map((t) => t.host) };
  }
  const gw = mesh.gateway(ref.namespace, ref.name);
  if (!gw) return { kind: 'unknown' };
  const servers = gw.servers.filter((s) => (port === undefined || s.port?.number === port) && vs.hosts.some((h) => serverAdmitsHost(s, vs.namespace, h.host)));
  if (servers.length === 0) return { kind: 'unknown' };
  if (!servers.every((s) => s.tlsMode === 'PASSTHROUGH' || s.tlsMode === 'AUTO_PASSTHROUGH')) return { kind: 'plain' };
  const s = servers[0]!;
  const how = s.tlsMode === 'AUTO_PASSTHROUGH' ? 'AUTO_PASSTHROUGH, which routes by SNI alone and ignores `http` and `tcp` rules' : 'PASSTHROUGH, where only `tls` rules apply, so connections are reset';
  const sni = vs.hosts.filter((h) => servers.some((x) => serverAdmitsHost(x, vs.namespace, h.host))).map((h) => h.host);
  return { kind: 'tls', auto: s.tlsMode === 'AUTO_PASSTHROUGH', reason: `${gw.resource.ref} serves ${sni.join(', ')} on port ${s.port?.number ?? '?'} in ${how}`, explicitPort: port !== undefined, sni };
}

function declarer(mesh: Mesh, host: string): string {
  const svc = mesh.serviceByHost(host);
  if (svc) return `Service ${svc.namespace}/${svc.name}`;
  const se = mesh.firstServiceEntryFor(host)?.se;
  return se ? se.resource.ref : 'the registry';
}

/** A `tls` rule of the same VirtualService that applies to this context and port. */
function hasTlsRoute(vs: VirtualServiceInfo, ref: GatewayRef, port: number | undefined): boolean {
  const key = ref.mesh ? 'mesh' : `${ref.namespace}/${ref.name}`;
  const vsRefs = vs.gateways.map((g) => g.ref);
  return vs.rules.some(
    (r) =>
      r.kind === 'tls' &&
      r.matches.some((m) => {
        const refs = m.gateways ? m.gateways.map((g) => g.ref) : vsRefs;
        if (!refs.some((g) => (g.mesh ? 'mesh' : `${g.namespace}/${g.name}`) === key)) return false;
        return m.port === undefined || port === undefined || m.port === port;
      }),
  );
}

/** requireTlsRoute: every HTTPS/TLS ServiceEntry port needs a mesh `tls` rule for its host (1.0-era). */
function requireTlsRoutes(mesh: Mesh, report: (f: { resource: ServiceEntryInfo['resource']; path: FieldPath; message: string }) => void): void {
  const idx = routeIndex(mesh);
  for (const se of mesh.serviceEntries) {
    const tlsPorts = se.ports.filter((p) => isTlsProtocol(p.protocol));
    if (tlsPorts.length === 0) continue;
    for (const h of se.hosts) {
      const rules = idx.meshRules.overlapping(h.host).filter((m) => m.rule.kind === 'tls');
      const missing = tlsPorts.filter((p) => !rules.some((m) => m.rule.matches.some((x) => (x.port === undefined || x.port === p.number) && (!x.gateways || x.gateways.some((g) => g.ref.mesh)))));
      if (missing.length === 0) continue;
      const list = missing.map((p) => `${p.number} ${p.protocol}`).join(', ');
      report({
        resource: se.resource,
        path: h.path,
        message: `No VirtualService routes ${h.host} port ${list} with a \`tls\` rule, which requireTlsRoute demands (Istio 1.0-era meshes leave such HTTPS traffic unrouted). Add a VirtualService for ${h.host} with a \`tls\` rule matching port ${missing[0]!.number} and sniHosts [${h.host}].`,
      });
    }
  }
}
