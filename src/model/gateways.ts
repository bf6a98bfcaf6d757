// Gateways, the proxies that serve them, and how VirtualServices bind to them (semantics §6).
// Built once per Mesh (WeakMap) so the gateway rules never rescan the input.
import type { Resource } from '../types.js';
import { pushTo } from '../util/collections.js';
import { editDistance } from '../util/suggest.js';
import type { GatewayInfo, GatewayServer, Workload } from './kinds.js';
import type { Mesh } from './mesh.js';
import { exportedTo, hostsOverlap, isValidDnsName } from './hosts.js';
import { asArray, asString, labelsMatch } from './resource.js';

const GATEWAY_NAME = /gateway/i;
const EGRESS_NAME = /egress-?gateway/i;

/**
 * Whether a workload is a gateway proxy (a pod that serves Gateways rather than a sidecar; §6
 * "Selector"). The one definition for the whole model:
 * - an IstioOperator gateway component;
 * - an `istio` or `app` label naming a gateway (`istio: egressgateway`, `app: istio-ingressgateway`);
 * - the gateway injection template (`inject.istio.io/templates: gateway`, the gateway Helm chart);
 * - a proxy container started in router mode (`args: [proxy, router, …]`, older charts);
 * - a Deployment Istio manages for a Kubernetes Gateway (`gateway.networking.k8s.io/gateway-name`,
 *   `gateway.istio.io/managed`, `istio.io/gateway-name`).
 */
export function isGatewayWorkload(w: Workload): boolean {
  if (w.fromOperator) return true;
  const l = w.labels;
  if (GATEWAY_NAME.test(l.istio ?? '') || GATEWAY_NAME.test(l.app ?? '')) return true;
  if (l['gateway.networking.k8s.io/gateway-name'] !== undefined || l['gateway.istio.io/managed'] !== undefined || l['istio.io/gateway-name'] !== undefined) return true;
  const templates = (w.annotations['inject.istio.io/templates'] ?? '').split(',').map((s) => s.trim());
  if (templates.includes('gateway')) return true;
  return w.containers.some((c) => asArray(c.value.args).some((a) => asString(a) === 'router'));
}

/** An egress gateway workload (§5 "Egress gateway"): an IstioOperator `egressGateways` component, or the egress chart's labels. */
export function isEgressGatewayWorkload(w: Workload): boolean {
  if (w.fromOperator) return w.fromOperator.component === 'egressGateways';
  return labelsLookEgress(w.labels);
}

/** Labels (of pods, or a selector for them) that name an egress gateway as the egress chart does. */
export function labelsLookEgress(labels: Record<string, string>): boolean {
  return EGRESS_NAME.test(labels.istio ?? '') || EGRESS_NAME.test(labels.app ?? '') || EGRESS_NAME.test(labels['istio.io/gateway-name'] ?? '');
}

/** A name (of a Service) that names an egress gateway, as the gateways chart names them (`istio-egressgateway…`). */
export function nameLooksEgress(name: string): boolean {
  return EGRESS_NAME.test(name);
}

/** A Gateway selector that applies to every gateway proxy (omitted or empty). */
export function selectsAllGateways(gw: GatewayInfo): boolean {
  return !gw.selector || Object.keys(gw.selector).length === 0;
}

/** Canonical text of a selector: `k=v,k2=v2`, keys sorted; '' for none. */
export function selectorKey(sel: Record<string, string> | undefined): string {
  if (!sel) return '';
  return Object.keys(sel)
    .sort()
    .map((k) => `${k}=${sel[k]}`)
    .join(',');
}

/** Whether a Gateway runs on a workload: a gateway proxy whose labels include the selector (§6 "Selector"). */
export function gatewayRunsOn(gw: GatewayInfo, w: Workload): boolean {
  return isGatewayWorkload(w) && labelsMatch(gw.selector ?? {}, w.labels);
}

export interface GatewayModel {
  /** Gateway proxies defined in the input, in input order. */
  gatewayWorkloads: Workload[];
  /** gateway.networking.k8s.io Gateways by `namespace/name` (not Istio Gateways: VSs cannot bind to them). */
  k8sGateways: Map<string, Resource>;
  /**
   * Every definition of the Gateway `namespace/name`, in input order. Linting a document's steps
   * together often re-applies a Gateway under the same name; mesh.gateway() keeps the first.
   */
  definitionsOf(namespace: string, name: string): GatewayInfo[];
  /**
   * Gateway proxies a Gateway runs on, in input order: those its selector picks in every namespace
   * (istiod's default PILOT_SCOPE_GATEWAY_TO_NAMESPACE=false), every one when it has no selector.
   */
  workloadsOf(gw: GatewayInfo): Workload[];
}

const cache = new WeakMap<Mesh, GatewayModel>();

export function gatewayModel(mesh: Mesh): GatewayModel {
  let m = cache.get(mesh);
  if (m) return m;
  const gatewayWorkloads = mesh.workloads.filter(isGatewayWorkload);
  const k8sGateways = new Map<string, Resource>();
  for (const r of mesh.modelledResources) {
    if (r.group === 'gateway.networking.k8s.io' && r.kind === 'Gateway') {
      const key = `${r.namespace}/${r.name}`;
      if (!k8sGateways.has(key)) k8sGateways.set(key, r);
    }
  }
  const definitions = new Map<string, GatewayInfo[]>();
  for (const g of mesh.gateways) pushTo(definitions, `${g.namespace}/${g.name}`, g);
  const bySelector = new Map<string, Workload[]>();
  m = {
    gatewayWorkloads,
    k8sGateways,
    definitionsOf(namespace, name) {
      return definitions.get(`${namespace}/${name}`) ?? [];
    },
    workloadsOf(gw) {
      if (selectsAllGateways(gw)) return gatewayWorkloads;
      const key = selectorKey(gw.selector);
      let found = bySelector.get(key);
      if (!found) {
        found = mesh.workloadsMatching(gw.selector!).filter(isGatewayWorkload);
        bySelector.set(key, found);
      }
      return found;
    },
  };
  cache.set(mesh, m);
  return m;
}

/**
 * Whether a Gateway server admits a VirtualService host (semantics §6 "Hosts";
 * `pickMatchingGatewayHosts`): for some server host, the namespace part is `*` or the VS's
 * namespace (`./` was already read as the Gateway's namespace), and the DNS parts overlap as
 * Istio's `host.Name.Matches` does (`*.example.com` admits `a.example.com` and a VS host
 * `*.example.com` admits server `a.example.com`; `*.example.com` never admits `example.com`).
 * `vsHost` is the VS host after Istio's short-name expansion (`foo` → `foo.<vs-ns>.svc.cluster.local`);
 * server hosts are not expanded.
 */
export function serverAdmitsHost(server: Pick<GatewayServer, 'hosts'>, vsNamespace: string, vsHost: string): boolean {
  return server.hosts.some((h) => (h.namespace === '*' || h.namespace === vsNamespace) && hostsOverlap(h.host, vsHost));
}

/** A host worth matching: `*` or a valid DNS name (placeholders such as `<my-hostname>` are schema errors, not binding errors). */
export function isMatchableHost(host: string): boolean {
  return host === '*' || isValidDnsName(host);
}

/**
 * Namespaces whose proxies serve a Gateway: where its selected gateway proxies run, else (none in
 * the input, or no selector) the Gateway's own namespace. A gateway proxy sees only VirtualServices exported to its own
 * namespace (`PushContext.VirtualServicesForGateway(proxyNamespace, …)`).
 */
export function proxyNamespacesOf(model: GatewayModel, gw: GatewayInfo): string[] {
  // A selector-less Gateway applies to every gateway proxy; being served by some of them is enough.
  const ws = selectsAllGateways(gw) ? [] : model.workloadsOf(gw);
  if (ws.length === 0) return [gw.namespace];
  return [...new Set(ws.map((w) => w.namespace))].sort();
}

/** Namespaces among `namespaces` to which a VirtualService is not exported. */
export function notExportedTo(exportTo: readonly string[] | undefined, ownNamespace: string, namespaces: string[]): string[] {
  return namespaces.filter((ns) => !exportedTo(exportTo, ownNamespace, ns));
}

/** Gateway names indexed for suggestions. */
export interface GatewayNameIndex {
  /** name → `namespace/name` keys, sorted. */
  byName: Map<string, string[]>;
  /** namespace → names, sorted. */
  byNamespace: Map<string, string[]>;
  /** every `namespace/name`, sorted. */
  keys: string[];
}

export function gatewayNameIndex(gateways: readonly GatewayInfo[]): GatewayNameIndex {
  const keys = [...new Set(gateways.map((g) => `${g.namespace}/${g.name}`))].sort();
  const byName = new Map<string, string[]>();
  const byNamespace = new Map<string, string[]>();
  for (const k of keys) {
    const slash = k.indexOf('/');
    const ns = k.slice(0, slash);
    const name = k.slice(slash + 1);
    pushTo(byName, name, k);
    pushTo(byNamespace, ns, name);
  }
  return { byName, byNamespace, keys };
}

/** Beyond this many Gateways, typo suggestions look only in the reference's own namespace. */
const SUGGEST_ACROSS_NAMESPACES_UP_TO = 500;

/**
 * The existing Gateway (`namespace/name`) closest to a missing one: the same name in another
 * namespace first, else the smallest edit distance of the name (at most a third of its length,
 * at least 2), in the reference's namespace first, then anywhere. Ties break alphabetically so
 * the answer does not depend on input order.
 */
export function closestGateway(missing: { namespace: string; name: string }, index: GatewayNameIndex): string | undefined {
  const sameName = index.byName.get(missing.name);
  if (sameName) return sameName.find((k) => k !== `${missing.namespace}/${missing.name}`);
  const limit = Math.max(2, Math.floor(missing.name.length / 3));
  const pick = (candidates: { key: string; name: string }[]): string | undefined => {
    let best: string | undefined;
    let bestD = limit + 1;
    for (const c of candidates) {
      const d = editDistance(missing.name, c.name, bestD - 1 < limit ? bestD - 1 : limit);
      if (d < bestD) {
        best = c.key;
        bestD = d;
      }
    }
    return best;
  };
  const local = (index.byNamespace.get(missing.namespace) ?? []).map((name) => ({ key: `${missing.namespace}/${name}`, name }));
  const near = pick(local);
  if (near || index.keys.length > SUGGEST_ACROSS_NAMESPACES_UP_TO) return near;
  return pick(index.keys.map((key) => ({ key, name: key.slice(key.indexOf('/') + 1) })));
}

/** `Kind ns/name` of a workload, e.g. `Deployment istio-system/istio-egressgateway` or an IstioOperator component. */
export function describeWorkload(w: Workload): string {
  if (w.fromOperator) return `IstioOperator ${w.resource.namespace}/${w.resource.name || '<unnamed>'} component ${w.fromOperator.name} (namespace ${w.namespace})`;
  return w.resource.ref;
}
