// Typed views of the resources the rules read. Each view keeps its Resource and the field paths
// of what it exposes, so a rule can point at the exact node.
import type { ExportDefault } from './export-defaults.js';
import type { FieldPath, JsonObject, Resource } from '../types.js';
import { asArray, asString, asStringArray, at, isObject, stringMap } from './resource.js';
import { splitNamespacedHost, toFqdn } from './hosts.js';

export type KindName =
  | 'ServiceEntry'
  | 'DestinationRule'
  | 'VirtualService'
  | 'Gateway'
  | 'Sidecar'
  | 'WorkloadEntry'
  | 'PeerAuthentication'
  | 'Service'
  | 'Endpoints'
  | 'EndpointSlice'
  | 'ConfigMap'
  | 'Namespace'
  | 'IstioOperator'
  | 'Workload';

const ISTIO_NETWORKING = new Set(['ServiceEntry', 'DestinationRule', 'VirtualService', 'Gateway', 'Sidecar', 'WorkloadEntry']);
const WORKLOAD_KINDS: Record<string, string> = {
  Deployment: 'apps',
  StatefulSet: 'apps',
  DaemonSet: 'apps',
  ReplicaSet: 'apps',
  Job: 'batch',
  CronJob: 'batch',
  Pod: '',
};

/** The modelled kind of a resource, by API group and kind; undefined for kinds the model ignores. */
export function modelledKind(r: Resource): KindName | undefined {
  if (r.group === 'networking.istio.io' && ISTIO_NETWORKING.has(r.kind)) return r.kind as KindName;
  if (r.group === 'security.istio.io' && r.kind === 'PeerAuthentication') return 'PeerAuthentication';
  if (r.group === 'install.istio.io' && r.kind === 'IstioOperator') return 'IstioOperator';
  if (r.group === '' && (r.kind === 'Service' || r.kind === 'Endpoints' || r.kind === 'ConfigMap' || r.kind === 'Namespace')) return r.kind;
  if (r.group === 'discovery.k8s.io' && r.kind === 'EndpointSlice') return 'EndpointSlice';
  const wg = WORKLOAD_KINDS[r.kind];
  if (wg !== undefined && (r.group === wg || (r.kind === 'Deployment' && r.group === 'extensions'))) return 'Workload';
  return undefined;
}

// ---------------------------------------------------------------- ports and protocols

export type Protocol = 'HTTP' | 'HTTPS' | 'HTTP2' | 'GRPC' | 'GRPC-WEB' | 'TLS' | 'TCP' | 'MONGO' | 'REDIS' | 'MYSQL' | 'UDP' | 'UNKNOWN';
const PROTOCOLS = new Set(['HTTP', 'HTTPS', 'HTTP2', 'GRPC', 'GRPC-WEB', 'TLS', 'TCP', 'MONGO', 'REDIS', 'MYSQL', 'UDP']);

/** Istio compares protocols case-insensitively; empty means "sniffed". */
export function parseProtocol(v: unknown): Protocol {
  const s = typeof v === 'string' ? v.toUpperCase() : '';
  return PROTOCOLS.has(s) ? (s as Protocol) : 'UNKNOWN';
}

export function isTlsProtocol(p: Protocol): boolean {
  return p === 'HTTPS' || p === 'TLS';
}

export function isHttpProtocol(p: Protocol): boolean {
  return p === 'HTTP' || p === 'HTTP2' || p === 'GRPC' || p === 'GRPC-WEB';
}

/** Kubernetes Service port protocol: appProtocol, else the `<proto>[-suffix]` name (semantics §4). */
function kubePortProtocol(name: string | undefined, appProtocol: string | undefined, l4: string | undefined): Protocol {
  if (l4 && l4.toUpperCase() === 'UDP') return 'UDP';
  if (appProtocol) {
    const a = appProtocol.toLowerCase();
    if (a === 'http' || a === 'kubernetes.io/h2c') return a === 'http' ? 'HTTP' : 'HTTP2';
    if (a === 'https') return 'HTTPS';
    if (a === 'kubernetes.io/ws') return 'HTTP';
    if (a === 'kubernetes.io/wss') return 'HTTPS';
    const p = parseProtocol(a);
    if (p !== 'UNKNOWN') return p;
  }
  if (name) {
    const prefix = name.split('-')[0]!.toUpperCase();
    const p = parseProtocol(prefix === 'GRPC' && name.toLowerCase().startsWith('grpc-web') ? 'GRPC-WEB' : prefix);
    if (p !== 'UNKNOWN') return p;
  }
  return 'UNKNOWN';
}

export interface PortInfo {
  number: number;
  name?: string;
  protocol: Protocol;
  targetPort?: number | string;
  path: FieldPath;
}

// ---------------------------------------------------------------- Service (core/v1)

export interface ServiceInfo {
  resource: Resource;
  name: string;
  namespace: string;
  fqdn: string;
  type: string;
  /** undefined when the Service has no selector (hand-managed endpoints). */
  selector?: Record<string, string>;
  ports: PortInfo[];
  externalName?: string;
  exportTo?: string[];
  /** Set when exportTo is the mesh-wide default (MeshConfig default*ExportTo), applied by the Mesh. */
  exportToDefault?: ExportDefault;
}

export function serviceInfo(r: Resource): ServiceInfo {
  const spec = r.spec;
  const sel = isObject(spec.selector) ? stringMap(spec.selector) : undefined;
  const exportAnn = r.annotations['networking.istio.io/exportTo'];
  return {
    resource: r,
    name: r.name,
    namespace: r.namespace,
    fqdn: `${r.name}.${r.namespace}.svc.cluster.local`.toLowerCase(),
    type: asString(spec.type) ?? 'ClusterIP',
    selector: sel && Object.keys(sel).length > 0 ? sel : undefined,
    ports: asArray(spec.ports).flatMap((p, i): PortInfo[] => {
      if (!isObject(p) || typeof p.port !== 'number') return [];
      const name = asString(p.name);
      return [
        {
          number: p.port,
          name,
          protocol: kubePortProtocol(name, asString(p.appProtocol), asString(p.protocol)),
          targetPort: typeof p.targetPort === 'number' || typeof p.targetPort === 'string' ? p.targetPort : undefined,
          path: ['spec', 'ports', i],
        },
      ];
    }),
    externalName: asString(spec.type) === 'ExternalName' ? asString(spec.externalName)?.replace(/\.$/, '').toLowerCase() : undefined,
    exportTo: exportAnn !== undefined ? exportAnn.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
  };
}

// ---------------------------------------------------------------- ServiceEntry

export interface ServiceEntryInfo {
  resource: Resource;
  namespace: string;
  /** Hosts as written, lower-cased, short names expanded in the entry's namespace. */
  hosts: { host: string; path: FieldPath }[];
  ports: PortInfo[];
  resolution: string;
  location: string;
  exportTo?: string[];
  /** Set when exportTo is the mesh-wide default (MeshConfig default*ExportTo), applied by the Mesh. */
  exportToDefault?: ExportDefault;
  addresses: { value: string; path: FieldPath }[];
  /** The `*` host, which Istio's validation rejects with the whole entry (ValidateServiceEntry): the entry does not exist. */
  rejectedHost?: FieldPath;
  endpointCount: number;
  hasWorkloadSelector: boolean;
}

export function serviceEntryInfo(r: Resource): ServiceEntryInfo {
  const s = r.spec;
  return {
    resource: r,
    namespace: r.namespace,
    hosts: asArray(s.hosts).flatMap((h, i) => (typeof h === 'string' && h.length > 0 ? [{ host: toFqdn(h, r.namespace), path: ['spec', 'hosts', i] }] : [])),
    rejectedHost: ((i) => (i === -1 ? undefined : ['spec', 'hosts', i]))(asArray(s.hosts).findIndex((h) => typeof h === 'string' && h.trim() === '*')),
    ports: asArray(s.ports).flatMap((p, i): PortInfo[] => {
      if (!isObject(p) || typeof p.number !== 'number') return [];
      return [
        {
          number: p.number,
          name: asString(p.name),
          protocol: parseProtocol(p.protocol),
          targetPort: typeof p.targetPort === 'number' ? p.targetPort : undefined,
          path: ['spec', 'ports', i],
        },
      ];
    }),
    resolution: (asString(s.resolution) ?? 'NONE').toUpperCase(),
    location: (asString(s.location) ?? 'MESH_EXTERNAL').toUpperCase(),
    exportTo: Array.isArray(s.exportTo) ? asStringArray(s.exportTo) : undefined,
    addresses: asArray(s.addresses).flatMap((a, i) => (typeof a === 'string' ? [{ value: a, path: ['spec', 'addresses', i] }] : [])),
    endpointCount: asArray(s.endpoints).length,
    hasWorkloadSelector: isObject(s.workloadSelector),
  };
}

// ---------------------------------------------------------------- DestinationRule

export interface DestinationRuleInfo {
  resource: Resource;
  namespace: string;
  /** Host expanded in the rule's namespace (semantics §3.3). */
  host: string;
  exportTo?: string[];
  /** Set when exportTo is the mesh-wide default (MeshConfig default*ExportTo), applied by the Mesh. */
  exportToDefault?: ExportDefault;
  workloadSelector?: Record<string, string>;
  subsets: { name: string; labels: Record<string, string>; path: FieldPath; trafficPolicy?: JsonObject }[];
  trafficPolicy?: JsonObject;
}

export function destinationRuleInfo(r: Resource): DestinationRuleInfo {
  const s = r.spec;
  const ws = at(s, 'workloadSelector', 'matchLabels');
  return {
    resource: r,
    namespace: r.namespace,
    host: toFqdn(asString(s.host) ?? '', r.namespace),
    exportTo: Array.isArray(s.exportTo) ? asStringArray(s.exportTo) : undefined,
    workloadSelector: isObject(s.workloadSelector) ? stringMap(ws) : undefined,
    subsets: asArray(s.subsets).flatMap((sub, i) =>
      isObject(sub) && typeof sub.name === 'string'
        ? [{ name: sub.name, labels: stringMap(sub.labels), path: ['spec', 'subsets', i], trafficPolicy: isObject(sub.trafficPolicy) ? sub.trafficPolicy : undefined }]
        : [],
    ),
    trafficPolicy: isObject(s.trafficPolicy) ? s.trafficPolicy : undefined,
  };
}

// ---------------------------------------------------------------- Gateway (networking.istio.io only)

export interface GatewayServer {
  index: number;
  path: FieldPath;
  port?: { number: number; name?: string; protocol: Protocol };
  /** Hosts split into namespace part ('*' when absent) and DNS part. */
  hosts: { namespace: string; host: string; raw: string; path: FieldPath }[];
  tlsMode?: string;
  /** Whether the server has a `tls` block (IsTLSServer, IsHTTPServer read its presence). */
  hasTls: boolean;
  /** The `bind` address ('' when unset): servers on different binds get separate listeners. */
  bind: string;
}

export interface GatewayInfo {
  resource: Resource;
  namespace: string;
  name: string;
  /** undefined = no selector (applies to every gateway workload). */
  selector?: Record<string, string>;
  servers: GatewayServer[];
}

export function gatewayInfo(r: Resource): GatewayInfo {
  const s = r.spec;
  return {
    resource: r,
    namespace: r.namespace,
    name: r.name,
    selector: isObject(s.selector) ? stringMap(s.selector) : undefined,
    servers: asArray(s.servers).flatMap((srv, index): GatewayServer[] => {
      if (!isObject(srv)) return [];
      const port = isObject(srv.port) && typeof srv.port.number === 'number' ? { number: srv.port.number, name: asString(srv.port.name), protocol: parseProtocol(srv.port.protocol) } : undefined;
      return [
        {
          index,
          path: ['spec', 'servers', index],
          port,
          hosts: asArray(srv.hosts).flatMap((h, i) => (typeof h === 'string' ? [{ ...splitNamespacedHost(h, r.namespace), raw: h, path: ['spec', 'servers', index, 'hosts', i] }] : [])),
          tlsMode: asString(at(srv, 'tls', 'mode'))?.toUpperCase(),
          hasTls: isObject(srv.tls),
          bind: asString(srv.bind) ?? '',
        },
      ];
    }),
  };
}

// ---------------------------------------------------------------- VirtualService

export type RouteKind = 'http' | 'tls' | 'tcp';

export type GatewayRef = { mesh: true; raw: string } | { mesh: false; namespace: string; name: string; raw: string };

/** The forms of a gateway reference (semantics §6). */
export function resolveGatewayRef(ref: string, vsNamespace: string): GatewayRef {
  if (ref === 'mesh') return { mesh: true, raw: ref };
  const slash = ref.indexOf('/');
  if (slash !== -1) {
    const ns = ref.slice(0, slash);
    // Only `./name` means the VS namespace; Istio keeps `/name` as written (namespace '', never found).
    return { mesh: false, namespace: ns === '.' ? vsNamespace : ns, name: ref.slice(slash + 1), raw: ref };
  }
  if (ref.includes('.')) {
    // Legacy `name.namespace[.svc.cluster.local]` form.
    const parts = ref.split('.');
    return { mesh: false, namespace: parts[1]!, name: parts[0]!, raw: ref };
  }
  return { mesh: false, namespace: vsNamespace, name: ref, raw: ref };
}

export function gatewayRefKey(g: GatewayRef): string {
  return g.mesh ? 'mesh' : `${g.namespace}/${g.name}`;
}

export interface RouteDestination {
  vs: VirtualServiceInfo;
  kind: RouteKind;
  ruleIndex: number;
  /** Path of the destination object (…, 'route', k, 'destination') or of 'mirror'. */
  path: FieldPath;
  /** Host expanded in the VirtualService's namespace. */
  host: string;
  rawHost: string;
  subset?: string;
  port?: number;
  mirror: boolean;
  /** Gateways this rule applies to: its match.gateways when given, else the VS's gateways. */
  gateways: GatewayRef[];
}

export interface RouteRule {
  kind: RouteKind;
  index: number;
  path: FieldPath;
  /** Each match with its own fields of interest. */
  matches: { path: FieldPath; port?: number; sniHosts?: { host: string; path: FieldPath }[]; gateways?: { ref: GatewayRef; path: FieldPath }[] }[];
  gateways: GatewayRef[];
  /**
   * The Host (HTTP/1.1) or :authority (HTTP/2) an HTTP rule sends to the next hop instead of the
   * one matched: `rewrite.authority`, or a `headers.request.set` of `host`/`:authority` (Istio's
   * translateRoute, pilot/pkg/networking/core/route/route.go, turns either into Envoy's
   * HostRewriteLiteral; validation.go validateAuthorityRewrite allows only one of them). An egress
   * gateway behind this rule routes by the rewritten host.
   */
  authority?: { host: string; path: FieldPath };
}

export interface VirtualServiceInfo {
  resource: Resource;
  namespace: string;
  hosts: { host: string; raw: string; path: FieldPath }[];
  /** spec.gateways resolved; ['mesh'] when omitted. */
  gateways: { ref: GatewayRef; path: FieldPath }[];
  gatewaysExplicit: boolean;
  exportTo?: string[];
  /** Set when exportTo is the mesh-wide default (MeshConfig default*ExportTo), applied by the Mesh. */
  exportToDefault?: ExportDefault;
  rules: RouteRule[];
  destinations: RouteDestination[];
}

function authorityRewriteOf(rule: JsonObject, rulePath: FieldPath): RouteRule['authority'] {
  const rewrite = asString(at(rule, 'rewrite', 'authority'));
  if (rewrite) return { host: rewrite.toLowerCase(), path: [...rulePath, 'rewrite', 'authority'] };
  const set = at(rule, 'headers', 'request', 'set');
  if (!isObject(set)) return undefined;
  for (const [k, v] of Object.entries(set)) {
    const name = k.toLowerCase();
    if ((name === 'host' || name === ':authority') && typeof v === 'string' && v) return { host: v.toLowerCase(), path: [...rulePath, 'headers', 'request', 'set', k] };
  }
  return undefined;
}

export function virtualServiceInfo(r: Resource): VirtualServiceInfo {
  const s = r.spec;
  const ns = r.namespace;
  const explicit = Array.isArray(s.gateways) && s.gateways.length > 0;
  const gateways = explicit
    ? asArray(s.gateways).flatMap((g, i) => (typeof g === 'string' ? [{ ref: resolveGatewayRef(g, ns), path: ['spec', 'gateways', i] as FieldPath }] : []))
    : [{ ref: { mesh: true, raw: 'mesh' } as GatewayRef, path: ['spec', 'gateways'] as FieldPath }];
  const vs: VirtualServiceInfo = {
    resource: r,
    namespace: ns,
    hosts: asArray(s.hosts).flatMap((h, i) => (typeof h === 'string' ? [{ host: toFqdn(h, ns), raw: h, path: ['spec', 'hosts', i] as FieldPath }] : [])),
    gateways,
    gatewaysExplicit: explicit,
    exportTo: Array.isArray(s.exportTo) ? asStringArray(s.exportTo) : undefined,
    rules: [],
    destinations: [],
  };
  for (const kind of ['http', 'tls', 'tcp'] as const) {
    asArray(s[kind]).forEach((rule, index) => {
      if (!isObject(rule)) return;
      const rulePath: FieldPath = ['spec', kind, index];
      const matches = asArray(rule.match).flatMap((m, j) => {
        if (!isObject(m)) return [];
        const mp: FieldPath = [...rulePath, 'match', j];
        return [
          {
            path: mp,
            port: typeof m.port === 'number' ? m.port : undefined,
            sniHosts: Array.isArray(m.sniHosts) ? asArray(m.sniHosts).flatMap((h, k) => (typeof h === 'string' ? [{ host: h.toLowerCase(), path: [...mp, 'sniHosts', k] as FieldPath }] : [])) : undefined,
            gateways: Array.isArray(m.gateways)
              ? asArray(m.gateways).flatMap((g, k) => (typeof g === 'string' ? [{ ref: resolveGatewayRef(g, ns), path: [...mp, 'gateways', k] as FieldPath }] : []))
              : undefined,
          },
        ];
      });
      // A rule applies to the union of its matches' gateways; a match without gateways uses the VS's.
      const ruleGateways = ruleGatewaysOf(matches, gateways.map((g) => g.ref));
      const rr: RouteRule = { kind, index, path: rulePath, matches, gateways: ruleGateways };
      if (kind === 'http') rr.authority = authorityRewriteOf(rule, rulePath);
      vs.rules.push(rr);
      const addDest = (d: unknown, path: FieldPath, mirror: boolean) => {
        if (!isObject(d)) return;
        const rawHost = asString(d.host) ?? '';
        vs.destinations.push({
          vs,
          kind,
          ruleIndex: index,
          path,
          host: toFqdn(rawHost, ns),
          rawHost,
          subset: asString(d.subset) || undefined,
          port: typeof at(d, 'port', 'number') === 'number' ? (at(d, 'port', 'number') as number) : undefined,
          mirror,
          gateways: ruleGateways,
        });
      };
      asArray(rule.route).forEach((rt, k) => {
        if (isObject(rt)) addDest(rt.destination, [...rulePath, 'route', k, 'destination'], false);
      });
      if (kind === 'http') {
        if (isObject(rule.mirror)) addDest(rule.mirror, [...rulePath, 'mirror'], true);
        asArray(rule.mirrors).forEach((m, k) => {
          if (isObject(m)) addDest(m.destination, [...rulePath, 'mirrors', k, 'destination'], true);
        });
      }
    });
  }
  return vs;
}

function ruleGatewaysOf(matches: RouteRule['matches'], vsGateways: GatewayRef[]): GatewayRef[] {
  if (matches.length === 0) return vsGateways;
  const seen = new Map<string, GatewayRef>();
  for (const m of matches) {
    for (const g of m.gateways ? m.gateways.map((x) => x.ref) : vsGateways) seen.set(gatewayRefKey(g), g);
  }
  return [...seen.values()];
}

// ---------------------------------------------------------------- Sidecar

export interface SidecarInfo {
  resource: Resource;
  namespace: string;
  workloadSelector?: Record<string, string>;
  /** undefined when the Sidecar has no egress section (imports `*\/*`). */
  egressHosts?: { namespace: string; host: string; raw: string; path: FieldPath }[];
  outboundMode?: string;
  outboundModePath: FieldPath;
}

export function sidecarInfo(r: Resource): SidecarInfo {
  const s = r.spec;
  const egress = Array.isArray(s.egress) ? s.egress : undefined;
  return {
    resource: r,
    namespace: r.namespace,
    workloadSelector: isObject(s.workloadSelector) ? stringMap(s.workloadSelector.labels) : undefined,
    egressHosts: egress
      ? egress.flatMap((l, i) =>
          isObject(l)
            ? asArray(l.hosts).flatMap((h, j) => (typeof h === 'string' ? [{ ...splitNamespacedHost(h, r.namespace), raw: h, path: ['spec', 'egress', i, 'hosts', j] as FieldPath }] : []))
            : [],
        )
      : undefined,
    outboundMode: asString(at(s, 'outboundTrafficPolicy', 'mode'))?.toUpperCase(),
    outboundModePath: ['spec', 'outboundTrafficPolicy', 'mode'],
  };
}

// ---------------------------------------------------------------- Workloads (pod templates)

export interface ContainerInfo {
  name: string;
  value: JsonObject;
  path: FieldPath;
}

export interface Workload {
  resource: Resource;
  namespace: string;
  /** Path of the pod template (object with metadata and spec). [] for a Pod. */
  templatePath: FieldPath;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  containers: ContainerInfo[];
  podSpec: JsonObject;
  /** Set for gateway workloads declared by an IstioOperator component rather than a pod template. */
  fromOperator?: { component: 'egressGateways' | 'ingressGateways'; name: string };
}

export function workloadOf(r: Resource): Workload | undefined {
  let templatePath: FieldPath;
  if (r.kind === 'Pod') templatePath = [];
  else if (r.kind === 'CronJob') templatePath = ['spec', 'jobTemplate', 'spec', 'template'];
  else templatePath = ['spec', 'template'];
  const tpl = templatePath.length === 0 ? r.raw : at(r.raw, ...templatePath);
  if (!isObject(tpl)) return undefined;
  const meta = isObject(tpl.metadata) ? tpl.metadata : {};
  const podSpec = isObject(tpl.spec) ? tpl.spec : {};
  const containers: ContainerInfo[] = [];
  for (const key of ['initContainers', 'containers'] as const) {
    asArray(podSpec[key]).forEach((c, i) => {
      if (isObject(c)) containers.push({ name: asString(c.name) ?? '', value: c, path: [...templatePath, 'spec', key, i] });
    });
  }
  return {
    resource: r,
    namespace: r.namespace,
    templatePath,
    labels: stringMap(meta.labels),
    annotations: stringMap(meta.annotations),
    containers,
    podSpec,
  };
}
