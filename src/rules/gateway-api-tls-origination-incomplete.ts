import { gatewayApiModel, type GatewayApiGateway, type GatewayApiRoute, type Listener } from '../model/gateway-api.js';
import { hostCovers } from '../model/hosts.js';
import { isTlsProtocol } from '../model/kinds.js';
import type { ClientTls, Mesh } from '../model/mesh.js';
import { asString, isObject } from '../model/resource.js';
import type { FieldPath, FindingInput, Resource } from '../types.js';
import type { Rule } from './types.js';

// TLS origination through an egress gateway written with the Gateway API (istio.io
// docs/tasks/traffic-management/egress/egress-gateway-tls-origination, "Gateway API" tab). Two hops
// carry TLS settings, and each fails at run time when its settings are missing:
//
// 1. sidecar → gateway: the listener terminates Istio mutual TLS (`tls.mode: Terminate` with the
//    option `gateway.istio.io/tls-terminate-mode: ISTIO_MUTUAL`, conversion.go buildTLS) for its
//    `hostname`, and the server's hosts become the SNI names its filter chain matches
//    (pilot/pkg/model/gateway.go GetSNIHostsForServer). So the DestinationRule for the
//    `<gateway>-istio` Service must set `tls.mode: ISTIO_MUTUAL` with an `sni` the hostname
//    covers. Without `sni` the sidecar sends the SNI of its own cluster
//    (`outbound_.<port>_._.<service>`, cluster_tls.go), which no filter chain matches: the gateway
//    closes the connection.
// 2. gateway → upstream: the forward route sends plain HTTP to a port the ServiceEntry declares as
//    HTTPS or TLS; the gateway originates TLS only when a DestinationRule it applies sets tls
//    SIMPLE or MUTUAL for that port, or when a BackendTLSPolicy targets the ServiceEntry
//    (backend_policies.go: Istio turns it into a DestinationRule with tls SIMPLE and the policy's
//    hostname as SNI). The same holds for a Service backend whose port the Service declares HTTPS
//    or TLS (appProtocol or port name): a BackendTLSPolicy targeting the Service (sectionName: the
//    port's name) becomes a DestinationRule for `<name>.<namespace>.svc.cluster.local`.
//    Otherwise the upstream receives plain HTTP on its TLS port and refuses it.
//    When both a DestinationRule and a BackendTLSPolicy exist, which wins depends on their creation
//    times (istio/istio#60358): the rule does not guess and reports nothing.
export const rule: Rule = {
  id: 'gateway-api-tls-origination-incomplete',
  severity: 'error',
  summary: 'TLS origination through a Gateway API egress gateway misses its TLS settings: the sidecar-to-gateway mutual TLS and SNI, or the gateway-to-upstream TLS',
  docs: 'docs/rules/gateway-api-tls-origination-incomplete.md',
  check({ mesh, report }) {
    checkMeshHop(mesh, report);
    checkUpstreamHop(mesh, report);
  },
};

type Report = (f: FindingInput) => void;

/** The listeners on a port, when all of them terminate Istio mutual TLS for a hostname. */
function istioMutualListeners(gw: GatewayApiGateway, port: number): Listener[] | undefined {
  const ls = gw.servedListeners.filter((l) => l.port === port);
  if (ls.length === 0) return undefined;
  const all = ls.every((l) => (l.protocol === 'HTTPS' || l.protocol === 'TLS') && l.tlsMode === 'Terminate' && l.terminateMode === 'ISTIO_MUTUAL' && l.hostname);
  return all ? ls : undefined;
}

function valueAt(r: Resource, path: FieldPath): unknown {
  let v: unknown = r.raw;
  for (const seg of path) {
    if (Array.isArray(v) && typeof seg === 'number') v = v[seg];
    else if (isObject(v) && typeof seg === 'string') v = v[seg];
    else return undefined;
  }
  return v;
}

/** The `sni` of the tls object a ClientTls came from. */
function sniOf(tls: ClientTls): string | undefined {
  const obj = valueAt(tls.rule.resource, tls.path);
  return isObject(obj) ? asString(obj.sni)?.toLowerCase() || undefined : undefined;
}

interface Sender {
  resource: Resource;
  path: FieldPath;
  clientNamespace: string;
  gw: GatewayApiGateway;
  port: number;
  hosts: string[];
}

function checkMeshHop(mesh: Mesh, report: Report): void {
  const model = gatewayApiModel(mesh);
  const senders: Sender[] = [];
  for (const route of model.routes) {
    if (!route.parentRefs.some((p) => p.target === 'serviceentry' || p.target === 'service')) continue;
    for (const b of route.backendRefs) {
      if (b.type !== 'service' || b.port === undefined) continue;
      const gw = model.gatewayOfService(b.namespace, b.name);
      if (gw?.generatedService) senders.push({ resource: route.resource, path: b.path, clientNamespace: route.namespace, gw, port: b.port, hosts: route.hostnames.map((h) => h.value) });
    }
  }
  // The mesh hop written as a VirtualService bound to mesh (the mutual TLS part of the task).
  for (const d of mesh.routeDestinations()) {
    if (d.mirror || !d.gateways.some((g) => g.mesh)) continue;
    const m = /^([^.]+)\.([^.]+)\.svc\.cluster\.local$/.exec(d.host);
    const gw = m ? model.gatewayOfService(m[2]!, m[1]!) : undefined;
    if (!gw?.generatedService) continue;
    const port = d.port ?? (gw.generatedService.ports.length === 1 ? gw.generatedService.ports[0] : undefined);
    if (port !== undefined) senders.push({ resource: d.vs.resource, path: d.path, clientNamespace: d.vs.namespace, gw, port, hosts: [] });
  }
  for (const s of senders) {
    const listeners = istioMutualListeners(s.gw, s.port);
    if (!listeners) continue;
    const svc = s.gw.generatedService!;
    const names = listeners.map((l) => l.hostname!).join(', ');
    const where = `listener ${listeners.map((l) => l.name).join(', ')} served by Gateway ${s.gw.namespace}/${s.gw.name} terminates Istio mutual TLS (tls-terminate-mode ISTIO_MUTUAL) on port ${s.port} for ${names}`;
    const first = listeners[0]!.hostname!;
    const sniHint = first.startsWith('*') ? `a name ${first} covers (the external host)` : first;
    const fix = `set tls mode ISTIO_MUTUAL with sni ${sniHint} for port ${s.port} in a DestinationRule for ${svc.fqdn}`;
    // Without an sni the sidecar sends its cluster's name; a wildcard hostname may cover it.
    const defaultSni = `outbound_.${s.port}_._.${svc.fqdn}`;
    const defaultSniMatches = listeners.some((l) => hostCovers(l.hostname!, defaultSni));
    const lookup = mesh.destinationRuleFor(svc.fqdn, s.clientNamespace);
    const tls = lookup ? mesh.clientTls(lookup, s.port) : undefined;
    if (!tls || !tls.mode) {
      if (defaultSniMatches) continue;
      report({
        resource: s.resource,
        path: s.path,
        message: `${s.resource.ref} sends traffic to ${svc.name}:${s.port}, where ${where}, but no DestinationRule for ${svc.fqdn} applies TLS settings to that port for namespace ${s.clientNamespace}: the sidecar connects without the SNI the listener matches (plain text, or automatic mutual TLS with the SNI ${defaultSni}), so the gateway closes the connection. ${capitalize(fix)}.`,
      });
      continue;
    }
    if (tls.mode !== 'ISTIO_MUTUAL') {
      report({
        resource: tls.rule.resource,
        path: tls.path,
        message: `${tls.rule.resource.ref} sets tls mode ${tls.mode} toward ${svc.fqdn}:${s.port}, but ${where}: ${tls.mode === 'DISABLE' ? 'plain text' : 'a connection without an Istio client certificate'} is refused there, so traffic from ${s.resource.ref} does not reach the gateway. ${capitalize(fix)}.`,
      });
      continue;
    }
    const sni = sniOf(tls);
    if (!sni) {
      if (defaultSniMatches) continue;
      report({
        resource: tls.rule.resource,
        path: tls.path,
        message: `${tls.rule.resource.ref} sets tls mode ISTIO_MUTUAL toward ${svc.fqdn}:${s.port} without an sni, but ${where}: the sidecar sends the SNI ${defaultSni}, which the listener does not match, so the gateway closes the connection. Add sni: ${sniHint}.`,
      });
      continue;
    }
    if (!listeners.some((l) => hostCovers(l.hostname!, sni))) {
      report({
        resource: tls.rule.resource,
        path: [...tls.path, 'sni'],
        message: `${tls.rule.resource.ref} sends the SNI ${sni} to ${svc.fqdn}:${s.port}, but ${where}, which does not cover ${sni}: no filter chain of the gateway matches, so it closes the connection. Use ${sniHint} as the sni.`,
      });
    }
  }
}

/** Where the forward route sends: the upstream's host, the port, and who declares that port as TLS. */
interface UpstreamTarget {
  host: string;
  port: number;
  path: FieldPath;
  /** "ServiceEntry ns/name declares as HTTPS", for messages. */
  declared: string;
  /** The BackendTLSPolicies that originate TLS for it (backend_policies.go). */
  policies: number;
  /** What a BackendTLSPolicy would target, for the fix. */
  policyTarget: string;
  /** The validation.hostname to suggest. */
  sni: string;
}

/** The TLS ports a forward route's backends reach: Hostname backends (ServiceEntry ports) and Service backends (Service ports). */
function upstreamTargets(mesh: Mesh, route: GatewayApiRoute): UpstreamTarget[] {
  const model = gatewayApiModel(mesh);
  const out: UpstreamTarget[] = [];
  for (const b of route.backendRefs) {
    if (b.port === undefined) continue;
    const port = b.port;
    if (b.type === 'hostname') {
      const host = b.name.toLowerCase();
      const entries = mesh
        .serviceEntriesForHost(host)
        .map((e) => ({ se: e.se, port: e.se.ports.find((p) => p.number === port) }))
        .filter((e) => e.port && isTlsProtocol(e.port.protocol));
      if (entries.length === 0) continue;
      const e = entries[0]!;
      out.push({
        host,
        port,
        path: [...b.path, 'port'],
        declared: `${e.se.resource.ref} declares as ${e.port!.protocol}`,
        policies: entries.flatMap((x) => model.backendTlsFor('ServiceEntry', x.se.namespace, x.se.resource.name, x.port!.name)).length,
        policyTarget: `ServiceEntry ${e.se.resource.name}`,
        sni: host,
      });
    } else if (b.type === 'service' && model.backendGranted(route, b)) {
      // (A backend in another namespace without a ReferenceGrant is refused: gateway-api-backend-not-granted.)
      // A BackendTLSPolicy on a core Service is turned into a DestinationRule for the Service's
      // host (backend_policies.go), port-level when sectionName names the port.
      const svc = mesh.get('Service', b.namespace, b.name) ? mesh.serviceByHost(`${b.name}.${b.namespace}.svc.cluster.local`) : undefined;
      const sp = svc?.ports.find((p) => p.number === port);
      if (!svc || !sp || !isTlsProtocol(sp.protocol)) continue;
      out.push({
        host: svc.fqdn,
        port,
        path: [...b.path, 'port'],
        declared: `${svc.resource.ref} declares as ${sp.protocol}${sp.name ? ` (port ${sp.name})` : ''}`,
        policies: model.backendTlsFor('Service', svc.namespace, svc.name, sp.name).length,
        policyTarget: `Service ${svc.name}${sp.name ? ` (sectionName ${sp.name})` : ''}`,
        sni: 'the name the upstream\'s certificate carries',
      });
    }
  }
  return out;
}

function checkUpstreamHop(mesh: Mesh, report: Report): void {
  const model = gatewayApiModel(mesh);
  for (const route of model.routes) {
    if (route.kind !== 'HTTPRoute' && route.kind !== 'GRPCRoute') continue;
    const targets = upstreamTargets(mesh, route);
    if (targets.length === 0) continue;
    const gateways = new Set<GatewayApiGateway>();
    for (const p of model.parents(route)) {
      // HTTP reaches the route: an HTTP listener, or an HTTPS one that terminates TLS.
      if (p.gateway?.generatedService && p.accepted.some((l) => l.protocol === 'HTTP' || l.protocol === 'HTTPS')) gateways.add(p.gateway);
    }
    for (const gw of gateways) {
      // Istio labels the pods it deploys for a Gateway with its name (deployment template).
      const labels = { 'gateway.networking.k8s.io/gateway-name': gw.name };
      for (const t of targets) {
        const lookup = mesh.destinationRuleFor(t.host, gw.namespace, labels);
        const tls = lookup ? mesh.clientTls(lookup, t.port) : undefined;
        const originates = tls?.mode !== undefined && tls.mode !== 'DISABLE';
        if (originates || t.policies > 0) continue;
        const disabled = tls?.mode === 'DISABLE' ? ` (${tls.rule.resource.ref} sets tls mode DISABLE for it)` : '';
        report({
          resource: route.resource,
          path: t.path,
          message: `${route.resource.ref} has egress Gateway ${gw.namespace}/${gw.name} send HTTP to ${t.host}:${t.port}, a port ${t.declared}, but nothing makes the gateway originate TLS there${disabled}: no DestinationRule for ${t.host} that the gateway (namespace ${gw.namespace}) applies sets tls mode SIMPLE for port ${t.port}, and no BackendTLSPolicy targets ${t.policyTarget}. The upstream receives plain HTTP on its TLS port and refuses it. Add a DestinationRule for ${t.host} with tls mode SIMPLE on port ${t.port}, or a BackendTLSPolicy whose targetRef is ${t.policyTarget} with validation.hostname ${t.sni}.`,
        });
      }
    }
  }
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
