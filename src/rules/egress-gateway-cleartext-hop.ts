// Plaintext hops of an egress gateway path (model/gateway-hop-tls.ts): HTTP that sidecars send to
// the egress gateway with no Istio mTLS, and HTTP the egress gateway forwards out of the cluster
// with no TLS origination. The istio.io task "Egress Gateways with TLS Origination" secures both:
// ISTIO_MUTUAL toward the gateway, SIMPLE from the gateway to the upstream.
// Only HTTP rules are judged: their bytes are certainly plaintext when they leave the application
// (TLS and TCP rules may carry the application's own TLS).
import { egressGatewayService, gatewaySelectsService, hostsSentOnward, isEgressGateway, routeIndex, type ServiceTarget } from '../model/egress.js';
import { isExternalHost } from '../model/external-hosts.js';
import { gatewayModel } from '../model/gateways.js';
import { encryptionTowardGateway, encryptionTowardUpstream, TLS_MODE_LABEL, type HopEncryption } from '../model/gateway-hop-tls.js';
import { hostCovers } from '../model/hosts.js';
import type { GatewayInfo, Protocol, RouteDestination, RouteRule } from '../model/kinds.js';
import type { Mesh } from '../model/mesh.js';
import type { FieldPath, Resource } from '../types.js';
import { nameFew } from '../util/few.js';
import type { Rule } from './types.js';

const PLAIN_HTTP: ReadonlySet<Protocol> = new Set(['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB']);
const TERMINATING = new Set(['SIMPLE', 'MUTUAL', 'ISTIO_MUTUAL', 'OPTIONAL_MUTUAL']);

interface Pending {
  resource: Resource;
  path: FieldPath;
  hosts: Set<string>;
  message: (hosts: string[]) => string;
}

/** The port a rule's traffic arrives on when the destination names none: its match port. */
function rulePort(rule: RouteRule, d: RouteDestination): number | undefined {
  return d.port ?? rule.matches.find((m) => m.port !== undefined)?.port;
}

/**
 * The servers that expect TLS (then plaintext is a broken hop, not a cleartext one) of the egress
 * Gateways behind `target` on `port`, each as its hosts.
 */
function tlsServersOn(mesh: Mesh, target: ServiceTarget, port: number): string[][] {
  const out: string[][] = [];
  for (const gw of mesh.gateways) {
    if (!isEgressGateway(mesh, gw) || !gatewaySelectsService(gw, target)) continue;
    for (const s of gw.servers) if (s.port?.number === port && s.tlsMode && TERMINATING.has(s.tlsMode)) out.push(s.hosts.map((h) => h.host));
  }
  return out;
}

/** Where to fix hop 1: the subset or spec of the DestinationRule for the gateway, its DISABLE, or the route destination. */
function hopOneNode(mesh: Mesh, enc: HopEncryption, d: RouteDestination): { resource: Resource; path: FieldPath } {
  if (enc.tls) return { resource: enc.tls.rule.resource, path: [...enc.tls.path, 'mode'] };
  if (enc.resource && enc.path) return { resource: enc.resource, path: enc.path };
  if (enc.lookup) {
    const s = d.subset ? mesh.subsetOf(enc.lookup, d.subset) : undefined;
    if (s) return { resource: s.rule.resource, path: s.subset.path };
    const first = enc.lookup.rules[0]!;
    return { resource: first.resource, path: ['spec'] };
  }
  return { resource: d.vs.resource, path: [...d.path, 'host'] };
}

export const rule: Rule = {
  id: 'egress-gateway-cleartext-hop',
  severity: 'warning',
  summary: 'A hop of an egress gateway path carries HTTP in plaintext',
  docs: 'docs/rules/egress-gateway-cleartext-hop.md',
  securitySeverity: 5.3,
  check({ mesh, report }) {
    const idx = routeIndex(mesh);
    const pending = new Map<string, Pending>();
    const add = (key: string, resource: Resource, path: FieldPath, hosts: string[], message: (hosts: string[]) => string) => {
      const p = pending.get(key);
      if (p) for (const h of hosts) p.hosts.add(h);
      else pending.set(key, { resource, path, hosts: new Set(hosts), message });
    };
    // The TLS-terminating servers behind each gateway Service port, found once per Service and port.
    const tlsServers = new Map<string, string[][]>();
    const gatewayExpectsTls = (target: ServiceTarget, port: number | undefined, hosts: string[]) => {
      if (port === undefined) return false;
      const key = `${target.host}\0${port}`;
      let servers = tlsServers.get(key);
      if (!servers) tlsServers.set(key, (servers = tlsServersOn(mesh, target, port)));
      return servers.some((serverHosts) => serverHosts.some((h) => hosts.some((x) => hostCovers(h, x))));
    };

    for (const vs of mesh.virtualServices) {
      for (const r of vs.rules) {
        if (r.kind !== 'http') continue;
        const dests = idx.destinationsOf(vs, r).filter((d) => !d.mirror);

        // Hop 1: sidecars → egress gateway.
        if (r.gateways.some((g) => g.mesh)) {
          for (const d of dests) {
            const target = egressGatewayService(mesh, d.host);
            if (!target) continue;
            const onward = hostsSentOnward(vs, r).filter((h) => h !== d.host);
            if (onward.length === 0) continue;
            const port = rulePort(r, d);
            const enc = encryptionTowardGateway(mesh, target, port, d.subset, vs.namespace);
            // A subset no DestinationRule defines breaks the route itself (subset-not-found).
            if (d.subset && !(enc.lookup && mesh.subsetOf(enc.lookup, d.subset))) continue;
            if (enc.encrypted || gatewayExpectsTls(target, port, onward)) continue;
            const node = hopOneNode(mesh, enc, d);
            const at = `${target.host}${port !== undefined ? `:${port}` : ''}`;
            add(`1\0${node.resource.ref}\0${node.path.join('.')}\0${target.host}\0${port ?? ''}`, node.resource, node.path, onward, (hosts) =>
              `Sidecars send HTTP for ${nameFew(hosts)} to egress gateway ${at} in plaintext (${enc.why}): requests cross the cluster network unencrypted, and the gateway cannot authorize them by source principal or namespace. ` +
              `Set tls.mode ISTIO_MUTUAL (sni: ${hosts[0]}) toward ${target.host}${port !== undefined ? ` port ${port}` : ''} in a DestinationRule, and tls.mode ISTIO_MUTUAL on the Gateway's server for that port.`,
            );
          }
        }

        // Hop 2: egress gateway → upstream outside the mesh.
        for (const ref of r.gateways) {
          if (ref.mesh) continue;
          const gw = mesh.gateway(ref.namespace, ref.name);
          if (!gw || !isEgressGateway(mesh, gw)) continue;
          for (const d of dests) {
            if (!isExternalHost(mesh, d.host)) continue;
            const entry = mesh.firstServiceEntryFor(d.host)?.se;
            if (entry && entry.location === 'MESH_INTERNAL') continue;
            const pods = gatewayPods(mesh, gw);
            const declared = mesh.portsOfHost(d.host, pods[0]!.namespace) ?? [];
            const port = d.port ?? (declared.length === 1 ? declared[0]!.number : undefined);
            const protocol = declared.find((p) => p.number === port)?.protocol;
            if (port === undefined || !protocol || !PLAIN_HTTP.has(protocol)) continue;
            // Plaintext only if the gateway pods of every namespace send it so (no false alarm for pods that do originate TLS).
            const encs = pods.map((p) => encryptionTowardUpstream(mesh, d.host, port, d.subset, p.namespace, p.labels));
            if (encs.some((e) => e.encrypted)) continue;
            const enc = encs[0]!;
            const podNamespace = pods[0]!.namespace;
            const path = enc.tls ? [...enc.tls.path, 'mode'] : [...d.path, 'host'];
            const resource = enc.tls ? enc.tls.rule.resource : vs.resource;
            add(`2\0${resource.ref}\0${path.join('.')}\0${gw.resource.ref}`, resource, path, [d.host], () =>
              `Egress gateway ${gw.resource.ref} forwards HTTP to ${d.host}:${port} (${protocol}) in plaintext (${enc.why}): the request leaves the cluster unencrypted. ` +
              `If ${d.host} serves HTTPS, originate TLS at the gateway: route to its HTTPS port, with tls.mode SIMPLE for that port in a DestinationRule for ${d.host} visible to namespace ${podNamespace}.`,
            );
          }
        }
      }
    }
    for (const p of pending.values()) report({ resource: p.resource, path: p.path, message: p.message([...p.hosts]) });
  },
};

/**
 * The namespaces (with labels) of the pods a Gateway runs on, one per namespace; the Gateway's own
 * namespace and selector when none is in the input.
 */
function gatewayPods(mesh: Mesh, gw: GatewayInfo): { namespace: string; labels?: Record<string, string> }[] {
  const out = new Map<string, { namespace: string; labels?: Record<string, string> }>();
  for (const w of gatewayModel(mesh).workloadsOf(gw)) if (!out.has(w.namespace)) out.set(w.namespace, { namespace: w.namespace, labels: w.labels });
  return out.size > 0 ? [...out.values()] : [{ namespace: gw.namespace, labels: gw.selector }];
}
