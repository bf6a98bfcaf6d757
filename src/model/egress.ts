// Egress gateways and the two-hop egress pattern (semantics §3.3, §5 "Egress gateway", §6 "Selector",
// "Routing to the egress gateway"): which Services front a gateway or an egress gateway, which
// Gateways are egress gateways, who evaluates a VirtualService rule (and so whose DestinationRule
// lookup path applies), and indexes of mesh-bound and gateway-bound rules by host. Which workloads
// are gateway proxies and which Gateway runs on which of them is gateways.ts's.
import type { FieldPath } from '../types.js';
import { pushTo } from '../util/collections.js';
import { gatewayModel, gatewayRunsOn, isEgressGatewayWorkload, isGatewayWorkload, labelsLookEgress, nameLooksEgress } from './gateways.js';
import { coveringWildcards, isWildcard, parseServiceFqdn } from './hosts.js';
import type { GatewayInfo, GatewayRef, GatewayServer, RouteDestination, RouteKind, RouteRule, ServiceInfo, VirtualServiceInfo, Workload } from './kinds.js';
import type { Mesh } from './mesh.js';

/**
 * Whether a Gateway is served by an egress gateway: it runs on an egress gateway workload of the
 * input, or, when it runs on none in the input, its selector carries the egress chart's labels.
 */
export function isEgressGateway(mesh: Mesh, gw: GatewayInfo): boolean {
  const pods = gatewayModel(mesh).workloadsOf(gw);
  if (pods.length > 0) return pods.some(isEgressGatewayWorkload);
  return hasSelector(gw.selector) && labelsLookEgress(gw.selector);
}

function hasSelector(sel: Record<string, string> | undefined): sel is Record<string, string> {
  return sel !== undefined && Object.keys(sel).length > 0;
}

// Memoized per Mesh: rules ask per route destination.
const targetsOfMesh = new WeakMap<Mesh, Map<string, ServiceTarget | undefined>>();

/** A Service (in the input or only named by a route) and what is known of the pods behind it. */
export interface ServiceTarget {
  host: string;
  service?: ServiceInfo;
  /** Pods of the input the Service selects (in its namespace). */
  workloads: Workload[];
  /** Labels the pods are known to carry when none is in the input: the Service selector, or the chart's defaults. */
  labels?: Record<string, string>;
  /** Fronts an egress gateway. */
  egress: boolean;
}

/**
 * What a route destination host points at, when it is a Service: a Kubernetes Service or an
 * IstioOperator gateway Service of the input, or a `*.svc.cluster.local` name of an egress gateway
 * (`istio-egressgateway…`) whose Service is not in the input (its pods then carry the gateways chart's
 * selector labels `app: <name>`, `istio: <name without "istio-">`).
 */
export function serviceTarget(mesh: Mesh, host: string): ServiceTarget | undefined {
  let cache = targetsOfMesh.get(mesh);
  if (!cache) targetsOfMesh.set(mesh, (cache = new Map()));
  const key = host.toLowerCase();
  if (!cache.has(key)) cache.set(key, computeServiceTarget(mesh, key));
  return cache.get(key);
}

function computeServiceTarget(mesh: Mesh, host: string): ServiceTarget | undefined {
  const svc = mesh.serviceByHost(host);
  if (svc) {
    if (!hasSelector(svc.selector)) return { host, service: svc, workloads: [], egress: nameLooksEgress(svc.name) };
    const workloads = mesh.workloadsMatching(svc.selector, svc.namespace);
    const egress = workloads.length > 0 ? workloads.some(isEgressGatewayWorkload) : labelsLookEgress(svc.selector) || nameLooksEgress(svc.name);
    return { host, service: svc, workloads, labels: svc.selector, egress };
  }
  const parsed = parseServiceFqdn(host);
  if (parsed && nameLooksEgress(parsed.name)) {
    // The gateways chart's selector labels: app = name, istio = name without "istio-".
    const labels = { app: parsed.name, istio: parsed.name.replace(/^istio-/, '') };
    return { host, workloads: [], labels, egress: true };
  }
  return undefined;
}

/**
 * Whether a host names a Service in front of gateway proxies: declared by an IstioOperator gateway
 * component, selecting gateway pods of the input (or, with none there, an `istio` label naming a
 * gateway), or an egress gateway Service (§5: ISTIO_MUTUAL toward it is the documented sidecar →
 * egress gateway pattern; §6 "Ports": its ports are the gateway's).
 */
export function isGatewayService(mesh: Mesh, host: string): boolean {
  const h = host.toLowerCase();
  if (mesh.operatorServices.some((s) => s.fqdn === h)) return true;
  const t = serviceTarget(mesh, h);
  if (!t) return false;
  return t.egress || t.workloads.some(isGatewayWorkload) || /gateway/i.test(t.service?.selector?.istio ?? '');
}

/** The egress gateway Service a destination host names, if any. */
export function egressGatewayService(mesh: Mesh, host: string): ServiceTarget | undefined {
  const t = serviceTarget(mesh, host);
  return t?.egress ? t : undefined;
}

/**
 * Whether a Gateway runs on the pods behind a Service. With the pods in the input, by the selector;
 * without them, unless the selector contradicts the labels the pods are known to carry (the input
 * may hold only part of the cluster: a doubt counts as "yes").
 */
export function gatewaySelectsService(gw: GatewayInfo, target: ServiceTarget): boolean {
  if (target.workloads.length > 0) return target.workloads.some((w) => gatewayRunsOn(gw, w));
  if (!hasSelector(gw.selector) || !target.labels) return true;
  const known = target.labels;
  if (Object.entries(gw.selector).every(([k, v]) => known[k] === undefined || known[k] === v)) return true;
  // Only the name of the Service is known: its pods may carry custom labels, so any Gateway that
  // selects egress gateway pods may be on it.
  return !target.service && labelsLookEgress(gw.selector);
}

/**
 * gatewaySelectsService without the benefit of the doubt: the gateway pods of the input behind the
 * Service run the Gateway, or, with no pods in the input, every label of the Gateway's selector is
 * one the Service's pods are known to carry (its selector, or the gateways chart's labels).
 */
export function gatewayCertainlyOnService(gw: GatewayInfo, target: ServiceTarget): boolean {
  if (target.workloads.length > 0) return target.workloads.some((w) => gatewayRunsOn(gw, w));
  if (!hasSelector(gw.selector) || !target.labels) return false;
  const known = target.labels;
  return Object.entries(gw.selector).every(([k, v]) => known[k] === v);
}

// ---------------------------------------------------------------- who evaluates a rule

/** A proxy that evaluates a VirtualService rule, as far as the DestinationRule lookup cares (§3.3). */
export interface RuleClient {
  namespace: string;
  labels?: Record<string, string>;
  /** For messages: "sidecars in namespace shop", "gateway pods of Gateway istio-system/egress in namespace istio-system". */
  label: string;
}

/**
 * The proxies that evaluate a rule bound to `gateways`. For `mesh`: sidecars in the namespaces the
 * VirtualService is exported to; an export to every namespace is represented by the VS's own
 * namespace (the one namespace certain to hold clients). For a Gateway: the pods it selects (their
 * namespaces and labels), else the Gateway's namespace. Gateways missing from the input are skipped.
 */
export function ruleClients(mesh: Mesh, vs: VirtualServiceInfo, gateways: readonly GatewayRef[]): RuleClient[] {
  const out = new Map<string, RuleClient>();
  const add = (c: RuleClient) => {
    const key = `${c.namespace}|${c.labels ? JSON.stringify(Object.entries(c.labels).sort()) : ''}`;
    if (!out.has(key)) out.set(key, c);
  };
  for (const ref of gateways) {
    if (ref.mesh) {
      const list = vs.exportTo ?? [];
      if (list.length === 0 || list.includes('*')) add({ namespace: vs.namespace, label: `sidecars in namespace ${vs.namespace}` });
      else for (const e of list) {
        const ns = e === '.' ? vs.namespace : e;
        add({ namespace: ns, label: `sidecars in namespace ${ns}` });
      }
      continue;
    }
    const gw = mesh.gateway(ref.namespace, ref.name);
    if (!gw) continue;
    const pods = gatewayModel(mesh).workloadsOf(gw);
    if (pods.length === 0) add({ namespace: gw.namespace, label: `gateway pods of ${gw.resource.ref} (assumed in namespace ${gw.namespace})` });
    for (const p of pods) add({ namespace: p.namespace, labels: p.labels, label: `gateway pods of ${gw.resource.ref} in namespace ${p.namespace}` });
  }
  return [...out.values()];
}

// ---------------------------------------------------------------- gateway servers (§5 table)

/**
 * The VirtualService block a Gateway server routes with (pkg/config/gateway): PASSTHROUGH and
 * AUTO_PASSTHROUGH → `tls`; HTTP, or HTTPS terminated → `http`; TLS terminated, TCP and the other
 * L4 protocols → `tcp`. undefined when it cannot be told (no port, protocol unknown, HTTPS/TLS
 * without a TLS mode).
 */
export function gatewayServerRouteKind(server: GatewayServer): RouteKind | undefined {
  const p = server.port?.protocol;
  if (!p || p === 'UNKNOWN' || p === 'UDP') return undefined;
  const mode = server.tlsMode;
  if (mode === 'PASSTHROUGH' || mode === 'AUTO_PASSTHROUGH') return p === 'HTTPS' || p === 'TLS' ? 'tls' : undefined;
  const terminated = mode === 'SIMPLE' || mode === 'MUTUAL' || mode === 'ISTIO_MUTUAL' || mode === 'OPTIONAL_MUTUAL';
  if (p === 'HTTPS') return terminated ? 'http' : undefined;
  if (p === 'TLS') return terminated ? 'tcp' : undefined;
  if (p === 'HTTP' || p === 'HTTP2' || p === 'GRPC' || p === 'GRPC-WEB') return 'http';
  return 'tcp'; // TCP, MONGO, REDIS, MYSQL
}

// ---------------------------------------------------------------- host index

/** Items keyed by host, answering "which items' hosts overlap this host" without a scan. */
export class HostIndex<T> {
  private readonly exact = new Map<string, { seq: number; item: T }[]>();
  /** Items under every wildcard pattern that covers their host. */
  private readonly covered = new Map<string, { seq: number; item: T }[]>();
  private seq = 0;

  add(host: string, item: T): void {
    const h = host.toLowerCase();
    const entry = { seq: this.seq++, item };
    pushTo(this.exact, h, entry);
    for (const p of coveringWildcards(h)) pushTo(this.covered, p, entry);
  }

  /** Items whose host equals `host`, covers it, or (for a wildcard `host`) is covered by it; in insertion order. */
  overlapping(host: string): T[] {
    const h = host.toLowerCase();
    const found = new Map<number, T>();
    const take = (list: { seq: number; item: T }[] | undefined) => list?.forEach((e) => found.set(e.seq, e.item));
    take(this.exact.get(h));
    for (const p of coveringWildcards(h)) take(this.exact.get(p));
    if (isWildcard(h)) take(this.covered.get(h));
    return [...found.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
  }
}

// ---------------------------------------------------------------- rules by binding

/** A rule (with at least one route) of a VirtualService bound to a Gateway, under one VS host. */
export interface GatewayBoundRule {
  vs: VirtualServiceInfo;
  rule: RouteRule;
  ref: Extract<GatewayRef, { mesh: false }>;
  /** undefined when the Gateway is not in the input. */
  gateway?: GatewayInfo;
  host: string;
  hostPath: FieldPath;
}

/**
 * A rule that applies to sidecars (`mesh`), with its route destinations, under the host its requests
 * carry to the next hop: the VS host, or the rule's authority rewrite (RouteRule.authority).
 */
export interface MeshBoundRule {
  vs: VirtualServiceInfo;
  rule: RouteRule;
  destinations: RouteDestination[];
  host: string;
}

export interface RouteIndex {
  gatewayRules: HostIndex<GatewayBoundRule>;
  meshRules: HostIndex<MeshBoundRule>;
  /** Route (non-mirror) destinations of a rule. */
  destinationsOf(vs: VirtualServiceInfo, rule: RouteRule): RouteDestination[];
}

/** The hosts a rule's requests carry to its destinations: the authority rewrite, else the VS hosts. */
export function hostsSentOnward(vs: VirtualServiceInfo, rule: RouteRule): string[] {
  if (rule.authority) return [rule.authority.host];
  return vs.hosts.map((h) => h.host).filter((h) => h);
}

const routeIndexes = new WeakMap<Mesh, RouteIndex>();

/** Mesh-bound and gateway-bound rules indexed by VirtualService host; built once per Mesh. */
export function routeIndex(mesh: Mesh): RouteIndex {
  let idx = routeIndexes.get(mesh);
  if (idx) return idx;
  const byRule = new Map<VirtualServiceInfo, Map<string, RouteDestination[]>>();
  for (const d of mesh.routeDestinations()) {
    if (d.mirror) continue;
    let m = byRule.get(d.vs);
    if (!m) byRule.set(d.vs, (m = new Map()));
    pushTo(m, `${d.kind}/${d.ruleIndex}`, d);
  }
  const destinationsOf = (vs: VirtualServiceInfo, rule: RouteRule) => byRule.get(vs)?.get(`${rule.kind}/${rule.index}`) ?? [];
  const gatewayRules = new HostIndex<GatewayBoundRule>();
  const meshRules = new HostIndex<MeshBoundRule>();
  for (const vs of mesh.virtualServices) {
    for (const rule of vs.rules) {
      const destinations = destinationsOf(vs, rule);
      if (destinations.length === 0) continue;
      for (const h of vs.hosts) {
        if (!h.host) continue;
        for (const ref of rule.gateways) {
          if (!ref.mesh) gatewayRules.add(h.host, { vs, rule, ref, gateway: mesh.gateway(ref.namespace, ref.name), host: h.host, hostPath: h.path });
        }
      }
      if (rule.gateways.some((g) => g.mesh)) for (const host of hostsSentOnward(vs, rule)) meshRules.add(host, { vs, rule, destinations, host });
    }
  }
  idx = { gatewayRules, meshRules, destinationsOf };
  routeIndexes.set(mesh, idx);
  return idx;
}

// ---------------------------------------------------------------- where sidecars send a Service's host

const routedAwayByMesh = new WeakMap<Mesh, Map<string, VirtualServiceInfo | undefined>>();

/**
 * A VirtualService that makes sidecars send every request for `fqdn` to other hosts: bound to
 * `mesh`, `fqdn` among its hosts as written (not through a wildcard), with at least one route, none
 * of whose route destinations is `fqdn` itself. The sidecar builds the virtual host for the name
 * from the VirtualService's routes instead of the Service's own cluster (route.go
 * BuildSidecarVirtualHostWrapper: a Service with a VirtualService gets no default route), so the
 * Service's backends are never used by meshed clients.
 */
export function virtualServiceRoutingAway(mesh: Mesh, fqdn: string): VirtualServiceInfo | undefined {
  let byHost = routedAwayByMesh.get(mesh);
  if (!byHost) {
    byHost = new Map();
    const idx = routeIndex(mesh);
    for (const vs of mesh.virtualServices) {
      const meshRules = vs.rules.filter((r) => r.gateways.some((g) => g.mesh));
      const dests = meshRules.flatMap((r) => idx.destinationsOf(vs, r));
      if (dests.length === 0) continue;
      for (const h of vs.hosts) {
        if (!h.host || isWildcard(h.host)) continue;
        const away = dests.every((d) => d.host !== h.host);
        // Two VirtualServices for one host merge (§6); one that routes to the host itself wins the doubt.
        if (!away) byHost.set(h.host, undefined);
        else if (!byHost.has(h.host)) byHost.set(h.host, vs);
      }
    }
    routedAwayByMesh.set(mesh, byHost);
  }
  return byHost.get(fqdn.toLowerCase());
}
