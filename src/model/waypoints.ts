// Waypoints (ambient mode's L7 proxies) and what binds traffic to them, read from the raw Gateway
// API resources (kind Gateway / GatewayClass, group gateway.networking.k8s.io). Istio's rules,
// pilot/pkg/serviceregistry/kube/controller/ambient/waypoints.go:
// - WaypointsCollection: the traffic a waypoint takes is the Gateway's `istio.io/waypoint-for`
//   label, else its GatewayClass's, else `service`; `service`, `workload`, `all` and `none` are the
//   documented values (istio.io docs/ambient/usage/waypoint "Waypoint traffic types").
// - makeAllowedRoutes: who may bind is the `allowedRoutes.namespaces` of the HBONE listener on port
//   15008 (default Same; a waypoint without that listener accepts its own namespace only).
// - fetchWaypointForTarget / getUseWaypoint: an object's own `istio.io/use-waypoint` label wins
//   (`none` opts the object out, and then its namespace's label is not consulted); otherwise its
//   Namespace's label. The waypoint's namespace is the `istio.io/use-waypoint-namespace` label on
//   the same object, else the object's namespace.
// - fetchWaypointForService / fetchWaypointForWorkload: a Service or ServiceEntry needs a waypoint
//   for `service` or `all`, a pod one for `workload` or `all`; otherwise no waypoint is used.
// In every failing case ztunnel sends the traffic straight to its destination and no L7 policy of
// the waypoint applies (istio.io docs/ambient/usage/waypoint "Require traffic to traverse the
// waypoint").
// serviceEntryVisibility NAMESPACE forbids binding a ServiceEntry to a waypoint of another namespace
// (docs/ambient/usage/serviceentry-visibility "Waypoints": CrossNamespaceWaypointForbidden).
import type { FieldPath, Resource } from '../types.js';
import type { ServiceEntryInfo, Workload } from './kinds.js';
import { labelSelector, namespaceLabels, type LabelSelectorMatcher } from './label-selector.js';
import type { Mesh } from './mesh.js';
import { asArray, asString, at, isObject } from './resource.js';
import { serviceEntryVisibility } from './service-entry-visibility.js';

export const USE_WAYPOINT = 'istio.io/use-waypoint';
export const USE_WAYPOINT_NAMESPACE = 'istio.io/use-waypoint-namespace';
export const WAYPOINT_FOR = 'istio.io/waypoint-for';
export const WAYPOINT_CLASS = 'istio-waypoint';
export const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';

export type TrafficKind = 'service' | 'workload';

export interface Waypoint {
  resource: Resource;
  namespace: string;
  name: string;
  className: string;
  /** The `istio.io/waypoint-for` value in force, and what set it. */
  trafficType: string;
  trafficTypeSetBy: 'gateway' | 'gatewayclass' | 'default';
  /** Who may bind: `allowedRoutes.namespaces.from` of the HBONE listener. */
  allowedFrom: string;
  allowedSelector?: LabelSelectorMatcher;
}

/** Whether a waypoint takes traffic of a kind (`all` takes both). */
export function takes(w: Waypoint, kind: TrafficKind): boolean {
  return w.trafficType === kind || w.trafficType === 'all';
}

/** An `istio.io/use-waypoint` label written on an object. */
export interface UseWaypointLabel {
  /** The Namespace, Service, ServiceEntry or workload (pod template) carrying it. */
  resource: Resource;
  /** Path of the label value. */
  path: FieldPath;
  /** The namespace the object's traffic belongs to (a Namespace's own name). */
  namespace: string;
  /** The waypoint it names; undefined for `none`. */
  target?: { namespace: string; name: string; namespaceFromLabel: boolean };
}

export type BindingProblem =
  | { kind: 'not-found' }
  | { kind: 'attachment-denied'; waypoint: Waypoint }
  | { kind: 'cross-namespace-forbidden'; waypoint: Waypoint }
  | { kind: 'traffic-type'; waypoint: Waypoint; needs: TrafficKind };

/** The waypoint an object's traffic uses, or why none is used. */
export interface WaypointBinding {
  label: UseWaypointLabel;
  /** True when the label is the namespace's, inherited by the object. */
  inherited: boolean;
  waypoint?: Waypoint;
  problem?: BindingProblem;
}

export interface WaypointModel {
  waypoints: Waypoint[];
  waypoint(namespace: string, name: string): Waypoint | undefined;
  /** Every use-waypoint label of the input, in input order. */
  labels: UseWaypointLabel[];
  /** Whether a waypoint admits objects of a namespace (its HBONE listener's allowedRoutes). */
  admits(w: Waypoint, namespace: string): boolean;
  /** Whether the input has any Gateway of that name (of any class: other controllers implement waypoints too). */
  gatewayExists(namespace: string, name: string): boolean;
  /** The binding of a ServiceEntry's traffic (service traffic); undefined when nothing names a waypoint for it. */
  forServiceEntry(se: ServiceEntryInfo): WaypointBinding | undefined;
  /** The binding of a Service's traffic. */
  forService(r: Resource): WaypointBinding | undefined;
  /** The binding of traffic addressed to a workload's pods (workload traffic). */
  forWorkload(w: Workload): WaypointBinding | undefined;
}

const cache = new WeakMap<Mesh, WaypointModel>();

function labelOf(r: Resource, metadataPath: FieldPath, labels: Record<string, string>, namespace: string): UseWaypointLabel | undefined {
  const value = labels[USE_WAYPOINT];
  if (value === undefined) return undefined;
  const path = [...metadataPath, 'labels', USE_WAYPOINT];
  // getUseWaypoint: `none` is reserved; a waypoint named "none" cannot be used.
  if (value === 'none') return { resource: r, path, namespace };
  const nsOverride = labels[USE_WAYPOINT_NAMESPACE];
  return { resource: r, path, namespace, target: { namespace: nsOverride ?? namespace, name: value, namespaceFromLabel: nsOverride !== undefined } };
}

function readWaypoint(r: Resource, classes: Map<string, Resource>): Waypoint {
  const className = asString(r.spec.gatewayClassName) ?? '';
  const cls = classes.get(className);
  let trafficType = 'service';
  let trafficTypeSetBy: Waypoint['trafficTypeSetBy'] = 'default';
  if (cls?.labels[WAYPOINT_FOR] !== undefined) {
    trafficType = cls.labels[WAYPOINT_FOR]!;
    trafficTypeSetBy = 'gatewayclass';
  }
  if (r.labels[WAYPOINT_FOR] !== undefined) {
    trafficType = r.labels[WAYPOINT_FOR]!;
    trafficTypeSetBy = 'gateway';
  }
  const hbone = asArray(r.spec.listeners).find((l) => at(l, 'protocol') === 'HBONE' && at(l, 'port') === 15008);
  const namespaces = at(hbone, 'allowedRoutes', 'namespaces');
  const allowedFrom = (isObject(namespaces) ? asString(namespaces.from) : undefined) ?? 'Same';
  return {
    resource: r,
    namespace: r.namespace,
    name: r.name,
    className,
    trafficType,
    trafficTypeSetBy,
    allowedFrom,
    allowedSelector: allowedFrom === 'Selector' && isObject(namespaces) ? labelSelector(namespaces.selector) : undefined,
  };
}

/** The waypoints, labels and bindings of a mesh, built once. */
export function waypointModel(mesh: Mesh): WaypointModel {
  let model = cache.get(mesh);
  if (model) return model;
  model = build(mesh);
  cache.set(mesh, model);
  return model;
}

function build(mesh: Mesh): WaypointModel {
  const classes = new Map<string, Resource>();
  const gateways: Resource[] = [];
  for (const r of mesh.modelledResources) {
    if (r.group !== GATEWAY_API_GROUP) continue;
    if (r.kind === 'GatewayClass' && !classes.has(r.name)) classes.set(r.name, r);
    else if (r.kind === 'Gateway') gateways.push(r);
  }
  const byKey = new Map<string, Waypoint>();
  const waypoints: Waypoint[] = [];
  for (const g of gateways) {
    const key = `${g.namespace}/${g.name}`;
    if (byKey.has(key)) continue;
    const w = readWaypoint(g, classes);
    byKey.set(key, w);
    waypoints.push(w);
  }

  const labels: UseWaypointLabel[] = [];
  const nsLabel = new Map<string, UseWaypointLabel>();
  const ownLabel = new Map<Resource, UseWaypointLabel>();
  for (const ns of mesh.ofKind('Namespace')) {
    const l = labelOf(ns, ['metadata'], ns.labels, ns.name);
    if (l) {
      labels.push(l);
      if (!nsLabel.has(ns.name)) nsLabel.set(ns.name, l);
    }
  }
  const addOwn = (r: Resource, metadataPath: FieldPath, own: Record<string, string>, namespace: string) => {
    const l = labelOf(r, metadataPath, own, namespace);
    if (!l) return;
    labels.push(l);
    ownLabel.set(r, l);
  };
  for (const svc of mesh.services) addOwn(svc.resource, ['metadata'], svc.resource.labels, svc.namespace);
  for (const se of mesh.serviceEntries) addOwn(se.resource, ['metadata'], se.resource.labels, se.namespace);
  for (const w of mesh.workloads) if (!w.fromOperator) addOwn(w.resource, [...w.templatePath, 'metadata'], w.labels, w.namespace);

  const visibility = serviceEntryVisibility(mesh);
  const allowsFrom = (w: Waypoint, namespace: string) => {
    switch (w.allowedFrom) {
      case 'All':
        return true;
      case 'Selector':
        return w.allowedSelector?.(namespaceLabels(namespace, mesh.get('Namespace', '', namespace)?.labels)) ?? false;
      default:
        return w.namespace === namespace;
    }
  };

  const bind = (r: Resource, namespace: string, kind: TrafficKind, isServiceEntry: boolean): WaypointBinding | undefined => {
    const own = ownLabel.get(r);
    const label = own ?? nsLabel.get(namespace);
    if (!label || !label.target) return undefined;
    const binding: WaypointBinding = { label, inherited: own === undefined };
    const w = byKey.get(`${label.target.namespace}/${label.target.name}`);
    if (!w) return { ...binding, problem: { kind: 'not-found' } };
    if (!allowsFrom(w, namespace)) return { ...binding, problem: { kind: 'attachment-denied', waypoint: w } };
    if (isServiceEntry && w.namespace !== namespace && visibility?.visibilityOf(namespace) === 'NAMESPACE') return { ...binding, problem: { kind: 'cross-namespace-forbidden', waypoint: w } };
    if (!takes(w, kind)) return { ...binding, problem: { kind: 'traffic-type', waypoint: w, needs: kind } };
    return { ...binding, waypoint: w };
  };
  // A waypoint's own Service (label gateway.istio.io/managed: istio.io-mesh-controller) never uses a waypoint.
  const isWaypointService = (r: Resource) => r.labels['gateway.istio.io/managed'] === 'istio.io-mesh-controller';

  const gatewayKeys = new Set(gateways.map((g) => `${g.namespace}/${g.name}`));
  return {
    waypoints,
    waypoint: (namespace, name) => byKey.get(`${namespace}/${name}`),
    admits: allowsFrom,
    labels,
    gatewayExists: (namespace, name) => gatewayKeys.has(`${namespace}/${name}`),
    forServiceEntry: (se) => bind(se.resource, se.namespace, 'service', true),
    forService: (r) => (isWaypointService(r) ? undefined : bind(r, r.namespace, 'service', false)),
    forWorkload: (w) => bind(w.resource, w.namespace, 'workload', false),
  };
}
