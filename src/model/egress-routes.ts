// Every workload's way out, hop by hop (the egress map): for each application workload and each
// host outside the mesh it calls (URLs in its env, args, command and the ConfigMaps it loads), and
// for each namespace group (the workloads of a namespace that see the same registry and policy) and
// each host registered for that namespace (MESH_EXTERNAL ServiceEntries and Services that stand for
// outside hosts, visible there through exportTo), the proxies the connection passes, the TLS each
// of them opens toward the next, the outbound policy in force and whether the call is let out. Every answer comes from the model's
// existing questions; this module only strings them together along one connection:
// - data plane and policy: policy.ts workloadPolicy (sidecar, ambient, none; §1.1);
// - sidecar routing: the mesh-bound VirtualService rules for the host (egress.ts routeIndex; §6,
//   first matching rule of the first VirtualService in input order, as Istio merges them), their
//   first route destination;
// - egress gateway hop: egress.ts egressGatewayService / gatewaySelectsService, the gateway-bound
//   rules for the host sent onward (hostsSentOnward); Gateway API gateways: gateway-api.ts
//   gatewayOfService and the routes accepted on the Gateway;
// - ambient: ambient-egress.ts ambientEgressFor (ztunnel, then the ServiceEntry's waypoint);
// - TLS of a hop: Mesh.destinationRuleFor + Mesh.clientTls from the hop's proxy (§3.2, §3.3);
//   without a DestinationRule TLS setting, Istio's auto mTLS toward a gateway or waypoint (its pods
//   run Istio proxies), else the application's own bytes (TLS when its scheme or the port's
//   protocol is TLS: passthrough; otherwise plaintext);
// - registry: Mesh.registryLookup and policy.ts registryOnlyEnforced (§1.2, §2).
import type { FieldPath, Resource } from '../types.js';
import { ambientEgressFor, ambientVisibleEntries } from './ambient-egress.js';
import { egressGatewayService, gatewaySelectsService, hostsSentOnward, routeIndex, serviceTarget, type ServiceTarget } from './egress.js';
import { forEachWorkloadUrl, isExternalHost, looksClusterLocal } from './external-hosts.js';
import { gatewayApiModel, type GatewayApiGateway, type GatewayApiRoute } from './gateway-api.js';
import { encryptionTowardGateway } from './gateway-hop-tls.js';
import { describeWorkload, gatewayModel, isGatewayWorkload } from './gateways.js';
import { exportedTo, exportScope, hostCovers, isWildcard, parseServiceFqdn } from './hosts.js';
import type { GatewayInfo, RouteDestination, RouteRule, ServiceInfo, SidecarInfo, VirtualServiceInfo, Workload } from './kinds.js';
import type { ClientTls, Mesh, PolicyDecision, RegistryStatus } from './mesh.js';
import { registryOnlyEnforced, whyModeNotEnforced, workloadPolicy } from './policy.js';
import { at, labelsMatch } from './resource.js';

export type HopKind = 'sidecar' | 'ztunnel' | 'waypoint' | 'egress-gateway' | 'upstream';

/**
 * What a hop opens toward the next one: Istio mutual TLS, mutual TLS with the client's own
 * certificate, TLS originated by the proxy, the application's own TLS passed through, plain
 * bytes, or HBONE (ztunnel's mTLS tunnel to a waypoint).
 */
export type HopTlsMode = 'istio-mutual' | 'mutual' | 'originate' | 'passthrough' | 'plaintext' | 'hbone';

export interface HopTls {
  mode: HopTlsMode;
  /** For people: "DestinationRule istio-system/default spec.trafficPolicy.tls", "auto mTLS", "the application (https)". */
  setBy: string;
  resource?: Resource;
  path?: FieldPath;
}

export interface EgressHop {
  kind: HopKind;
  /** The proxy or host: the workload (`Deployment apps/curl`), the Gateway `ns/name`, the waypoint `ns/name`, the upstream host. */
  name: string;
  /** For gateway and waypoint hops: the Gateway `namespace/name`. */
  gateway?: string;
  /** The address this hop sends to and its port (upstream: the host that answers). */
  to?: string;
  port?: number;
  /** TLS of the connection this hop opens toward the next; the upstream hop has none. */
  tls?: HopTls;
  /**
   * Where the rule that sent the traffic on splits it between several destinations: the percent of
   * this hop's traffic that takes this route's branch (the destination's weight over the sum of
   * the weights of the rule's destinations).
   */
  weight?: number;
  /** The configuration that sent the traffic this way (a VirtualService rule, an HTTPRoute, a use-waypoint label). */
  via?: { resource: Resource; path: FieldPath };
}

/**
 * A resource the route passes through. A finding on it belongs to the route when its field path is
 * under (or above) one of `only` (all of the resource when absent) and under none of `exclude`.
 */
export interface RouteResource {
  resource: Resource;
  only?: FieldPath[];
  exclude?: FieldPath[];
}

/** What the model alone says of the route; findings on the path may still break it (the map's `broken`). */
export type RouteVerdict = 'allowed' | 'blocked' | 'passthrough' | 'dead-end';

/**
 * Workloads of one namespace whose calls to a registered host take the same way: same data plane,
 * outbound policy and Sidecar, same DestinationRules chosen by workloadSelector. Registry routes are
 * made once per group, so their number grows with the namespaces' views, not with the workloads.
 */
export interface ClientGroup {
  namespace: string;
  /** The namespace's name, then `<namespace>~2`, `~3`, … for further groups of the same namespace. */
  name: string;
  members: Workload[];
}

export interface EgressRoute {
  /** The client workload; for a group route, the group's first workload. */
  workload: Workload;
  /** Kind `Namespace` (name: the group's name) for a group route. */
  client: { kind: string; namespace: string; name: string };
  group?: ClientGroup;
  host: string;
  port?: number;
  /** The host is named by the workload (`reference`) or registered for the namespace group (`registry`). */
  source: 'reference' | 'registry';
  references: { resource: Resource; path: FieldPath; what: string }[];
  policy: PolicyDecision;
  /** Whether a proxy on the way applies the policy's mode (no for ambient pods, pods outside the mesh, uncaptured containers). */
  enforced: boolean;
  /** Why the mode is not applied, when it is not. */
  notEnforced?: string;
  /** The client's registry answer for the host (ambient clients: the ServiceEntries they see). */
  registry: RegistryStatus;
  hops: EgressHop[];
  verdict: RouteVerdict;
  /** One sentence: why the verdict. */
  reason: string;
  onPath: RouteResource[];
}

/** URL schemes whose bytes are TLS from the first one. */
const TLS_SCHEMES = new Set(['https', 'grpcs', 'wss', 'rediss', 'amqps', 'mqtts', 'ldaps', 'smtps', 'tls']);

interface Call {
  host: string;
  port?: number;
  appTls?: boolean;
  scheme?: string;
  resource: Resource;
  path: FieldPath;
  what: string;
  /** Set when the call comes from a container the sidecar does not capture. */
  uncaptured?: boolean;
}

// ---------------------------------------------------------------- what a workload calls

/**
 * A host that stands outside the mesh: an external host (external-hosts.ts isExternalHost), or a
 * Service that is only a name for one (ExternalName, or selectorless with endpoints written by
 * hand: §3.1, §8).
 */
function outsideService(mesh: Mesh, host: string): ServiceInfo | undefined {
  const svc = mesh.serviceByHost(host);
  if (!svc) return undefined;
  return svc.type === 'ExternalName' || !svc.selector ? svc : undefined;
}

function standsOutside(mesh: Mesh, host: string): boolean {
  return isExternalHost(mesh, host) || outsideService(mesh, host) !== undefined;
}

/** Short names in URLs (`http://my-svc/`) are cluster-local names of the workload's namespace. */
function expandUrlHost(mesh: Mesh, host: string, namespace: string): string {
  if (isWildcard(host) || !looksClusterLocal(mesh, host)) return host;
  const labels = host.split('.');
  if (labels.length === 1) return `${host}.${namespace}.svc.cluster.local`;
  if (labels.length === 2) return `${host}.svc.cluster.local`;
  if (host.endsWith('.svc')) return `${host}.cluster.local`;
  return host;
}

/** The URLs a workload's containers name (external-hosts.ts forEachWorkloadUrl) whose host stands outside the mesh. */
function callsOf(mesh: Mesh, w: Workload, policy: PolicyDecision): Call[] {
  const out: Call[] = [];
  const seen = new Set<string>();
  const uncaptured = new Set((policy.dataPlane?.uncaptured ?? []).map((u) => u.container));
  forEachWorkloadUrl(
    mesh,
    w,
    (host) => standsOutside(mesh, expandUrlHost(mesh, host, w.namespace)),
    ({ url: u, resource, path, what, container }) => {
      const host = expandUrlHost(mesh, u.host, w.namespace);
      const key = `${resource.doc.file.path}\0${resource.doc.index}\0${path.join('\0')}\0${host}\0${u.port ?? ''}`;
      if (seen.has(key)) return;
      seen.add(key);
      const isUncaptured = container !== undefined && uncaptured.has(container);
      out.push({ host, port: u.port, appTls: TLS_SCHEMES.has(u.scheme), scheme: u.scheme, resource, path, what, uncaptured: isUncaptured || undefined });
    },
  );
  return out;
}

type RegisteredHost = { host: string; port?: number; protocol?: string; declaredIn: string };

/**
 * The client namespace of the mesh-wide groups: it names no real namespace (`*` is not a valid
 * namespace name), so a lookup from it sees what every namespace sees and nothing addressed to one
 * namespace: entries exported everywhere, the root namespace's default Sidecar, no DestinationRule
 * or VirtualService of a client namespace.
 */
export const ANY_NAMESPACE = '*';

interface RegisteredIndex {
  /** Entries exported to named namespaces (or private to their own), by namespace. */
  byNamespace: Map<string, RegisteredHost[]>;
  /** Entries exported to every namespace (`*`, or no exportTo). */
  everywhere: RegisteredHost[];
  everywhereByHost: Map<string, RegisteredHost[]>;
  everywhereWildcards: RegisteredHost[];
  everywhereByDeclaringNamespace: Map<string, RegisteredHost[]>;
  /**
   * Per namespace, the hosts that configuration addressed to that namespace alone names: its own
   * DestinationRules and VirtualServices, and DestinationRules, VirtualServices and ServiceEntries
   * of other namespaces exported to it by name. A host exported everywhere that one of them covers
   * may take another way from that namespace than from the others.
   */
  ownConfigHosts: Map<string, Set<string>>;
}

const registeredCache = new WeakMap<Mesh, RegisteredIndex>();

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/**
 * Hosts outside the mesh registered for client namespaces: each port of a MESH_EXTERNAL
 * ServiceEntry, or of a Service standing for an outside host, with the namespaces it is exported
 * to (§2 exportTo: every namespace, or a list naming it, `.` for its own; `~` none). Indexed once
 * per Mesh; entries exported everywhere are kept once, not once per namespace.
 */
function registeredIndex(mesh: Mesh): RegisteredIndex {
  let index = registeredCache.get(mesh);
  if (index) return index;
  const built: RegisteredIndex = { byNamespace: new Map(), everywhere: [], everywhereByHost: new Map(), everywhereWildcards: [], everywhereByDeclaringNamespace: new Map(), ownConfigHosts: new Map() };
  const seen = new Set<string>();
  const own = (ns: string, host: string) => {
    let set = built.ownConfigHosts.get(ns);
    if (!set) built.ownConfigHosts.set(ns, (set = new Set()));
    set.add(host);
  };
  const place = (r: { namespace: string; exportTo?: readonly string[] }, host: string, ports: { number: number; protocol?: string }[]) => {
    const scope = exportScope(r);
    const list: RegisteredHost[] = ports.length === 0 ? [{ host, declaredIn: r.namespace }] : ports.map((p) => ({ host, port: p.number, protocol: p.protocol, declaredIn: r.namespace }));
    for (const h of list) {
      if (scope.all) {
        const key = `${h.host}\0${h.port ?? ''}`;
        if (seen.has(key)) continue;
        seen.add(key);
        built.everywhere.push(h);
        push(built.everywhereByHost, h.host, h);
        if (isWildcard(h.host)) built.everywhereWildcards.push(h);
        push(built.everywhereByDeclaringNamespace, h.declaredIn, h);
      } else {
        for (const ns of scope.namespaces) push(built.byNamespace, ns, h);
      }
    }
    if (!scope.all) for (const ns of scope.namespaces) own(ns, host);
  };
  for (const se of mesh.serviceEntries) {
    if (se.location !== 'MESH_EXTERNAL') continue;
    for (const h of se.hosts) if (isExternalHost(mesh, h.host) || outsideService(mesh, h.host)) place(se, h.host, se.ports);
  }
  for (const svc of mesh.services) if (outsideService(mesh, svc.fqdn)) place(svc, svc.fqdn, svc.ports);
  const addressed = (r: { namespace: string; exportTo?: readonly string[] }, host: string) => {
    own(r.namespace, host);
    const scope = exportScope(r);
    if (!scope.all) for (const ns of scope.namespaces) own(ns, host);
  };
  for (const dr of mesh.destinationRules) addressed(dr, dr.host);
  for (const vs of mesh.virtualServices) for (const h of vs.hosts) addressed(vs, h.host);
  registeredCache.set(mesh, built);
  return built;
}

function dedupe(hosts: Iterable<RegisteredHost>): RegisteredHost[] {
  const seen = new Set<string>();
  const out: RegisteredHost[] = [];
  for (const r of hosts) {
    const key = `${r.host}\0${r.port ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(r);
  }
  return out;
}

/** Entries exported everywhere that configuration addressed to `namespace` alone covers (ownConfigHosts). */
function everywhereHostsWithOwnConfig(index: RegisteredIndex, namespace: string): RegisteredHost[] {
  const out: RegisteredHost[] = [];
  for (const pattern of index.ownConfigHosts.get(namespace) ?? []) {
    if (isWildcard(pattern)) {
      for (const h of index.everywhere) if (hostCovers(pattern, h.host) || hostCovers(h.host, pattern)) out.push(h);
    } else {
      out.push(...(index.everywhereByHost.get(pattern) ?? []));
      for (const h of index.everywhereWildcards) if (hostCovers(h.host, pattern)) out.push(h);
    }
  }
  return out;
}

/** Entries exported everywhere declared in the namespaces a Sidecar's egress hosts import (all of them for `*`). */
function everywhereHostsImportedBy(index: RegisteredIndex, sidecar: SidecarInfo | undefined, namespace: string): RegisteredHost[] {
  if (!sidecar?.egressHosts || sidecar.egressHosts.some((e) => e.namespace === '*')) return index.everywhere;
  const namespaces = new Set(sidecar.egressHosts.map((e) => (e.namespace === '.' ? namespace : e.namespace)));
  return [...namespaces].sort().flatMap((ns) => index.everywhereByDeclaringNamespace.get(ns) ?? []);
}

function resourceId(r: Resource): string {
  return `${r.doc.file.path}\0${r.doc.index}\0${r.ref}`;
}

interface Profile {
  w: Workload;
  policy: PolicyDecision;
  /** The Sidecar, policy and DestinationRules that decide the workload's way are the mesh's defaults, none of its namespace's. */
  meshWide: boolean;
  key: string;
}

/**
 * What decides a client workload's way to a registered host: data plane and why the mode is (not)
 * applied, the outbound policy and what set it, the Sidecar that scopes its imports
 * (Mesh.registryLookup looks no further at the labels), and the DestinationRules with a
 * workloadSelector that select it (Mesh.destinationRuleFor).
 */
function profilesOf(mesh: Mesh, clients: { w: Workload; policy: PolicyDecision }[]): Profile[] {
  const selectorRules = new Map<string, { id: string; selector: Record<string, string> }[]>();
  for (const dr of mesh.destinationRules) if (dr.workloadSelector) push(selectorRules, dr.namespace, { id: resourceId(dr.resource), selector: dr.workloadSelector });
  return clients.map(({ w, policy: p }) => {
    const drs = (selectorRules.get(w.namespace) ?? []).filter((d) => labelsMatch(d.selector, w.labels)).map((d) => d.id);
    // The root namespace's Sidecar without a selector is the mesh's default (it applies to every namespace without a Sidecar).
    const defaultSidecar = !p.sidecar || (p.sidecar.namespace === mesh.rootNamespace && !p.sidecar.workloadSelector && w.namespace !== mesh.rootNamespace);
    const meshWide = defaultSidecar && drs.length === 0 && p.dataPlane?.kind !== 'none';
    const key = [
      p.dataPlane?.kind ?? '',
      whyModeNotEnforced(p) ?? '',
      p.mode,
      p.setBy,
      p.resource ? resourceId(p.resource) : '',
      (p.path ?? []).join('/'),
      p.sidecar ? resourceId(p.sidecar.resource) : '',
      ...drs,
    ].join('\0');
    return { w, policy: p, meshWide, key };
  });
}

/** Groups in order of their first workload; further groups of one namespace are numbered in that order. */
function groupBy(profiles: Profile[], namespaceOf: (p: Profile) => string, key: (p: Profile) => string): { group: ClientGroup; policy: PolicyDecision; meshWide: boolean }[] {
  const byKey = new Map<string, { group: ClientGroup; policy: PolicyDecision; meshWide: boolean }>();
  const perNamespace = new Map<string, number>();
  for (const p of profiles) {
    const ns = namespaceOf(p);
    const k = `${ns}\0${key(p)}`;
    let entry = byKey.get(k);
    if (!entry) {
      const n = (perNamespace.get(ns) ?? 0) + 1;
      perNamespace.set(ns, n);
      entry = { group: { namespace: ns, name: n === 1 ? ns : `${ns}~${n}`, members: [] }, policy: p.policy, meshWide: p.meshWide };
      byKey.set(k, entry);
    }
    entry.group.members.push(p.w);
  }
  return [...byKey.values()];
}

/** A mesh-wide group's policy: its data plane without one namespace's reason or resource. */
function meshWidePolicy(p: PolicyDecision): PolicyDecision {
  if (!p.dataPlane || p.dataPlane.kind === 'sidecar') return p;
  return { ...p, dataPlane: { ...p.dataPlane, reason: `the namespace or pod template selects ${p.dataPlane.kind} mode`, resource: undefined, path: undefined } };
}

// ---------------------------------------------------------------- TLS of a hop

function describeTlsSource(t: ClientTls): string {
  return `${t.rule.resource.ref} ${t.path.map((p) => (typeof p === 'number' ? `[${p}]` : p)).join('.').replace(/\.\[/g, '[')}`;
}

/** TLS a proxy in `namespace` (with `labels`) opens toward `host:port`, subset `subset`. */
function hopTls(mesh: Mesh, host: string, port: number | undefined, subset: string | undefined, namespace: string, labels: Record<string, string> | undefined, next: 'gateway' | 'proxy' | 'upstream', appTls: boolean): HopTls {
  const lookup = mesh.destinationRuleFor(host, namespace, labels);
  const tls = lookup ? mesh.clientTls(lookup, port, subset) : undefined;
  const source = tls && { setBy: describeTlsSource(tls), resource: tls.rule.resource, path: tls.path };
  switch (tls?.mode) {
    case 'ISTIO_MUTUAL':
      return { mode: 'istio-mutual', ...source! };
    case 'MUTUAL':
      return { mode: 'mutual', ...source! };
    case 'SIMPLE':
      return { mode: 'originate', ...source! };
    case 'DISABLE':
      return { mode: appTls ? 'passthrough' : 'plaintext', ...source! };
    default:
      break;
  }
  // Auto mTLS (§3.2) toward gateway pods: only to pods labelled security.istio.io/tlsMode=istio,
  // which Istio's gateway templates do not add (gateway-hop-tls.ts).
  // From a waypoint, Istio's mTLS toward the gateway is assumed as before (not yet checked against
  // the waypoint's cluster TLS).
  if (next === 'proxy') return { mode: 'istio-mutual', setBy: "Istio's auto mTLS (no DestinationRule TLS setting)" };
  if (next === 'gateway') {
    const target = serviceTarget(mesh, host) ?? { host, workloads: [], egress: true };
    const enc = encryptionTowardGateway(mesh, target, port, subset, namespace, labels);
    if (enc.encrypted) return { mode: 'istio-mutual', setBy: enc.why };
    if (appTls) return { mode: 'passthrough', setBy: 'the application (its own TLS)' };
    return { mode: 'plaintext', setBy: enc.why, resource: enc.resource, path: enc.path };
  }
  return appTls ? { mode: 'passthrough', setBy: 'the application (its own TLS)' } : { mode: 'plaintext', setBy: 'the application (no TLS anywhere on the way)' };
}

/** Whether the port's protocol is TLS from the first byte (HTTPS, TLS). */
function portSpeaksTls(mesh: Mesh, host: string, port: number | undefined, namespace: string): boolean {
  if (port === undefined) return false;
  const p = mesh.portsOfHost(host, namespace)?.find((x) => x.number === port);
  return p?.protocol === 'HTTPS' || p?.protocol === 'TLS';
}

// ---------------------------------------------------------------- routing

/** Whether a rule takes traffic on `port` of that kind: its kind fits the bytes, and a match (if any) allows the port. */
function ruleTakes(rule: RouteRule, port: number | undefined, appTls: boolean, gateway: string | undefined): boolean {
  if (appTls ? rule.kind === 'http' : rule.kind === 'tls') return false;
  if (rule.matches.length === 0) return true;
  return rule.matches.some((m) => {
    if (m.port !== undefined && port !== undefined && m.port !== port) return false;
    if (m.gateways) return m.gateways.some((g) => (gateway === undefined ? g.ref.mesh : !g.ref.mesh && `${g.ref.namespace}/${g.ref.name}` === gateway));
    return true;
  });
}

/** The first mesh-bound rule a sidecar in `namespace` applies to `host:port`, with its route destinations. */
function sidecarRule(mesh: Mesh, host: string, port: number | undefined, appTls: boolean, namespace: string): { vs: VirtualServiceInfo; rule: RouteRule; dests: RouteDestination[] } | undefined {
  const idx = routeIndex(mesh);
  for (const m of idx.meshRules.overlapping(host)) {
    if (!exportedTo(m.vs.exportTo, m.vs.namespace, namespace)) continue;
    // A match naming `mesh` in a VirtualService not bound to `mesh` does nothing (match-gateway-not-bound).
    if (!m.vs.gateways.some((g) => g.ref.mesh)) continue;
    if (!ruleTakes(m.rule, port, appTls, undefined)) continue;
    if (m.destinations.length > 0) return { vs: m.vs, rule: m.rule, dests: m.destinations };
  }
  return undefined;
}

/** The Gateway (and its rule) on the egress gateway pods behind `target` that routes `host` arriving on `port`. */
function gatewayRule(mesh: Mesh, host: string, port: number | undefined, appTls: boolean, target: ServiceTarget): { gateway: GatewayInfo; vs: VirtualServiceInfo; rule: RouteRule; dests: RouteDestination[] } | { gateway?: GatewayInfo } {
  const idx = routeIndex(mesh);
  let gatewayOnly: GatewayInfo | undefined;
  for (const e of idx.gatewayRules.overlapping(host)) {
    if (!e.gateway || !gatewaySelectsService(e.gateway, target)) continue;
    gatewayOnly ??= e.gateway;
    const key = `${e.gateway.namespace}/${e.gateway.name}`;
    if (!ruleTakes(e.rule, port, appTls, key)) continue;
    return { gateway: e.gateway, vs: e.vs, rule: e.rule, dests: idx.destinationsOf(e.vs, e.rule) };
  }
  // A Gateway on those pods that admits the host, even without a route for it (the route then ends there).
  if (!gatewayOnly) gatewayOnly = mesh.gateways.find((g) => gatewaySelectsService(g, target) && g.servers.some((s) => s.hosts.some((h) => hostCovers(h.host, host) || hostCovers(host, h.host))));
  return { gateway: gatewayOnly };
}

/** A backend of a Gateway API route rule: the host it names (a Service's FQDN, a Hostname), its port and weight. */
interface Backend {
  to?: string;
  port?: number;
  weight: number;
  path: FieldPath;
}

/** A Gateway API route on the way, and the backends of its first rule with backends. */
interface AttachedRoute {
  resource: Resource;
  path: FieldPath;
  backends: Backend[];
}

function attachedRoute(route: GatewayApiRoute): AttachedRoute {
  const first = route.backendRefs[0];
  if (!first) return { resource: route.resource, path: ['spec'], backends: [] };
  const backends = route.backendRefs
    .filter((b) => b.ruleIndex === first.ruleIndex)
    .map((b) => ({ to: b.type === 'service' ? `${b.name}.${b.namespace}.svc.cluster.local` : b.type === 'hostname' ? b.name.toLowerCase() : undefined, port: b.port, weight: b.weight, path: b.path }));
  return { resource: route.resource, path: first.path, backends };
}

/** A route accepted on a Gateway API Gateway that carries `host`. */
function gatewayApiBackend(mesh: Mesh, gw: GatewayApiGateway, host: string, port: number | undefined, appTls: boolean): AttachedRoute | undefined {
  const model = gatewayApiModel(mesh);
  for (const route of model.routes) {
    if (route.hostnames.length > 0 && !route.hostnames.some((h) => hostCovers(h.value, host))) continue;
    if (appTls ? route.kind === 'HTTPRoute' || route.kind === 'GRPCRoute' : route.kind === 'TLSRoute') continue;
    if (!model.parents(route).some((p) => p.gateway === gw && p.accepted.some((l) => port === undefined || l.port === undefined || l.port === port))) continue;
    return attachedRoute(route);
  }
  return undefined;
}

/**
 * The weight of a VirtualService route destination as Istio reads it: the proto's int32, 0 when
 * not written (pilot/pkg/networking/core/route/route.go translateRoute: one destination takes all
 * the traffic; of several, those of weight 0 are left out and the rest share it by weight).
 */
function virtualServiceWeight(d: RouteDestination): number {
  const w = at(d.vs.resource.raw, ...d.path.slice(0, -1), 'weight');
  return typeof w === 'number' && w > 0 ? w : 0;
}

/**
 * The splits on one route's way, and which branch of each this route takes: the first call of
 * routeFor takes the first destination everywhere and records how many each split has; egressRoutes
 * then asks for every other combination (allBranches).
 */
class Branches {
  private depth = 0;
  readonly alternatives: number[] = [];
  constructor(private readonly pick: readonly number[]) {}

  /** The destination this branch takes among `items`, with its percent of the traffic when the traffic is split. */
  choose<T>(items: readonly T[], weightOf: (t: T) => number): { item: T; percent?: number } | undefined {
    if (items.length <= 1) return items[0] === undefined ? undefined : { item: items[0] };
    // Destinations of weight 0 get no traffic while another one has a weight (route.go; Gateway API
    // HTTPBackendRef.weight: "weight/(sum of all weights)", 0 means no requests).
    const positive = items.filter((t) => weightOf(t) > 0);
    const live = positive.length > 0 ? positive : items;
    if (live.length === 1) return { item: live[0]! };
    const d = this.depth++;
    this.alternatives[d] = live.length;
    const item = live[this.pick[d] ?? 0]!;
    const total = live.reduce((sum, t) => sum + weightOf(t), 0);
    return { item, percent: total > 0 ? Math.round((weightOf(item) / total) * 10000) / 100 : undefined };
  }
}

function pickBackend(branches: Branches, route: AttachedRoute): { item: Backend; percent?: number } | undefined {
  return branches.choose(route.backends, (b) => b.weight);
}

/** Every branch of a route: `make` once per combination of the destinations of its splits. */
function allBranches(make: (branches: Branches) => EgressRoute): EgressRoute[] {
  const out: EgressRoute[] = [];
  const visit = (pick: number[]) => {
    const branches = new Branches(pick);
    out.push(make(branches));
    const alts = branches.alternatives;
    // Deepest split first, so that the branches come in the order of their destinations (lexicographic picks).
    for (let d = alts.length - 1; d >= pick.length; d--) {
      for (let i = 1; i < alts[d]!; i++) visit([...pick, ...new Array<number>(d - pick.length).fill(0), i]);
    }
  };
  visit([]);
  return out;
}

function ruleExclusions(vs: VirtualServiceInfo, rule: RouteRule, hostUsed: string): FieldPath[] {
  return [...vs.rules.filter((r) => r !== rule).map((r) => r.path), ...vs.hosts.filter((h) => !hostCovers(h.host, hostUsed) && h.host !== hostUsed).map((h) => h.path)];
}

// ---------------------------------------------------------------- the routes

const cache = new WeakMap<Mesh, EgressRoute[]>();

/** Every route of the map, in a fixed order (client namespace, kind, name; host; port). */
export function egressRoutes(mesh: Mesh): EgressRoute[] {
  let routes = cache.get(mesh);
  if (routes) return routes;
  routes = [];
  const clients: { w: Workload; policy: PolicyDecision }[] = [];
  /** The hosts each client names: `host\0port`, `host\0*` (a URL without a port: every port), `host\0any`. */
  const named = new Map<Workload, Set<string>>();
  for (const w of mesh.workloads) {
    // Gateways are hops of other workloads' routes, not clients.
    if (w.fromOperator || isGatewayWorkload(w)) continue;
    const policy = workloadPolicy(mesh, w);
    clients.push({ w, policy });
    const calls = callsOf(mesh, w, policy);
    const groups = new Map<string, Call[]>();
    for (const c of calls) {
      const key = `${c.host}\0${c.port ?? ''}\0${c.uncaptured ? 1 : 0}`;
      const g = groups.get(key);
      if (g) g.push(c);
      else groups.set(key, [c]);
    }
    const referencePaths = calls.map((c) => ({ resource: c.resource, path: c.path, host: c.host }));
    for (const group of groups.values()) routes.push(...allBranches((b) => routeFor(mesh, w, policy, group[0]!.host, group[0]!.port, group, referencePaths, false, undefined, b)));
    const captured = calls.filter((c) => !c.uncaptured);
    const anyPort = new Set(captured.filter((c) => c.port === undefined).map((c) => c.host));
    named.set(w, new Set(captured.flatMap((c) => [`${c.host}\0any`, anyPort.has(c.host) ? `${c.host}\0*` : `${c.host}\0${c.port}`])));
  }
  // Registered hosts, once per group; left out where every workload of the group names the host
  // itself (its reference routes show the way).
  const index = registeredIndex(mesh);
  const profiles = profilesOf(mesh, clients);
  const registryRoutes = (group: ClientGroup, policy: PolicyDecision, rep: Workload, hosts: RegisteredHost[], onlyReachable: boolean) => {
    const naming = new Map<string, number>();
    for (const m of group.members) for (const k of named.get(m)!) naming.set(k, (naming.get(k) ?? 0) + 1);
    const count = (k: string) => naming.get(k) ?? 0;
    for (const r of dedupe(hosts)) {
      const namedBy = r.port === undefined ? count(`${r.host}\0any`) : count(`${r.host}\0${r.port}`) + count(`${r.host}\0*`);
      if (namedBy === group.members.length) continue;
      if (onlyReachable) {
        // Entries exported everywhere: only those this group can reach (in its registry, or visible to ztunnel).
        if (policy.dataPlane?.kind === 'ambient') {
          if (ambientVisibleEntries(mesh, r.host, rep.namespace).visible.length === 0) continue;
        } else {
          const status = mesh.registryLookup(r.host, rep.namespace, rep.labels).status;
          if (status !== 'registered' && status !== 'kubernetes-service') continue;
        }
      }
      routes!.push(...allBranches((b) => routeFor(mesh, rep, policy, r.host, r.port, [], [], r.protocol === 'HTTPS' || r.protocol === 'TLS', group, b)));
    }
  };
  // Namespace groups: what is addressed to the namespace, what its own configuration covers, and,
  // for workloads under a Sidecar or DestinationRule of their namespace, every entry exported
  // everywhere that they import.
  for (const { group, policy, meshWide } of groupBy(profiles, (p) => p.w.namespace, (p) => p.key)) {
    const rep = group.members[0]!;
    registryRoutes(group, policy, rep, index.byNamespace.get(group.namespace) ?? [], false);
    if (policy.dataPlane?.kind === 'none') continue;
    const everywhere = meshWide ? everywhereHostsWithOwnConfig(index, group.namespace) : [...everywhereHostsWithOwnConfig(index, group.namespace), ...everywhereHostsImportedBy(index, policy.sidecar, group.namespace)];
    registryRoutes(group, policy, rep, everywhere, true);
  }
  // Mesh-wide groups: the workloads of every namespace that follow the mesh's defaults, to each
  // entry exported everywhere, as a namespace without configuration of its own sees it.
  for (const { group, policy } of groupBy(profiles.filter((p) => p.meshWide), () => ANY_NAMESPACE, (p) => p.key.replace(/^([^\0]*)\0[^\0]*/, '$1'))) {
    const rep: Workload = { ...group.members[0]!, namespace: ANY_NAMESPACE };
    registryRoutes(group, meshWidePolicy(policy), rep, index.everywhere, true);
  }
  routes.sort(compareRoutes);
  cache.set(mesh, routes);
  return routes;
}

function compareRoutes(a: EgressRoute, b: EgressRoute): number {
  const ka = [a.client.namespace, a.client.kind, a.client.name, a.host];
  const kb = [b.client.namespace, b.client.kind, b.client.name, b.host];
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! < kb[i]! ? -1 : 1;
  if ((a.port ?? -1) !== (b.port ?? -1)) return (a.port ?? -1) - (b.port ?? -1);
  if (a.source !== b.source) return a.source < b.source ? -1 : 1;
  return a.enforced === b.enforced ? 0 : a.enforced ? -1 : 1;
}

function routeFor(mesh: Mesh, w: Workload, basePolicy: PolicyDecision, host: string, port: number | undefined, calls: Call[], referencePaths: { resource: Resource; path: FieldPath; host: string }[], registryTls = false, group: ClientGroup | undefined, branches: Branches): EgressRoute {
  const uncaptured = calls[0]?.uncaptured ? basePolicy.dataPlane?.uncaptured.find((u) => calls[0]!.path.join('/').startsWith(u.container.path.join('/'))) : undefined;
  const policy: PolicyDecision = uncaptured ? { ...basePolicy, uncaptured } : basePolicy;
  const notEnforced = whyModeNotEnforced(policy);
  const appTls = calls.some((c) => c.appTls) || registryTls || portSpeaksTls(mesh, host, port, w.namespace);
  const onPath: RouteResource[] = [];
  // The workload itself, minus the places where it names other hosts (a group route stands for no one workload).
  if (!group) onPath.push({ resource: w.resource, exclude: referencePaths.filter((r) => r.resource === w.resource && r.host !== host).map((r) => r.path) });
  for (const c of calls) if (c.resource !== w.resource) onPath.push({ resource: c.resource, only: [c.path] });
  if (policy.resource) onPath.push({ resource: policy.resource, only: policy.path ? [policy.path] : undefined });
  if (policy.sidecar && policy.sidecar.resource !== policy.resource) onPath.push({ resource: policy.sidecar.resource });
  if (policy.dataPlane?.resource) onPath.push({ resource: policy.dataPlane.resource, only: policy.dataPlane.path ? [policy.dataPlane.path] : undefined });
  // Where the client stands, for people: its namespace, or every namespace of a mesh-wide group.
  const whereText = w.namespace === ANY_NAMESPACE ? 'namespaces without configuration of their own for it' : w.namespace;
  const client = group ? { kind: 'Namespace', namespace: group.namespace, name: group.name } : { kind: w.resource.kind, namespace: w.namespace, name: w.resource.name };
  const base = {
    workload: w,
    client,
    ...(group ? { group } : {}),
    host,
    port,
    source: calls.length > 0 ? ('reference' as const) : ('registry' as const),
    references: calls.map((c) => ({ resource: c.resource, path: c.path, what: c.what })),
    policy,
    enforced: notEnforced === undefined,
    notEnforced,
    onPath,
  };
  const registry = mesh.registryLookup(host, w.namespace, w.labels);
  for (const e of registry.status === 'registered' || registry.status === 'not-imported' || registry.status === 'not-exported' ? registry.entries : []) {
    onPath.push({ resource: e.se.resource, exclude: e.se.hosts.filter((h) => h.host !== host && !hostCovers(h.host, host)).map((h) => h.path) });
  }
  const svc = mesh.serviceByHost(host);
  if (svc) onPath.push({ resource: svc.resource });
  // An ExternalName alias has no cluster of its own (Istio 1.21+): the sidecar serves it from its target's.
  const upstreamHost = svc?.type === 'ExternalName' && svc.externalName && mesh.istioAtLeast(1, 21) ? svc.externalName : host;
  if (upstreamHost !== host) for (const e of mesh.serviceEntriesForHost(upstreamHost)) onPath.push({ resource: e.se.resource });
  if (svc) {
    // DestinationRules written for the Service's own name (ignored for an alias: that is a finding of its own),
    // and the hand-written endpoints of a selectorless Service.
    for (const dr of mesh.destinationRuleFor(host, w.namespace, w.labels)?.rules ?? []) onPath.push({ resource: dr.resource });
    const { endpoints, slices } = mesh.endpointsOf(svc);
    for (const r of [...endpoints, ...slices]) onPath.push({ resource: r });
  }
  const upstream = (to: string, p: number | undefined): EgressHop => ({ kind: 'upstream', name: to, to, port: p });

  // No proxy: the pod's connection leaves as the application opened it.
  if (!base.enforced && (policy.dataPlane?.kind === 'none' || uncaptured)) {
    const hops: EgressHop[] = [upstream(upstreamHost, port)];
    return { ...base, registry: registry.status, hops, verdict: 'passthrough', reason: `No proxy handles the call: ${notEnforced}.` };
  }

  if (policy.dataPlane?.kind === 'ambient') {
    const ambient = ambientEgressFor(mesh, upstreamHost, w.namespace);
    const ztunnel: EgressHop = { kind: 'ztunnel', name: `ztunnel (${whereText})` };
    const status: RegistryStatus = ambient.status === 'unregistered' ? 'missing' : ambient.status === 'hidden' ? 'not-exported' : 'registered';
    if (ambient.entry) onPath.push({ resource: ambient.entry.resource });
    const wp = ambient.binding?.waypoint;
    if (ambient.binding) onPath.push({ resource: ambient.binding.label.resource, only: [ambient.binding.label.path] });
    if (wp) {
      onPath.push({ resource: wp.resource });
      for (const p of ambient.policies) onPath.push({ resource: p.resource });
      ztunnel.to = `${wp.name}.${wp.namespace}`;
      ztunnel.tls = { mode: 'hbone', setBy: 'ztunnel (HBONE to the waypoint)' };
      const waypointName = `${wp.namespace}/${wp.name}`;
      const waypointHop: EgressHop = { kind: 'waypoint', name: waypointName, gateway: waypointName, via: { resource: ambient.binding!.label.resource, path: ambient.binding!.label.path } };
      const hops: EgressHop[] = [ztunnel, waypointHop];
      const restricted = ambient.status === 'restricted';
      const policyText = restricted
        ? `${ambient.policies.map((p) => p.resource.ref).sort().join(', ')} decide${ambient.policies.length === 1 ? 's' : ''} what passes`
        : 'no AuthorizationPolicy restricts it';
      // The waypoint applies the Gateway API routes attached to the host's ServiceEntry or Service
      // (docs/ambient/usage/l7-features "Attach to a specific service"): their backend may be an
      // egress gateway, which the waypoint then forwards to (with Istio mTLS, as to any proxy).
      const attached = gatewayApiMeshRoute(mesh, upstreamHost, appTls);
      const backend = attached ? pickBackend(branches, attached) : undefined;
      if (attached) {
        onPath.push({ resource: attached.resource });
        waypointHop.via = { resource: attached.resource, path: backend?.item.path ?? attached.path };
      }
      const next = backend?.item.to;
      if (backend?.percent !== undefined) waypointHop.weight = backend.percent;
      if (next && (egressGatewayService(mesh, next) || gatewayApiOfHost(mesh, next))) {
        return throughGateway([ztunnel], waypointHop, { host: next, port: backend!.item.port }, wp.namespace, undefined, upstreamHost, status, status === 'registered', `Through waypoint ${waypointName} (${policyText}), then`);
      }
      const to = next ?? upstreamHost;
      const toPort = backend?.item.port ?? port;
      waypointHop.to = to;
      waypointHop.port = toPort;
      waypointHop.tls = hopTls(mesh, to, toPort, undefined, wp.namespace, undefined, 'upstream', appTls);
      addTlsResource(onPath, waypointHop.tls);
      hops.push(upstream(to, toPort));
      return { ...base, registry: status, hops, verdict: 'allowed', reason: `Through waypoint ${waypointName}, where ${policyText}.` };
    }
    ztunnel.to = upstreamHost;
    ztunnel.port = port;
    ztunnel.tls = appTls ? { mode: 'passthrough', setBy: 'the application (its own TLS)' } : { mode: 'plaintext', setBy: 'the application (no TLS anywhere on the way)' };
    return { ...base, registry: status, hops: [ztunnel, upstream(upstreamHost, port)], verdict: 'passthrough', reason: `ztunnel sends it straight out (${ambient.status}): no waypoint, so no egress control applies.` };
  }

  // Sidecar (or uncaptured traffic of a sidecar pod handled above).
  const sidecarHop: EgressHop = { kind: 'sidecar', name: group ? `the sidecars of ${group.namespace === ANY_NAMESPACE ? 'mesh-wide' : 'namespace'} group ${group.name} (${group.members.length} workload${group.members.length === 1 ? '' : 's'})` : describeWorkload(w) };
  const registered = registry.status === 'registered' || registry.status === 'kubernetes-service';
  const aliasRegistered = upstreamHost === host || mesh.registryLookup(upstreamHost, w.namespace, w.labels).status !== 'missing';
  if ((!registered || !aliasRegistered) && registryOnlyEnforced(policy)) {
    sidecarHop.to = host;
    sidecarHop.port = port;
    const what = !registered ? `${host} is not in the registry of ${whereText} (${registry.status})` : `${upstreamHost}, the target of alias ${host}, is not in the registry of ${whereText}`;
    return { ...base, registry: registry.status, hops: [sidecarHop], verdict: 'blocked', reason: `The sidecar refuses it: ${what} and ${policy.setBy} sets REGISTRY_ONLY.` };
  }
  const routed = sidecarRule(mesh, host, port, appTls, w.namespace);
  // Mesh-bound VirtualServices for the host are on the way even when none of their rules takes this traffic.
  // (Its rules for other ports or for gateways only are not.)
  for (const vs of meshVirtualServicesFor(mesh, host, w.namespace)) {
    if (vs === routed?.vs) continue;
    const elsewhere = vs.rules.filter((r) => r.matches.length > 0 && r.matches.every((m) => (m.port !== undefined && port !== undefined && m.port !== port) || (m.gateways !== undefined && !m.gateways.some((g) => g.ref.mesh))));
    onPath.push({ resource: vs.resource, exclude: [...elsewhere.map((r) => r.path), ...vs.hosts.filter((h) => !hostCovers(h.host, host) && h.host !== host).map((h) => h.path)] });
  }
  let dest: Pick<RouteDestination, 'host' | 'port' | 'subset'> | undefined;
  if (routed) {
    onPath.push({ resource: routed.vs.resource, exclude: ruleExclusions(routed.vs, routed.rule, host) });
    sidecarHop.via = { resource: routed.vs.resource, path: routed.rule.path };
    const chosen = branches.choose(routed.dests, virtualServiceWeight);
    dest = chosen?.item;
    if (chosen?.percent !== undefined) sidecarHop.weight = chosen.percent;
  } else {
    // Without a VirtualService rule, a Gateway API route attached to the host's ServiceEntry or Service (mesh routing).
    const meshRoute = gatewayApiMeshRoute(mesh, host, appTls);
    if (meshRoute) {
      onPath.push({ resource: meshRoute.resource });
      const chosen = pickBackend(branches, meshRoute);
      sidecarHop.via = { resource: meshRoute.resource, path: chosen?.item.path ?? meshRoute.path };
      if (chosen?.percent !== undefined) sidecarHop.weight = chosen.percent;
      if (chosen?.item.to) dest = { host: chosen.item.to, port: chosen.item.port };
    }
  }
  const gwTarget = dest ? egressGatewayService(mesh, dest.host) : undefined;
  if (dest && (gwTarget || gatewayApiOfHost(mesh, dest.host))) {
    const onward = routed ? (hostsSentOnward(routed.vs, routed.rule)[0] ?? host) : host;
    return throughGateway([], sidecarHop, dest, w.namespace, w.labels, onward, registry.status, registered, undefined);
  }

  // Straight out from the sidecar (possibly to another host a VirtualService names).
  const hops: EgressHop[] = [sidecarHop];
  const to = dest?.host && !gwTarget ? dest.host : upstreamHost;
  const toPort = dest?.port ?? port;
  sidecarHop.to = to;
  sidecarHop.port = toPort;
  sidecarHop.tls = hopTls(mesh, to === host ? (upstreamHost !== host ? upstreamHost : host) : to, toPort, dest?.subset, w.namespace, w.labels, 'upstream', appTls);
  // A selectorless Service keeps its own cluster, so its DestinationRule is looked up under its own name.
  if (svc && svc.type !== 'ExternalName' && to === host) sidecarHop.tls = hopTls(mesh, host, toPort, dest?.subset, w.namespace, w.labels, 'upstream', appTls);
  addTlsResource(onPath, sidecarHop.tls);
  hops.push(upstream(to, toPort));
  if (!registered) return { ...base, registry: registry.status, hops, verdict: 'passthrough', reason: `Not in the registry of ${whereText} (${registry.status}); ${policy.mode} (${policy.setBy}) lets it out through the passthrough cluster.` };
  return { ...base, registry: registry.status, hops, verdict: 'allowed', reason: reasonOf(true, policy, 'straight from the sidecar') };

  /**
   * From a proxy (the sidecar, or a waypoint) in `fromNamespace` to the egress gateway behind
   * `dest` (`prefix`: the hops before that proxy), then on to `onward`: the Istio Gateway and its gateway-bound rule (or the Gateway API
   * Gateway and the route accepted on it), and the TLS the gateway pods open upstream.
   */
  function throughGateway(prefix: EgressHop[], fromHop: EgressHop, dest: Pick<RouteDestination, 'host' | 'port' | 'subset'>, fromNamespace: string, fromLabels: Record<string, string> | undefined, onward: string, registryStatus: RegistryStatus, registered: boolean, before: string | undefined): EgressRoute {
    const hops: EgressHop[] = [...prefix, fromHop];
    const how = (what: string) => (before ? `${before} ${what}` : what);
    const destPort = dest.port ?? port;
    fromHop.to = dest.host;
    fromHop.port = destPort;
    fromHop.tls = hopTls(mesh, dest.host, destPort, dest.subset, fromNamespace, fromLabels, fromHop.kind === 'waypoint' ? 'proxy' : 'gateway', appTls);
    addTlsResource(onPath, fromHop.tls);
    const gsvc = mesh.serviceByHost(dest.host);
    if (gsvc) onPath.push({ resource: gsvc.resource });
    const gwApi = gatewayApiOfHost(mesh, dest.host);
    const done = (hopsDone: EgressHop[], gatewayText: string): EgressRoute =>
      before
        ? { ...base, registry: registryStatus, hops: hopsDone, verdict: 'allowed', reason: `${how(gatewayText)}.` }
        : { ...base, registry: registryStatus, hops: hopsDone, verdict: verdictOf(registered), reason: reasonOf(registered, policy, gatewayText) };
    if (gwApi) {
      onPath.push({ resource: gwApi.resource });
      const route = gatewayApiBackend(mesh, gwApi, onward, destPort, appTls);
      const gwHop: EgressHop = { kind: 'egress-gateway', name: `${gwApi.namespace}/${gwApi.name}`, gateway: `${gwApi.namespace}/${gwApi.name}` };
      hops.push(gwHop);
      if (!route) return { ...base, registry: registryStatus, hops, verdict: 'dead-end', reason: how(`No route accepted on Gateway ${gwApi.namespace}/${gwApi.name} carries ${onward}.`) };
      onPath.push({ resource: route.resource });
      const backend = pickBackend(branches, route);
      const to = backend?.item.to ?? onward;
      const toPort = backend?.item.port;
      gwHop.via = { resource: route.resource, path: backend?.item.path ?? route.path };
      if (backend?.percent !== undefined) gwHop.weight = backend.percent;
      gwHop.to = to;
      gwHop.port = toPort;
      gwHop.tls = hopTls(mesh, to, toPort, undefined, gwApi.namespace, undefined, 'upstream', appTls);
      addTlsResource(onPath, gwHop.tls);
      hops.push(upstream(to, toPort));
      return done(hops, `through Gateway API gateway ${gwApi.namespace}/${gwApi.name}`);
    }
    const found = gatewayRule(mesh, onward, destPort, appTls, egressGatewayService(mesh, dest.host)!);
    const gw = found.gateway;
    const gwHop: EgressHop = { kind: 'egress-gateway', name: gw ? `${gw.namespace}/${gw.name}` : dest.host, gateway: gw ? `${gw.namespace}/${gw.name}` : undefined };
    hops.push(gwHop);
    if (gw) {
      onPath.push({ resource: gw.resource, exclude: gw.servers.flatMap((s) => s.hosts.filter((h) => !hostCovers(h.host, onward) && !hostCovers(onward, h.host)).map((h) => h.path)) });
      for (const p of gatewayModel(mesh).workloadsOf(gw)) if (p.fromOperator || p.resource.kind !== 'IstioOperator') onPath.push({ resource: p.resource, only: p.fromOperator ? [p.templatePath] : undefined });
    }
    const chosen = 'vs' in found ? branches.choose(found.dests, virtualServiceWeight) : undefined;
    if (!('vs' in found) || !chosen) {
      return { ...base, registry: registryStatus, hops, verdict: 'dead-end', reason: how(`The egress gateway ${gw ? `of Gateway ${gw.namespace}/${gw.name} ` : ''}has no route that forwards ${onward}.`) };
    }
    if (found.vs !== routed?.vs) onPath.push({ resource: found.vs.resource, exclude: ruleExclusions(found.vs, found.rule, onward) });
    const next = chosen.item;
    const pods = gatewayModel(mesh).workloadsOf(found.gateway);
    const podNs = pods[0]?.namespace ?? found.gateway.namespace;
    const server = found.gateway.servers.find((s) => s.port?.number === destPort);
    const passthrough = server?.tlsMode === 'PASSTHROUGH';
    gwHop.via = { resource: found.vs.resource, path: found.rule.path };
    if (chosen.percent !== undefined) gwHop.weight = chosen.percent;
    gwHop.to = next.host;
    gwHop.port = next.port;
    gwHop.tls = passthrough ? { mode: 'passthrough', setBy: `${found.gateway.resource.ref} (server TLS mode PASSTHROUGH)` } : hopTls(mesh, next.host, next.port, next.subset, podNs, pods[0]?.labels, 'upstream', appTls);
    addTlsResource(onPath, gwHop.tls);
    hops.push(upstream(next.host, next.port));
    return done(hops, `through egress gateway ${found.gateway.namespace}/${found.gateway.name}`);
  }

}

/**
 * A Gateway API route whose parent is the ServiceEntry or Service of `host` (mesh routing: the
 * sidecars apply it, pilot/pkg/config/kube/gateway conversion.go, parentRef kinds ServiceEntry and
 * Service), taking this kind of traffic (HTTPRoute and GRPCRoute plain, TLSRoute TLS, TCPRoute any).
 */
function gatewayApiMeshRoute(mesh: Mesh, host: string, appTls: boolean): AttachedRoute | undefined {
  const model = gatewayApiModel(mesh);
  const entries = new Set(mesh.serviceEntriesForHost(host).map((e) => `ServiceEntry/${e.se.namespace}/${e.se.resource.name}`));
  const svc = mesh.serviceByHost(host);
  if (svc) entries.add(`Service/${svc.namespace}/${svc.name}`);
  if (entries.size === 0) return undefined;
  for (const route of model.routes) {
    if (appTls ? route.kind === 'HTTPRoute' || route.kind === 'GRPCRoute' : route.kind === 'TLSRoute') continue;
    const attached = model.parents(route).some((p) => !p.problem && (p.ref.target === 'serviceentry' || p.ref.target === 'service') && entries.has(`${p.ref.target === 'service' ? 'Service' : 'ServiceEntry'}/${p.ref.namespace}/${p.ref.name}`));
    if (attached) return attachedRoute(route);
  }
  return undefined;
}

/** VirtualServices bound to `mesh` with a host covering `host`, exported to the client namespace, in input order. */
function meshVirtualServicesFor(mesh: Mesh, host: string, namespace: string): VirtualServiceInfo[] {
  const out = new Set<VirtualServiceInfo>();
  for (const m of routeIndex(mesh).meshRules.overlapping(host)) if (m.vs.gateways.some((g) => g.ref.mesh) && exportedTo(m.vs.exportTo, m.vs.namespace, namespace)) out.add(m.vs);
  return [...out];
}

function gatewayApiOfHost(mesh: Mesh, host: string): GatewayApiGateway | undefined {
  const svc = parseServiceFqdn(host);
  return svc ? gatewayApiModel(mesh).gatewayOfService(svc.namespace, svc.name) : undefined;
}

function addTlsResource(onPath: RouteResource[], tls: HopTls | undefined): void {
  if (tls?.resource) onPath.push({ resource: tls.resource, only: tls.path ? [tls.path, ['spec', 'host']] : undefined });
}

function verdictOf(registered: boolean): RouteVerdict {
  return registered ? 'allowed' : 'passthrough';
}

function reasonOf(registered: boolean, policy: PolicyDecision, how: string): string {
  return registered ? `Registered and routed ${how} (${policy.mode}, set by ${policy.setBy}).` : `Not registered; ${policy.mode} (${policy.setBy}) lets it out ${how}.`;
}
