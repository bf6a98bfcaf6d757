// Kubernetes Gateway API resources (group gateway.networking.k8s.io) as Istio reads them: Gateways
// and their listeners, GatewayClasses, the route kinds (HTTPRoute, GRPCRoute, TLSRoute, TCPRoute,
// UDPRoute) with their parentRefs and backendRefs, ReferenceGrants, and the Service Istio deploys
// for each Gateway it manages. Every served version (v1, v1beta1, v1alpha2, v1alpha3) has the same
// fields for what is read here, so the version is not consulted.
//
// Sources (istio/istio pilot/pkg/config/kube/gateway):
// - conversion.go toInternalParentReference: a parentRef defaults to group gateway.networking.k8s.io,
//   kind Gateway and the route's namespace; Gateway, Service and ServiceEntry parents are supported,
//   any other kind is ignored (it may belong to another controller).
// - conversion.go referenceAllowed: a Service or ServiceEntry parent must exist (NotAccepted
//   "parent service ... not found"); for a Gateway, each listener is tried: `port` must equal the
//   listener's port and `sectionName` its name (both checked first), then the route's hostnames and
//   the listener's hostname must intersect (bidirectional wildcard match, no hostnames = `*`), then
//   the listener's allowedRoutes must admit the route's namespace and kind. A route that no
//   listener accepts is not programmed on that Gateway at all.
// - GenerateSupportedKinds: HTTP and HTTPS listeners take HTTPRoute and GRPCRoute, TCP takes
//   TCPRoute, TLS takes TLSRoute (and TCPRoute when it terminates); `allowedRoutes.kinds`
//   narrows that set. allowedRoutes.namespaces.from defaults to Same.
// - conversion.go buildDestination: a backendRef defaults to core Service; a Service backend is
//   `<name>.<namespace>.svc.cluster.local` and must exist; `kind: Hostname` of group
//   networking.istio.io names a registry host (a ServiceEntry host) and may not carry a namespace;
//   the host is found by its exact name (GatewayContext.GetService reads the map
//   PushContext.ServiceIndex.HostnameAndNamespace, keyed by each service's own hostname), so a
//   wildcard ServiceEntry `*.example.com` does not declare `www.example.com` for it, and the
//   gateway has no cluster for that name (a wildcard entry's cluster is named after the wildcard);
//   a backend in another namespace needs a ReferenceGrant in that namespace from the route's kind
//   and namespace to Service (convertReferencePolicies / BackendAllowed).
// - gateway deployment controller (getDefaultName): a Gateway of class `istio` gets a Deployment and
//   Service named `<gateway>-<class>` (the `gateway.istio.io/name-override` annotation replaces it),
//   whose ports are the listeners' ports; `networking.istio.io/service-type` sets the Service type.
//   Waypoints (class istio-waypoint) are named like the Gateway; `istio-remote` deploys nothing.
// - conversion.go buildTLS: a listener's `tls.mode` defaults to Terminate; the option
//   `gateway.istio.io/tls-terminate-mode` turns Terminate into MUTUAL, OPTIONAL_MUTUAL, ISTIO_SIMPLE
//   or ISTIO_MUTUAL (Istio's own certificates; what the egress gateway TLS origination task uses).
//   buildHostnameMatch: the listener's hostname (or `*`) becomes the server's hosts, and
//   pilot/pkg/model/gateway.go GetSNIHostsForServer turns the hosts of a TLS server into the SNI
//   names its filter chain matches: a client must send an SNI the hostname covers.
// - backend_policies.go BackendTLSPolicyCollection / DestinationRuleCollection: a BackendTLSPolicy
//   becomes a DestinationRule (tls mode SIMPLE, `sni` = validation.hostname, subjectAltNames,
//   CA from caCertificateRefs or the system roots) for each target (a Service, or each host of a
//   ServiceEntry), port-level when `sectionName` names a port; it applies to every client of the
//   host, sidecars included. Policies annotated `istio.io/ignore-policy-attachment: "true"` are left
//   out (istio/istio#60122). With a user DestinationRule for the same host, the rules merge
//   first-wins by creation time (PushContext mergeDestinationRule, istio/istio#60358), which an
//   offline linter cannot know.
// - gateway_collection.go ListenerSetCollection: a ListenerSet adds its listeners to the Gateway of
//   its `spec.parentRef` (kind Gateway only; namespace defaults to the ListenerSet's) when that
//   Gateway exists, its class is Istio's and its `spec.allowedListeners.namespaces` admits the
//   ListenerSet's namespace (NamespaceAcceptedByAllowListeners: no allowedListeners = None, `Same`,
//   `All`, `Selector`); otherwise none of its listeners is programmed. Each listener is a parent a
//   route names with `kind: ListenerSet` and `sectionName`, and its allowedRoutes are read from the
//   ListenerSet's namespace; the parent Gateway's deployment serves it, and the deployment
//   controller (deploymentcontroller.go configureIstioGateway, extractServicePorts) adds the ports
//   of its listeners to the generated Service.
import type { FieldPath, Resource } from '../types.js';
import { hostCovers } from './hosts.js';
import type { ServiceEntryInfo } from './kinds.js';
import { labelSelector, namespaceLabels, type LabelSelectorMatcher } from './label-selector.js';
import type { Mesh } from './mesh.js';
import { asArray, asString, isObject } from './resource.js';
import { GATEWAY_API_GROUP } from './waypoints.js';

export const ISTIO_GROUP = 'networking.istio.io';
/** The controllers of Istio's built-in classes (istio, istio-waypoint, istio-remote). */
export const ISTIO_CONTROLLERS = new Set(['istio.io/gateway-controller', 'istio.io/mesh-controller', 'istio.io/unmanaged-gateway']);
const BUILTIN_CLASSES: Record<string, string> = {
  istio: 'istio.io/gateway-controller',
  'istio-waypoint': 'istio.io/mesh-controller',
  'istio-remote': 'istio.io/unmanaged-gateway',
};

export type GatewayApiRouteKind = 'HTTPRoute' | 'GRPCRoute' | 'TLSRoute' | 'TCPRoute' | 'UDPRoute';
const ROUTE_KINDS = new Set<string>(['HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute', 'UDPRoute']);
const KINDS_WITH_HOSTNAMES = new Set<string>(['HTTPRoute', 'GRPCRoute', 'TLSRoute']);

export interface Listener {
  index: number;
  path: FieldPath;
  name: string;
  port?: number;
  protocol: string;
  /** Lower-cased; undefined = any host. */
  hostname?: string;
  tlsMode?: string;
  /** `tls.options["gateway.istio.io/tls-terminate-mode"]` (ISTIO_MUTUAL, MUTUAL, ...), upper-cased. */
  terminateMode?: string;
  allowedFrom: string;
  allowedSelector?: LabelSelectorMatcher;
  /** The selector looks at `kubernetes.io/metadata.name` only, which every Namespace carries. */
  selectsOnNameOnly: boolean;
  /** Route kinds the listener takes: the protocol's, narrowed by allowedRoutes.kinds. */
  kinds: string[];
}

export interface GatewayApiGateway {
  /** 'ListenerSet' for the listeners a ListenerSet adds to its parent Gateway. */
  kind: 'Gateway' | 'ListenerSet';
  /** "Gateway ns/name", or "ListenerSet ns/name (of Gateway ns/name)", for messages. */
  label: string;
  /** For a ListenerSet: the Gateway that serves its listeners. */
  parentGateway?: GatewayApiGateway;
  resource: Resource;
  namespace: string;
  name: string;
  className: string;
  /** Whether an Istio controller implements the Gateway's class. */
  istio: boolean;
  listeners: Listener[];
  /** The listeners its deployment serves: its own and those of the ListenerSets attached to it. */
  servedListeners: Listener[];
  /** The Service Istio deploys for it (class `istio` and custom classes of Istio's gateway controller). */
  generatedService?: { name: string; namespace: string; fqdn: string; ports: number[]; type: string };
}

export interface ParentRef {
  index: number;
  path: FieldPath;
  group: string;
  kind: string;
  name: string;
  namespace: string;
  sectionName?: string;
  port?: number;
  target: 'gateway' | 'listenerset' | 'service' | 'serviceentry' | 'other';
}

/** A ListenerSet and whether Istio attaches it to its parent Gateway. */
export interface ListenerSetInfo {
  resource: Resource;
  namespace: string;
  name: string;
  parentRef: { path: FieldPath; group: string; kind: string; namespace: string; name: string };
  listeners: Listener[];
  /** The parent Gateway, when the input has it. */
  parent?: GatewayApiGateway;
  /** Why Istio does not attach it; undefined when attached (or when another controller owns the parent). */
  detached?: 'not-a-gateway' | 'parent-not-found' | 'not-allowed';
  /** The ListenerSet as a parent of routes (set when attached). */
  asParent?: GatewayApiGateway;
}

export interface BackendRef {
  ruleIndex: number;
  path: FieldPath;
  group: string;
  kind: string;
  name: string;
  /** The backend's namespace: as written, else the route's. */
  namespace: string;
  namespaceWritten: boolean;
  port?: number;
  weight: number;
  type: 'service' | 'hostname' | 'other';
}

export interface GatewayApiRoute {
  resource: Resource;
  kind: GatewayApiRouteKind;
  namespace: string;
  name: string;
  /** Lower-cased; empty = every host. */
  hostnames: { value: string; path: FieldPath }[];
  parentRefs: ParentRef[];
  backendRefs: BackendRef[];
}

/** Why a Gateway parentRef is not accepted, in the order Istio checks (referenceAllowed). */
export type ParentProblem =
  | { kind: 'not-found' }
  | { kind: 'detached'; listenerSet: ListenerSetInfo }
  | { kind: 'no-listener'; gateway: GatewayApiGateway }
  | { kind: 'no-hostname'; gateway: GatewayApiGateway; listeners: Listener[] }
  | { kind: 'not-allowed'; gateway: GatewayApiGateway; listeners: Listener[]; reason: 'namespace' | 'kind' };

export interface ParentResolution {
  ref: ParentRef;
  /** Set for a Gateway parent that exists; for a ListenerSet parent, the Gateway that serves it. */
  gateway?: GatewayApiGateway;
  /** Listeners that accept the route (Gateway parents). */
  accepted: Listener[];
  problem?: ParentProblem;
}

/** A BackendTLSPolicy as Istio reads it (backend_policies.go). */
export interface BackendTlsPolicy {
  resource: Resource;
  namespace: string;
  /** validation.hostname: the SNI and the name the certificate is checked against. */
  hostname?: string;
  targets: { index: number; path: FieldPath; group: string; kind: string; name: string; sectionName?: string }[];
  /** `istio.io/ignore-policy-attachment: "true"`: Istio skips the policy. */
  ignored: boolean;
}

export interface GatewayApiModel {
  gateways: GatewayApiGateway[];
  routes: GatewayApiRoute[];
  backendTlsPolicies: BackendTlsPolicy[];
  listenerSets: ListenerSetInfo[];
  /**
   * The BackendTLSPolicies (not ignored) that originate TLS toward a ServiceEntry or Service
   * `namespace/name`, for the port named `portName` (a policy without sectionName covers every port).
   */
  backendTlsFor(kind: 'ServiceEntry' | 'Service', namespace: string, name: string, portName?: string): BackendTlsPolicy[];
  gateway(namespace: string, name: string): GatewayApiGateway | undefined;
  /** The Istio Gateway whose generated Service is `<namespace>/<name>`. */
  gatewayOfService(namespace: string, name: string): GatewayApiGateway | undefined;
  /** How Istio resolves each parentRef of a route; refs of unsupported kinds and of Gateways other controllers implement are left out. */
  parents(route: GatewayApiRoute): ParentResolution[];
  /** Whether a ReferenceGrant in the backend's namespace lets the route refer to the Service. */
  backendGranted(route: GatewayApiRoute, b: BackendRef): boolean;
  /** Whether a Service backend exists: a Service of the input, or the Service of an Istio Gateway. */
  serviceExists(namespace: string, name: string): boolean;
  /**
   * Whether some route Istio accepts on the Gateway carries `host` on a listener of `port` (any
   * port when undefined): the listener's hostname and the route's hostnames both cover it.
   */
  forwards(gw: GatewayApiGateway, host: string, port?: number): boolean;
}

/**
 * The ServiceEntries that declare a Hostname backend's host by its exact name, the lookup Istio
 * makes (conversion.go buildDestination, GatewayContext.GetService): wildcard hosts that merely
 * cover the name do not count.
 */
export function serviceEntriesNaming(mesh: Mesh, host: string): ServiceEntryInfo[] {
  const h = host.toLowerCase();
  return mesh.serviceEntriesForHost(h).flatMap((e) => (e.se.hosts.some((x) => x.host === h) ? [e.se] : []));
}

/**
 * What a VirtualService `gateways` name means when it names the Istio Gateway Istio generates for
 * a Gateway API listener (istio/istio pilot/pkg/config/kube/gateway InternalGatewayName:
 * `<gateway>-istio-autogenerated-k8s-gateway-<listener>`, written with `~` in place of `-` by newer
 * releases; IsInternalGatewayReference). A VirtualService's names are matched against the names of
 * Istio Gateway configs (pilot/pkg/model resolveGatewayName), so the plain name of a Gateway API
 * Gateway binds to nothing, while this internal name binds to that listener's generated server in
 * the releases that use its form. It is not an API: `istioctl analyze` warns on it
 * (ReferencedInternalGateway, virtualservice.GatewayAnalyzer).
 */
export function internalGatewayName(name: string): { gateway: string; listener: string; separator: '-' | '~' } | undefined {
  for (const separator of ['~', '-'] as const) {
    const marker = `${separator}istio-autogenerated-k8s-gateway${separator}`;
    const at = name.indexOf(marker);
    if (at > 0 && at + marker.length < name.length) return { gateway: name.slice(0, at), listener: name.slice(at + marker.length), separator };
  }
  return undefined;
}

const cache = new WeakMap<Mesh, GatewayApiModel>();

export function gatewayApiModel(mesh: Mesh): GatewayApiModel {
  let m = cache.get(mesh);
  if (!m) cache.set(mesh, (m = build(mesh)));
  return m;
}

/** The label keys a selector tests (matchLabels and matchExpressions). */
function selectorKeys(sel: unknown): string[] {
  if (!isObject(sel)) return [];
  const keys = isObject(sel.matchLabels) ? Object.keys(sel.matchLabels) : [];
  for (const e of asArray(sel.matchExpressions)) if (isObject(e)) keys.push(asString(e.key) ?? '');
  return keys;
}

/** Route kinds a listener of a protocol takes (GenerateSupportedKinds). */
function protocolKinds(protocol: string, tlsMode: string | undefined): string[] {
  switch (protocol) {
    case 'HTTP':
    case 'HTTPS':
      return ['HTTPRoute', 'GRPCRoute'];
    case 'TCP':
      return ['TCPRoute'];
    case 'TLS':
      return tlsMode === 'Terminate' ? ['TLSRoute', 'TCPRoute'] : ['TLSRoute'];
    default:
      return [];
  }
}

function readListener(l: unknown, index: number, path: FieldPath = ['spec', 'listeners', index]): Listener | undefined {
  if (!isObject(l)) return undefined;
  const protocol = asString(l.protocol) ?? '';
  const tlsMode = isObject(l.tls) ? (asString(l.tls.mode) ?? 'Terminate') : undefined;
  const allowed = isObject(l.allowedRoutes) ? l.allowedRoutes : {};
  const ns = isObject(allowed.namespaces) ? allowed.namespaces : {};
  const allowedFrom = asString(ns.from) ?? 'Same';
  let kinds = protocolKinds(protocol, tlsMode);
  const written = asArray(allowed.kinds).filter(isObject);
  if (written.length > 0) {
    kinds = kinds.filter((k) => written.some((w) => asString(w.kind) === k && (asString(w.group) ?? GATEWAY_API_GROUP) === GATEWAY_API_GROUP));
  }
  return {
    index,
    path,
    name: asString(l.name) ?? '',
    port: typeof l.port === 'number' ? l.port : undefined,
    protocol,
    hostname: asString(l.hostname)?.toLowerCase() || undefined,
    tlsMode,
    terminateMode: isObject(l.tls) && isObject(l.tls.options) ? asString(l.tls.options['gateway.istio.io/tls-terminate-mode'])?.toUpperCase() : undefined,
    allowedFrom,
    allowedSelector: allowedFrom === 'Selector' ? labelSelector(ns.selector) : undefined,
    selectsOnNameOnly: allowedFrom === 'Selector' && selectorKeys(ns.selector).every((k) => k === 'kubernetes.io/metadata.name') && selectorKeys(ns.selector).length > 0,
    kinds,
  };
}

function readGateway(r: Resource, classes: Map<string, Resource>): GatewayApiGateway {
  const className = asString(r.spec.gatewayClassName) ?? '';
  const controller = asString(classes.get(className)?.spec.controllerName) ?? BUILTIN_CLASSES[className];
  const istio = controller !== undefined && ISTIO_CONTROLLERS.has(controller);
  const listeners = asArray(r.spec.listeners).flatMap((l, i) => readListener(l, i) ?? []);
  let generatedService: GatewayApiGateway['generatedService'];
  if (controller === 'istio.io/gateway-controller') {
    const name = r.annotations['gateway.istio.io/name-override'] ?? `${r.name}-${className}`;
    const ports = [...new Set(listeners.flatMap((l) => (l.port === undefined ? [] : [l.port])))];
    generatedService = { name, namespace: r.namespace, fqdn: `${name}.${r.namespace}.svc.cluster.local`, ports, type: r.annotations['networking.istio.io/service-type'] ?? 'LoadBalancer' };
  }
  return { kind: 'Gateway', label: `Gateway ${r.namespace}/${r.name}`, resource: r, namespace: r.namespace, name: r.name, className, istio, listeners, servedListeners: [...listeners], generatedService };
}

function readListenerSet(r: Resource): ListenerSetInfo {
  const p = isObject(r.spec.parentRef) ? r.spec.parentRef : {};
  return {
    resource: r,
    namespace: r.namespace,
    name: r.name,
    parentRef: {
      path: ['spec', 'parentRef'],
      group: asString(p.group) ?? GATEWAY_API_GROUP,
      kind: asString(p.kind) ?? 'Gateway',
      namespace: asString(p.namespace) ?? r.namespace,
      name: asString(p.name) ?? '',
    },
    listeners: asArray(r.spec.listeners).flatMap((l, i) => readListener(l, i) ?? []),
  };
}

function readRoute(r: Resource): GatewayApiRoute {
  const kind = r.kind as GatewayApiRouteKind;
  const ns = r.namespace;
  const parentRefs = asArray(r.spec.parentRefs).flatMap((p, index): ParentRef[] => {
    if (!isObject(p)) return [];
    const group = asString(p.group) ?? GATEWAY_API_GROUP;
    const pkind = asString(p.kind) ?? 'Gateway';
    let target: ParentRef['target'] = 'other';
    if (group === GATEWAY_API_GROUP && pkind === 'Gateway') target = 'gateway';
    else if (group === GATEWAY_API_GROUP && pkind === 'ListenerSet') target = 'listenerset';
    else if (group === '' && pkind === 'Service') target = 'service';
    else if (group === ISTIO_GROUP && pkind === 'ServiceEntry') target = 'serviceentry';
    return [
      {
        index,
        path: ['spec', 'parentRefs', index],
        group,
        kind: pkind,
        name: asString(p.name) ?? '',
        namespace: asString(p.namespace) ?? ns,
        sectionName: asString(p.sectionName),
        port: typeof p.port === 'number' ? p.port : undefined,
        target,
      },
    ];
  });
  const backendRefs: BackendRef[] = [];
  asArray(r.spec.rules).forEach((rule, ruleIndex) => {
    if (!isObject(rule)) return;
    asArray(rule.backendRefs).forEach((b, j) => {
      if (!isObject(b)) return;
      const group = asString(b.group) ?? '';
      const bkind = asString(b.kind) ?? 'Service';
      const written = asString(b.namespace);
      backendRefs.push({
        ruleIndex,
        path: ['spec', 'rules', ruleIndex, 'backendRefs', j],
        group,
        kind: bkind,
        name: asString(b.name) ?? '',
        namespace: written ?? ns,
        namespaceWritten: written !== undefined,
        port: typeof b.port === 'number' ? b.port : undefined,
        weight: typeof b.weight === 'number' ? b.weight : 1,
        type: group === '' && bkind === 'Service' ? 'service' : group === ISTIO_GROUP && bkind === 'Hostname' ? 'hostname' : 'other',
      });
    });
  });
  return {
    resource: r,
    kind,
    namespace: ns,
    name: r.name,
    hostnames: KINDS_WITH_HOSTNAMES.has(kind) ? asArray(r.spec.hostnames).flatMap((h, i) => (typeof h === 'string' ? [{ value: h.toLowerCase(), path: ['spec', 'hostnames', i] as FieldPath }] : [])) : [],
    parentRefs,
    backendRefs,
  };
}

function readBackendTlsPolicy(r: Resource): BackendTlsPolicy {
  const validation = isObject(r.spec.validation) ? r.spec.validation : {};
  const targets = asArray(r.spec.targetRefs).flatMap((t, index): BackendTlsPolicy['targets'] => {
    if (!isObject(t)) return [];
    const group = asString(t.group) ?? '';
    const kind = asString(t.kind) ?? '';
    // Istio resolves core Services and Istio ServiceEntries (LocalPolicyTargetRef); other kinds are refused.
    const known = (group === '' && kind === 'Service') || (group === ISTIO_GROUP && kind === 'ServiceEntry');
    if (!known) return [];
    return [{ index, path: ['spec', 'targetRefs', index], group, kind, name: asString(t.name) ?? '', sectionName: asString(t.sectionName) || undefined }];
  });
  return {
    resource: r,
    namespace: r.namespace,
    hostname: asString(validation.hostname)?.toLowerCase(),
    targets,
    ignored: r.annotations['istio.io/ignore-policy-attachment'] === 'true',
  };
}

/** Listener hostname and route hostnames intersect (bidirectional wildcard match; none = any). */
export function hostnamesIntersect(listener: Listener, route: GatewayApiRoute): boolean {
  if (!listener.hostname) return true;
  const hosts = route.hostnames.length > 0 ? route.hostnames.map((h) => h.value) : ['*'];
  return hosts.some((h) => hostCovers(listener.hostname!, h) || hostCovers(h, listener.hostname!));
}

function build(mesh: Mesh): GatewayApiModel {
  const classes = new Map<string, Resource>();
  const gatewayResources: Resource[] = [];
  const routes: GatewayApiRoute[] = [];
  /** `<fromKind>/<fromNamespace>/<toNamespace>` → allowed Service names ('*' = all). */
  const grants = new Map<string, Set<string>>();
  const backendTlsPolicies: BackendTlsPolicy[] = [];
  const listenerSetResources: Resource[] = [];
  for (const r of mesh.modelledResources) {
    if (r.group !== GATEWAY_API_GROUP) continue;
    if (r.kind === 'GatewayClass') {
      if (!classes.has(r.name)) classes.set(r.name, r);
    } else if (r.kind === 'Gateway') gatewayResources.push(r);
    else if (ROUTE_KINDS.has(r.kind)) routes.push(readRoute(r));
    else if (r.kind === 'BackendTLSPolicy') backendTlsPolicies.push(readBackendTlsPolicy(r));
    else if (r.kind === 'ListenerSet') listenerSetResources.push(r);
    else if (r.kind === 'ReferenceGrant') {
      const tos = asArray(r.spec.to).filter(isObject).filter((t) => (asString(t.group) ?? '') === '' && asString(t.kind) === 'Service');
      for (const f of asArray(r.spec.from)) {
        if (!isObject(f) || asString(f.group) !== GATEWAY_API_GROUP) continue;
        const key = `${asString(f.kind) ?? ''}/${asString(f.namespace) ?? ''}/${r.namespace}`;
        let names = grants.get(key);
        if (!names) grants.set(key, (names = new Set()));
        for (const t of tos) names.add(asString(t.name) ?? '*');
      }
    }
  }
  const byKey = new Map<string, GatewayApiGateway>();
  const byService = new Map<string, GatewayApiGateway>();
  const gateways: GatewayApiGateway[] = [];
  for (const r of gatewayResources) {
    const key = `${r.namespace}/${r.name}`;
    if (byKey.has(key)) continue;
    const g = readGateway(r, classes);
    byKey.set(key, g);
    gateways.push(g);
    if (g.generatedService) {
      const sk = `${g.namespace}/${g.generatedService.name}`;
      if (!byService.has(sk)) byService.set(sk, g);
    }
  }

  // ListenerSets: attached to their parent Gateway when Istio's class and allowedListeners admit them.
  const listenerSets: ListenerSetInfo[] = [];
  const listenerSetByKey = new Map<string, ListenerSetInfo>();
  for (const r of listenerSetResources) {
    const key = `${r.namespace}/${r.name}`;
    if (listenerSetByKey.has(key)) continue;
    const ls = readListenerSet(r);
    listenerSetByKey.set(key, ls);
    listenerSets.push(ls);
    if (ls.parentRef.group !== GATEWAY_API_GROUP || ls.parentRef.kind !== 'Gateway') {
      ls.detached = 'not-a-gateway';
      continue;
    }
    const parent = byKey.get(`${ls.parentRef.namespace}/${ls.parentRef.name}`);
    ls.parent = parent;
    if (!parent) {
      ls.detached = 'parent-not-found';
      continue;
    }
    // Only Istio's gateway controller is read here (waypoints and other controllers: not judged).
    if (!parent.istio || !parent.generatedService) continue;
    if (!listenersAdmit(parent, ls.namespace)) {
      ls.detached = 'not-allowed';
      continue;
    }
    ls.asParent = {
      kind: 'ListenerSet',
      label: `ListenerSet ${ls.namespace}/${ls.name} (of Gateway ${parent.namespace}/${parent.name})`,
      parentGateway: parent,
      resource: r,
      namespace: ls.namespace,
      name: ls.name,
      className: parent.className,
      istio: true,
      listeners: ls.listeners,
      servedListeners: ls.listeners,
      generatedService: parent.generatedService,
    };
    parent.servedListeners.push(...ls.listeners);
    // deploymentcontroller.go configureIstioGateway: the listeners of the ListenerSets that name
    // the Gateway and that its allowedListeners admit go to extractServicePorts after the
    // Gateway's own, so their ports are added to the generated Service (a port already there is
    // not added twice).
    for (const l of ls.listeners) if (l.port !== undefined && !parent.generatedService.ports.includes(l.port)) parent.generatedService.ports.push(l.port);
  }

  /** NamespaceAcceptedByAllowListeners: whether a Gateway takes ListenerSets from a namespace. */
  function listenersAdmit(gw: GatewayApiGateway, ns: string): boolean {
    const allowed = isObject(gw.resource.spec.allowedListeners) ? gw.resource.spec.allowedListeners : undefined;
    const nss = allowed && isObject(allowed.namespaces) ? allowed.namespaces : undefined;
    if (!nss) return false;
    switch (asString(nss.from) ?? 'None') {
      case 'All':
        return true;
      case 'Same':
        return ns === gw.namespace;
      case 'Selector': {
        const own = mesh.get('Namespace', '', ns);
        const sel = labelSelector(nss.selector);
        // A Namespace the input lacks has unknown labels: take it as admitted (no false error).
        return own === undefined || (sel?.(namespaceLabels(ns, own.labels)) ?? false);
      }
      default:
        return false;
    }
  }

  const admitsNamespace = (l: Listener, gw: GatewayApiGateway, ns: string): boolean => {
    switch (l.allowedFrom) {
      case 'All':
        return true;
      case 'Selector': {
        // A Namespace the input does not hold has labels the linter cannot see: only a selector
        // that refuses it on its name alone (kubernetes.io/metadata.name) is taken as a refusal.
        const own = mesh.get('Namespace', '', ns);
        const matches = l.allowedSelector?.(namespaceLabels(ns, own?.labels)) ?? false;
        return matches || (own === undefined && l.allowedSelector !== undefined && !l.selectsOnNameOnly);
      }
      case 'Same':
        return gw.namespace === ns;
      default:
        return false;
    }
  };

  // Every rule asks about the same routes: each route's parents are resolved once.
  const resolved = new Map<GatewayApiRoute, ParentResolution[]>();
  const parents = (route: GatewayApiRoute): ParentResolution[] => {
    let known = resolved.get(route);
    if (!known) resolved.set(route, (known = resolveParents(route)));
    return known;
  };
  const resolveParents = (route: GatewayApiRoute): ParentResolution[] => {
    const out: ParentResolution[] = [];
    for (const ref of route.parentRefs) {
      if (ref.target === 'other') continue;
      if (ref.target === 'service') {
        const exists = mesh.get('Service', ref.namespace, ref.name) !== undefined || byService.has(`${ref.namespace}/${ref.name}`);
        out.push({ ref, accepted: [], problem: exists ? undefined : { kind: 'not-found' } });
        continue;
      }
      if (ref.target === 'serviceentry') {
        out.push({ ref, accepted: [], problem: mesh.get('ServiceEntry', ref.namespace, ref.name) ? undefined : { kind: 'not-found' } });
        continue;
      }
      let gw: GatewayApiGateway | undefined;
      if (ref.target === 'listenerset') {
        const ls = listenerSetByKey.get(`${ref.namespace}/${ref.name}`);
        if (!ls) {
          out.push({ ref, accepted: [], problem: { kind: 'not-found' } });
          continue;
        }
        if (ls.detached) {
          out.push({ ref, accepted: [], problem: { kind: 'detached', listenerSet: ls } });
          continue;
        }
        gw = ls.asParent;
        if (!gw) continue;
      } else {
        gw = byKey.get(`${ref.namespace}/${ref.name}`);
        if (!gw) {
          out.push({ ref, accepted: [], problem: { kind: 'not-found' } });
          continue;
        }
      }
      if (!gw.istio) continue;
      const serving = gw.parentGateway ?? gw;
      const bySection = gw.listeners.filter((l) => (ref.port === undefined || l.port === ref.port) && (ref.sectionName === undefined || l.name === ref.sectionName));
      if (bySection.length === 0) {
        out.push({ ref, gateway: serving, accepted: [], problem: { kind: 'no-listener', gateway: gw } });
        continue;
      }
      const byHost = bySection.filter((l) => hostnamesIntersect(l, route));
      if (byHost.length === 0) {
        out.push({ ref, gateway: serving, accepted: [], problem: { kind: 'no-hostname', gateway: gw, listeners: bySection } });
        continue;
      }
      const owner = gw;
      const byNs = byHost.filter((l) => admitsNamespace(l, owner, route.namespace));
      const accepted = byNs.filter((l) => l.kinds.includes(route.kind));
      if (accepted.length > 0) out.push({ ref, gateway: serving, accepted });
      else out.push({ ref, gateway: serving, accepted: [], problem: { kind: 'not-allowed', gateway: gw, listeners: byHost, reason: byNs.length === 0 ? 'namespace' : 'kind' } });
    }
    return out;
  };

  // Routes accepted on each Gateway with the listeners that took them, computed on first use.
  let acceptedOn: Map<GatewayApiGateway, { route: GatewayApiRoute; listeners: Listener[] }[]> | undefined;
  const forwards = (gw: GatewayApiGateway, host: string, port?: number): boolean => {
    if (!acceptedOn) {
      acceptedOn = new Map();
      for (const r of routes) {
        for (const p of parents(r)) {
          if (!p.gateway || p.accepted.length === 0) continue;
          const list = acceptedOn.get(p.gateway) ?? [];
          list.push({ route: r, listeners: p.accepted });
          acceptedOn.set(p.gateway, list);
        }
      }
    }
    const h = host.toLowerCase();
    return (acceptedOn.get(gw) ?? []).some(
      ({ route, listeners }) =>
        listeners.some((l) => (port === undefined || l.port === port) && (!l.hostname || hostCovers(l.hostname, h))) &&
        (route.hostnames.length === 0 || route.hostnames.some((rh) => hostCovers(rh.value, h))),
    );
  };

  const tlsByTarget = new Map<string, BackendTlsPolicy[]>();
  for (const p of backendTlsPolicies) {
    if (p.ignored) continue;
    for (const t of p.targets) {
      const key = `${t.kind}/${p.namespace}/${t.name}`;
      const list = tlsByTarget.get(key) ?? [];
      if (!list.includes(p)) list.push(p);
      tlsByTarget.set(key, list);
    }
  }
  const backendTlsFor = (kind: 'ServiceEntry' | 'Service', namespace: string, name: string, portName?: string): BackendTlsPolicy[] =>
    (tlsByTarget.get(`${kind}/${namespace}/${name}`) ?? []).filter((p) =>
      p.targets.some((t) => t.kind === kind && t.name === name && (t.sectionName === undefined || t.sectionName === portName)),
    );

  return {
    gateways,
    routes,
    backendTlsPolicies,
    backendTlsFor,
    listenerSets,
    forwards,
    gateway: (namespace, name) => byKey.get(`${namespace}/${name}`),
    gatewayOfService: (namespace, name) => byService.get(`${namespace}/${name}`),
    parents,
    backendGranted: (route, b) => {
      if (b.namespace === route.namespace) return true;
      const names = grants.get(`${route.kind}/${route.namespace}/${b.namespace}`);
      return names !== undefined && (names.has('*') || names.has(b.name));
    },
    serviceExists: (namespace, name) => mesh.get('Service', namespace, name) !== undefined || byService.has(`${namespace}/${name}`),
  };
}
