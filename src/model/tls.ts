// Client TLS toward destinations outside the mesh (semantics §3.2 "When ISTIO_MUTUAL is applied",
// §3.3 DestinationRule lookup, §4 "Location", §8): which destinations cannot answer Istio mTLS,
// and which client namespaces would call them (whose DestinationRule lookup path matters).
import type { Resource } from '../types.js';
import { addTo, pushTo } from '../util/collections.js';
import { isGatewayService, ruleClients } from './egress.js';
import { isGatewayWorkload } from './gateways.js';
import { coveringWildcards, exportedTo, isWildcard } from './hosts.js';
import type { DestinationRuleInfo, RouteDestination, ServiceEntryInfo, ServiceInfo } from './kinds.js';
import { isIpLiteral, type ClientTls, type Mesh } from './mesh.js';
import { asArray, at, isObject } from './resource.js';

export type NonMtlsKind = 'service-entry' | 'selectorless-service' | 'external-name' | 'route-host';

/** A destination whose servers hold no Istio certificate, so ISTIO_MUTUAL toward it cannot work. */
export interface NonMtlsDestination {
  host: string;
  kind: NonMtlsKind;
  /** The declaring ServiceEntry or Service; the first VirtualService routing to it for route hosts. */
  resource: Resource;
  /** For messages, after the host: "(MESH_EXTERNAL ServiceEntry default/cnn)". */
  label: string;
  /** Declared port numbers; empty when unknown (route-only hosts, ExternalName without ports). */
  ports: number[];
  /** Namespace of the declaring resource (the VirtualService's for route hosts). */
  namespace: string;
  exportTo?: string[];
}

interface TlsIndex {
  destinations: NonMtlsDestination[];
  byHost: Map<string, NonMtlsDestination>;
  /** Namespaces of the input's application (non-gateway) workloads, sorted. */
  workloadNamespaces: string[];
  workloadNamespaceSet: Set<string>;
  /** Namespaces of non-root DestinationRules by host, exact hosts as written (expanded). */
  drNamespacesByHost: Map<string, Set<string>>;
  /** Namespaces that reference a host: VirtualService hosts and route destinations (their clients). */
  referencesByHost: Map<string, Set<string>>;
  /** DestinationRules by host (expanded, wildcards as written). */
  rulesByHost: Map<string, DestinationRuleInfo[]>;
  /** Hosts of DestinationRules that set ISTIO_MUTUAL or MUTUAL somewhere. */
  mutualRuleHosts: Set<string>;
  /** workloadSelectors of DestinationRules by namespace. */
  selectorsByNs: Map<string, Record<string, string>[]>;
}

const indexes = new WeakMap<Mesh, TlsIndex>();

/**
 * Destinations that cannot speak Istio mTLS:
 * - each host of a `MESH_EXTERNAL` ServiceEntry (auto-mTLS never applies; DR TLS is used as written),
 *   unless the host is a Kubernetes Service with a selector (the entry only decorates it) or a gateway Service;
 * - a selectorless, non-ExternalName Service: its hand-written Endpoints/EndpointSlices carry no
 *   `security.istio.io/tlsMode=istio` label and are usually outside the cluster;
 * - an ExternalName Service before Istio 1.21 (its own MeshExternal service; since 1.21 an alias
 *   with no cluster of its own, so no DestinationRule applies to it);
 * - a host outside the cluster domain that a route destination names but nothing in the input registers.
 */
export function nonMtlsDestinations(mesh: Mesh): NonMtlsDestination[] {
  return tlsIndex(mesh).destinations;
}

/** The non-mTLS destination a route destination host names (exact host, or covered by a wildcard entry). */
export function nonMtlsDestinationFor(mesh: Mesh, host: string): NonMtlsDestination | undefined {
  const idx = tlsIndex(mesh);
  const h = host.toLowerCase();
  const exact = idx.byHost.get(h);
  if (exact) return exact;
  if (mesh.serviceByHost(h)) return undefined;
  for (const p of coveringWildcards(h)) {
    const d = idx.byHost.get(p);
    if (d) return d.kind === 'service-entry' ? { ...d, host: h } : undefined;
  }
  return undefined;
}

/**
 * The client namespaces whose DestinationRule lookup is checked for a destination. A deterministic,
 * deliberately small choice (the input rarely lists every client):
 * - the namespace of the resource that declares the host;
 * - namespaces that reference it: mesh-bound VirtualServices naming it in `hosts` or routing to it,
 *   and for gateway-bound routes the namespaces of the gateway pods (else of the Gateway);
 * - namespaces of non-root DestinationRules written for that exact host (their author's clients);
 * - namespaces holding application (non-gateway) workloads in the input, and the default namespace
 *   when the input has resources in it;
 * each kept only when the host is exported to it. Namespaces whose lookups cannot differ (no
 * DestinationRule covering the host, not named in such a rule's exportTo, not the root namespace)
 * are represented by the first of them. Sorted.
 */
export function clientNamespacesOf(mesh: Mesh, d: NonMtlsDestination): string[] {
  const idx = tlsIndex(mesh);
  const visible = (ns: string) => ns === d.namespace || (exportedTo(d.exportTo, d.namespace, ns) && !(d.exportTo?.includes('~') ?? false));
  // Namespaces holding no DestinationRule that covers the host and named in no exportTo of one,
  // outside the root namespace, all get the same lookup result: only the first of them is kept.
  const sensitive = new Set<string>([mesh.rootNamespace]);
  for (const h of [d.host, ...coveringWildcards(d.host)]) {
    for (const dr of idx.rulesByHost.get(h) ?? []) {
      sensitive.add(dr.namespace);
      for (const e of dr.exportTo ?? []) sensitive.add(e);
    }
  }
  const candidates = new Set<string>([d.namespace, ...(idx.referencesByHost.get(d.host) ?? []), ...(idx.drNamespacesByHost.get(d.host) ?? [])]);
  if (mesh.namespaces.has(mesh.options.defaultNamespace)) candidates.add(mesh.options.defaultNamespace);
  for (const ns of sensitive) if (idx.workloadNamespaceSet.has(ns)) candidates.add(ns);
  const kept = [...candidates].filter(visible).sort();
  let generic = kept.find((ns) => !sensitive.has(ns));
  for (const ns of idx.workloadNamespaces) {
    if (generic !== undefined && ns >= generic) break;
    if (!sensitive.has(ns) && visible(ns)) {
      generic = ns;
      break;
    }
  }
  return [...new Set([...kept.filter((ns) => sensitive.has(ns)), ...(generic !== undefined ? [generic] : [])])].sort();
}

/**
 * The label sets a lookup from `namespace` is tried with: none (any workload), and the selector of
 * each DestinationRule there with a workloadSelector (the workloads it is written for), so that
 * selector rules, private to their workloads, are checked too.
 */
export function clientLabelSets(mesh: Mesh, namespace: string): (Record<string, string> | undefined)[] {
  return [undefined, ...(tlsIndex(mesh).selectorsByNs.get(namespace) ?? [])];
}

/**
 * Whether some DestinationRule covering `host` sets ISTIO_MUTUAL or MUTUAL anywhere (top level,
 * port level, subsets): a cheap filter before the per-client lookups.
 */
export function mayUseMutualTls(mesh: Mesh, host: string): boolean {
  const hosts = tlsIndex(mesh).mutualRuleHosts;
  if (hosts.size === 0) return false;
  const h = host.toLowerCase();
  return hosts.has(h) || coveringWildcards(h).some((p) => hosts.has(p));
}

/** Namespaces of the proxies that evaluate a route destination (sidecars of the VS namespace, gateway pods). */
export function routeClientNamespaces(mesh: Mesh, rd: RouteDestination): string[] {
  return [...new Set(ruleClients(mesh, rd.vs, rd.gateways).map((c) => c.namespace))].sort();
}

/** ISTIO_MUTUAL, or MUTUAL with no client certificate: a handshake only an Istio proxy could complete. */
export function requiresIstioCertificate(tls: ClientTls): boolean {
  return tls.mode === 'ISTIO_MUTUAL' || (tls.mode === 'MUTUAL' && !tls.hasCertificates);
}

// ---------------------------------------------------------------- index

function tlsIndex(mesh: Mesh): TlsIndex {
  let idx = indexes.get(mesh);
  if (idx) return idx;
  const destinations: NonMtlsDestination[] = [];
  const byHost = new Map<string, NonMtlsDestination>();
  const add = (d: NonMtlsDestination) => {
    const known = byHost.get(d.host);
    if (known) {
      // Several entries for one host: the first describes it, the ports add up.
      for (const p of d.ports) if (!known.ports.includes(p)) known.ports.push(p);
      return;
    }
    byHost.set(d.host, d);
    destinations.push(d);
  };

  for (const svc of mesh.services) {
    const d = serviceDestination(mesh, svc);
    if (d) add(d);
  }
  for (const se of mesh.serviceEntries) {
    if (se.location !== 'MESH_EXTERNAL') continue;
    for (const h of se.hosts) {
      // A Kubernetes Service of the same name is what the entry decorates (listed under its own kind
      // when selectorless); a gateway Service is in the mesh.
      if (mesh.serviceByHost(h.host) || isGatewayService(mesh, h.host)) continue;
      add(entryDestination(se, h.host));
    }
  }

  const referencesByHost = new Map<string, Set<string>>();
  const reference = (host: string, ns: string) => addTo(referencesByHost, host, ns);
  for (const vs of mesh.virtualServices) {
    if (vs.gateways.some((g) => g.ref.mesh)) for (const h of vs.hosts) reference(h.host, vs.namespace);
  }
  for (const rd of mesh.routeDestinations()) {
    if (!rd.host || isWildcard(rd.host)) continue;
    for (const ns of routeClientNamespaces(mesh, rd)) reference(rd.host, ns);
    if (byHost.has(rd.host) || mesh.isClusterLocal(rd.host) || isIpLiteral(rd.host)) continue;
    if (mesh.serviceByHost(rd.host) || mesh.firstServiceEntryFor(rd.host)) continue;
    add({ host: rd.host, kind: 'route-host', resource: rd.vs.resource, label: `(external host routed to by ${rd.vs.resource.ref})`, ports: [], namespace: rd.vs.namespace });
  }
  for (const [host, set] of [...referencesByHost]) {
    // A reference to a host covered by a wildcard entry also counts for the entry's host.
    if (byHost.has(host)) continue;
    for (const p of coveringWildcards(host)) {
      if (byHost.get(p)?.kind === 'service-entry') for (const ns of set) reference(p, ns);
    }
  }

  const drNamespacesByHost = new Map<string, Set<string>>();
  const selectorsByNs = new Map<string, Record<string, string>[]>();
  const mutualRuleHosts = new Set<string>();
  const rulesByHost = new Map<string, DestinationRuleInfo[]>();
  for (const dr of mesh.destinationRules) {
    if (dr.host) pushTo(rulesByHost, dr.host, dr);
    if (dr.host && setsMutualTls([dr.trafficPolicy, ...dr.subsets.map((x) => x.trafficPolicy)])) mutualRuleHosts.add(dr.host);
    if (dr.workloadSelector) pushTo(selectorsByNs, dr.namespace, dr.workloadSelector);
    if (dr.namespace === mesh.rootNamespace || !dr.host) continue;
    addTo(drNamespacesByHost, dr.host, dr.namespace);
  }

  const workloadNamespaces = [...new Set(mesh.workloads.filter((w) => !isGatewayWorkload(w)).map((w) => w.namespace))].sort();
  idx = { destinations, byHost, workloadNamespaces, workloadNamespaceSet: new Set(workloadNamespaces), drNamespacesByHost, referencesByHost, selectorsByNs, mutualRuleHosts, rulesByHost };
  indexes.set(mesh, idx);
  return idx;
}

function serviceDestination(mesh: Mesh, svc: ServiceInfo): NonMtlsDestination | undefined {
  const base = { host: svc.fqdn, resource: svc.resource, ports: svc.ports.map((p) => p.number), namespace: svc.namespace, exportTo: svc.exportTo };
  if (svc.type === 'ExternalName') {
    // Since 1.21 an alias: no cluster, no DestinationRule (external-name-destination-rule covers that).
    if (mesh.istioAtLeast(1, 21)) return undefined;
    // Pointing at an in-cluster Service (an egress gateway, a meshed app): its pods may well answer mTLS.
    const target = svc.externalName;
    if (target && mesh.isClusterLocal(target)) {
      const t = mesh.serviceByHost(target);
      if (!t || t.selector || isGatewayService(mesh, target)) return undefined;
    }
    return { ...base, kind: 'external-name', label: `(ExternalName Service${svc.externalName ? ` for ${svc.externalName}` : ''}, Istio < 1.21)` };
  }
  if (svc.selector) return undefined;
  const { endpoints, slices } = mesh.endpointsOf(svc);
  const backed = endpoints.length + slices.length > 0 ? 'hand-written endpoints' : 'endpoints managed outside Kubernetes';
  return { ...base, kind: 'selectorless-service', label: `(selectorless Service with ${backed})` };
}

function entryDestination(se: ServiceEntryInfo, host: string): NonMtlsDestination {
  return {
    host,
    kind: 'service-entry',
    resource: se.resource,
    label: `(MESH_EXTERNAL ServiceEntry ${se.namespace}/${se.resource.name})`,
    ports: se.ports.map((p) => p.number),
    namespace: se.namespace,
    exportTo: se.exportTo,
  };
}

function setsMutualTls(policies: unknown[]): boolean {
  return policies.some((p) => {
    if (!isObject(p)) return false;
    const tlsModes = [at(p, 'tls', 'mode'), ...asArray(p.portLevelSettings).map((x) => at(x, 'tls', 'mode'))];
    return tlsModes.some((m) => typeof m === 'string' && m.toUpperCase().endsWith('MUTUAL'));
  });
}
