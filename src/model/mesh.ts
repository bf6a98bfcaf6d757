// The in-memory mesh: every resource indexed once, and the questions rules ask of it.
// Istio semantics live here (section numbers refer to docs/istio-egress-semantics.md).
import type { FieldPath, JsonObject, Range, Resource, SourceFile } from '../types.js';
import { coveringWildcards, exportedTo, exportScope, ExportScopeIndex, scopesOverlap, type ExportScope, hostCovers, hostsOverlap, isClusterLocalHost, isWildcard, parseServiceFqdn, serviceFqdn } from './hosts.js';
import {
  destinationRuleInfo,
  gatewayInfo,
  modelledKind,
  serviceEntryInfo,
  serviceInfo,
  sidecarInfo,
  virtualServiceInfo,
  workloadOf,
  type DestinationRuleInfo,
  type GatewayInfo,
  type KindName,
  type PortInfo,
  type RouteDestination,
  type ServiceEntryInfo,
  type ServiceInfo,
  type SidecarInfo,
  type VirtualServiceInfo,
  type Workload,
} from './kinds.js';
import type { DataPlane, UncapturedContainer } from './data-plane.js';
import { decidingLayer, meshConfigLayers, type MeshLayer, type OutboundMode } from './policy.js';
import { asArray, asString, at, isObject, labelsMatch, stringMap } from './resource.js';
import { addressInRange } from './ip.js';
import { Assumptions, type AssumptionsInput } from './assumptions.js';
import { applyExportDefault, readExportDefaults, type ExportDefaults } from './export-defaults.js';
import { NamespaceSidecars } from './sidecar-index.js';
import { egressHostsImport, sidecarEgressHostProblem } from './sidecar-hosts.js';
import { asApplied } from './resource-identity.js';
import { addTo, pushAll, pushTo } from '../util/collections.js';

export interface IstioVersion {
  major: number;
  minor: number;
}

/** The newest Istio minor release whose semantics the rules know. */
export const LATEST_ISTIO: IstioVersion = { major: 1, minor: 31 };

/** A problem met while reading the input, reported by the yaml-syntax and not-a-manifest rules. */
export interface LoadNotice {
  ruleId: 'yaml-syntax' | 'not-a-manifest';
  message: string;
  file: SourceFile;
  range: Range;
}

export interface MeshOptions {
  defaultNamespace: string;
  istioVersion: IstioVersion;
  /** From --mesh-config / the config file's meshConfig: wins over sources in the input. */
  meshConfig?: { mode?: OutboundMode; rootNamespace?: string; label: string; config?: unknown };
  /** The config file's `assume:`: resources that exist outside the input. */
  assume?: AssumptionsInput;
}

export interface PolicyDecision {
  mode: OutboundMode;
  /** Human description of what set the mode: "Sidecar shop/default", "ConfigMap istio-system/istio (data.mesh)", "Istio's default". */
  setBy: string;
  resource?: Resource;
  path?: FieldPath;
  /** The Sidecar that scopes the workload's imports, if any. */
  sidecar?: SidecarInfo;
  /** The data plane of the traffic this decision is for (data-plane.ts); absent for gateways, which are proxies themselves. */
  dataPlane?: DataPlane;
  /** Set when the traffic comes from a container the sidecar does not capture (it runs as the proxy's UID or GID). */
  uncaptured?: UncapturedContainer;
}

export type RegistryStatus = 'kubernetes-service' | 'registered' | 'not-imported' | 'not-exported' | 'missing';

export interface RegistryAnswer {
  status: RegistryStatus;
  /** ServiceEntries whose hosts (or address ranges) cover the host, visible or not. */
  entries: { se: ServiceEntryInfo; hostPath?: FieldPath }[];
  service?: ServiceInfo;
  /** The Sidecar that did not import it (status not-imported). */
  sidecar?: SidecarInfo;
}

export interface DestinationRuleLookup {
  /** Rules merged for the chosen host at the chosen level, in input order (semantics §3.3). */
  rules: DestinationRuleInfo[];
  level: 'client' | 'service' | 'root';
  namespace: string;
  host: string;
}

export interface ClientTls {
  mode?: string;
  rule: DestinationRuleInfo;
  /** Path of the `tls` object (or of the mode) that decided it. */
  path: FieldPath;
  hasCertificates: boolean;
}

const EMPTY: readonly never[] = [];

export class Mesh {
  readonly resources: Resource[];
  readonly options: MeshOptions;
  readonly namespaces = new Set<string>();
  readonly services: ServiceInfo[] = [];
  /** Services declared by IstioOperator gateway components (no manifest of their own in the input). */
  readonly operatorServices: (ServiceInfo & { declaredPath: FieldPath })[] = [];
  /** ServiceEntries as the cluster holds them: the ones Istio's validation rejects are in rejectedServiceEntries. */
  readonly serviceEntries: ServiceEntryInfo[] = [];
  readonly rejectedServiceEntries: ServiceEntryInfo[] = [];
  readonly destinationRules: DestinationRuleInfo[] = [];
  readonly virtualServices: VirtualServiceInfo[] = [];
  readonly gateways: GatewayInfo[] = [];
  readonly sidecars: SidecarInfo[] = [];
  /** Sidecars Istio's validation rejects (an invalid egress host): not in the cluster. */
  readonly rejectedSidecars: SidecarInfo[] = [];
  /** Pod templates, plus gateway workloads declared by IstioOperator components. */
  readonly workloads: Workload[] = [];
  /** Every mesh-config source of the input and the CLI's, one layer per field source (§1.1). */
  readonly meshLayers: MeshLayer[];
  readonly rootNamespace: string;
  /** MeshConfig default*ExportTo in force (export-defaults.ts), already applied to the resources' exportTo. */
  readonly exportDefaults: ExportDefaults;
  /** Resources the config file says exist outside the input (assumptions.ts). */
  readonly assumed: Assumptions;

  private readonly byKind = new Map<KindName, Resource[]>();
  private readonly byKey = new Map<string, Resource>();
  private readonly serviceByFqdn = new Map<string, ServiceInfo>();
  private readonly seByHost = new Map<string, { se: ServiceEntryInfo; hostPath: FieldPath }[]>();
  /** The same entries by host and by the namespaces they are exported to (§2): many namespaces often declare one host. */
  private readonly seByHostScope = new Map<string, ExportScopeIndex<{ se: ServiceEntryInfo; hostPath: FieldPath }>>();
  private readonly seWithAddresses: ServiceEntryInfo[] = [];
  /** DestinationRules by namespace, then by host (expanded; wildcards as written), in input order. */
  private readonly drByNsHost = new Map<string, Map<string, DestinationRuleInfo[]>>();
  /** Wildcard DestinationRule hosts not of the `*.suffix` form (`*foo.com`), by namespace: few, so scanned. */
  private readonly drOddWildcardsByNs = new Map<string, Set<string>>();
  private readonly gatewayByKey = new Map<string, GatewayInfo>();
  private readonly sidecarsByNs = new Map<string, SidecarInfo[]>();
  private readonly endpointsByKey = new Map<string, Resource[]>();
  private readonly slicesByService = new Map<string, Resource[]>();
  private readonly workloadsByNs = new Map<string, Workload[]>();
  /** Workloads by one of their labels (`key=value`): a selector is matched against its rarest label only. */
  private readonly workloadsByLabel = new Map<string, Workload[]>();
  /** Services, real and IstioOperator-declared, by namespace. */
  private readonly servicesByNs = new Map<string, ServiceInfo[]>();
  private readonly namespaceRevision = new Map<string, string>();
  private routeDestinationsCache?: RouteDestination[];

  readonly loadProblems: LoadNotice[];
  /** Definitions replaced by a later definition of the same object (resource-identity.ts), each with the one that replaces it; not modelled. */
  readonly supersededDefinitions: ReadonlyMap<Resource, Resource>;
  private supersededEntriesByHost?: Map<string, { definition: Resource; replacedBy: Resource }[]>;

  /**
   * ServiceEntry definitions that declared `host` but that a later definition of the same object
   * replaces (so the host is not registered by them): for messages that would otherwise puzzle.
   */
  supersededEntriesFor(host: string): readonly { definition: Resource; replacedBy: Resource }[] {
    if (!this.supersededEntriesByHost) {
      this.supersededEntriesByHost = new Map();
      for (const [definition, replacedBy] of this.supersededDefinitions) {
        if (definition.group !== 'networking.istio.io' || definition.kind !== 'ServiceEntry') continue;
        for (const h of serviceEntryInfo(definition).hosts) pushTo(this.supersededEntriesByHost, h.host, { definition, replacedBy });
      }
    }
    return this.supersededEntriesByHost.get(host.toLowerCase()) ?? EMPTY;
  }

  /**
   * The objects as the cluster holds them (resource-identity.ts asApplied): an object defined more
   * than once appears once, with its last definition, at the place of its first.
   */
  readonly modelledResources: readonly Resource[];

  constructor(resources: Resource[], options: MeshOptions, loadProblems: LoadNotice[] = []) {
    this.resources = resources;
    this.loadProblems = loadProblems;
    this.options = options;
    this.assumed = new Assumptions(options.assume);
    const entries: ServiceEntryInfo[] = [];
    // An object defined again later in the input: the later definition replaces it (duplicate-resource).
    const applied = asApplied(resources);
    this.supersededDefinitions = applied.superseded;
    this.modelledResources = applied.resources;
    for (const r of this.modelledResources) {
      if (r.namespace) this.namespaces.add(r.namespace);
      const kind = modelledKind(r);
      if (!kind) continue;
      pushTo(this.byKind, kind, r);
      this.byKey.set(`${kind}/${r.namespace}/${r.name}`, r);
      switch (kind) {
        case 'Namespace': {
          this.namespaces.add(r.name);
          const rev = r.labels['istio.io/rev'];
          if (rev) this.namespaceRevision.set(r.name, rev === 'default' ? '' : rev);
          break;
        }
        case 'Service': {
          const s = serviceInfo(r);
          this.services.push(s);
          pushTo(this.servicesByNs, s.namespace, s);
          if (!this.serviceByFqdn.has(s.fqdn)) this.serviceByFqdn.set(s.fqdn, s);
          break;
        }
        case 'ServiceEntry':
          entries.push(serviceEntryInfo(r));
          break;
        case 'DestinationRule': {
          const dr = destinationRuleInfo(r);
          this.destinationRules.push(dr);
          let byHost = this.drByNsHost.get(r.namespace);
          if (!byHost) this.drByNsHost.set(r.namespace, (byHost = new Map()));
          pushTo(byHost, dr.host, dr);
          if (isWildcard(dr.host) && dr.host !== '*' && !dr.host.startsWith('*.')) addTo(this.drOddWildcardsByNs, r.namespace, dr.host);
          break;
        }
        case 'VirtualService':
          this.virtualServices.push(virtualServiceInfo(r));
          break;
        case 'Gateway': {
          const g = gatewayInfo(r);
          this.gateways.push(g);
          if (!this.gatewayByKey.has(`${g.namespace}/${g.name}`)) this.gatewayByKey.set(`${g.namespace}/${g.name}`, g);
          break;
        }
        case 'Sidecar': {
          const sc = sidecarInfo(r);
          // The webhook rejects a Sidecar with an invalid egress host (ValidateSidecar, sidecar-hosts.ts):
          // it does not exist, and the namespace's (or root namespace's) default applies instead.
          const exclusions = this.istioAtLeast(1, 31);
          if (sc.egressHosts?.some((e) => sidecarEgressHostProblem(e.raw, exclusions) !== undefined)) {
            this.rejectedSidecars.push(sc);
            break;
          }
          this.sidecars.push(sc);
          pushTo(this.sidecarsByNs, r.namespace, sc);
          break;
        }
        case 'Endpoints':
          pushTo(this.endpointsByKey, `${r.namespace}/${r.name}`, r);
          break;
        case 'EndpointSlice': {
          const svc = r.labels['kubernetes.io/service-name'];
          if (svc) pushTo(this.slicesByService, `${r.namespace}/${svc}`, r);
          break;
        }
        case 'Workload': {
          const w = workloadOf(r);
          if (w) this.addWorkload(w);
          break;
        }
        case 'IstioOperator':
          this.addOperatorGateways(r);
          break;
        default:
          break;
      }
    }
    this.meshLayers = meshConfigLayers(this.ofKind('ConfigMap'), this.ofKind('IstioOperator'), options.meshConfig);
    this.rootNamespace = decidingLayer(this.meshLayers.filter((l) => l.rootNamespace))?.rootNamespace ?? 'istio-system';
    // An unset exportTo is the mesh default in force (export-defaults.ts), before anything is indexed by scope.
    this.exportDefaults = readExportDefaults(this.meshLayers);
    for (const s of this.services) applyExportDefault(s, this.exportDefaults.service);
    for (const s of this.operatorServices) applyExportDefault(s, this.exportDefaults.service);
    for (const vs of this.virtualServices) applyExportDefault(vs, this.exportDefaults.virtualService);
    for (const dr of this.destinationRules) applyExportDefault(dr, this.exportDefaults.destinationRule);
    for (const se of entries) {
      applyExportDefault(se, this.exportDefaults.service);
      // The webhook rejects an entry with the host `*` (ValidateServiceEntry): it does not exist in the cluster.
      if (se.rejectedHost) {
        this.rejectedServiceEntries.push(se);
        continue;
      }
      this.serviceEntries.push(se);
      const scope = exportScope(se);
      for (const h of se.hosts) {
        const entry = { se, hostPath: h.path };
        pushTo(this.seByHost, h.host, entry);
        let idx = this.seByHostScope.get(h.host);
        if (!idx) this.seByHostScope.set(h.host, (idx = new ExportScopeIndex()));
        idx.add(scope, entry);
      }
      if (se.addresses.length > 0) this.seWithAddresses.push(se);
    }
  }

  // ------------------------------------------------------------ basic access

  ofKind(kind: KindName): Resource[] {
    return this.byKind.get(kind) ?? (EMPTY as unknown as Resource[]);
  }

  get(kind: KindName, namespace: string, name: string): Resource | undefined {
    return this.byKey.get(`${kind}/${namespace}/${name}`);
  }

  /** Istio version at least major.minor (the --istio-version semantics). */
  istioAtLeast(major: number, minor: number): boolean {
    const v = this.options.istioVersion;
    return v.major > major || (v.major === major && v.minor >= minor);
  }

  /** Whether a host can only be a cluster-internal name (short, name.ns, *.svc.cluster.local). */
  isClusterLocal(host: string): boolean {
    return isClusterLocalHost(host, this.namespaces);
  }

  serviceByHost(fqdn: string): ServiceInfo | undefined {
    return this.serviceByFqdn.get(fqdn.toLowerCase());
  }

  gateway(namespace: string, name: string): GatewayInfo | undefined {
    return this.gatewayByKey.get(`${namespace}/${name}`);
  }

  /** Endpoints (same name) and EndpointSlices (service-name label) of a Service (semantics §8). */
  endpointsOf(svc: { namespace: string; name: string }): { endpoints: Resource[]; slices: Resource[] } {
    const key = `${svc.namespace}/${svc.name}`;
    return { endpoints: this.endpointsByKey.get(key) ?? [], slices: this.slicesByService.get(key) ?? [] };
  }

  // ------------------------------------------------------------ workloads

  private addWorkload(w: Workload): void {
    this.workloads.push(w);
    pushTo(this.workloadsByNs, w.namespace, w);
    for (const [k, v] of Object.entries(w.labels)) pushTo(this.workloadsByLabel, `${k}=${v}`, w);
  }

  /**
   * Gateways an IstioOperator installs: spec.components.{egress,ingress}Gateways, and the ones its
   * profile enables (demo: both; default: ingress only) unless the component list disables them.
   */
  private addOperatorGateways(r: Resource): void {
    const spec = r.spec;
    const defaultNs = asString(spec.namespace) ?? asString(at(spec, 'values', 'global', 'istioNamespace')) ?? 'istio-system';
    const profile = asString(spec.profile) ?? 'default';
    for (const component of ['egressGateways', 'ingressGateways'] as const) {
      const kind = component === 'egressGateways' ? 'egress' : 'ingress';
      const defaults = { app: `istio-${kind}gateway`, istio: `${kind}gateway` };
      const listed = asArray(at(spec, 'components', component));
      const names = new Set<string>();
      listed.forEach((c, i) => {
        if (!isObject(c)) return;
        const name = asString(c.name) ?? `istio-${kind}gateway`;
        names.add(name);
        if (c.enabled === false) return;
        this.addOperatorGateway(r, component, name, asString(c.namespace) ?? defaultNs, { ...defaults, ...stringMap(c.label) }, c, ['spec', 'components', component, i]);
      });
      const profileEnables = profile === 'demo' || (kind === 'ingress' && (profile === 'default' || profile === 'preview'));
      const implicit = `istio-${kind}gateway`;
      if (profileEnables && !names.has(implicit)) this.addOperatorGateway(r, component, implicit, defaultNs, defaults, {}, ['spec', 'profile']);
    }
  }

  private addOperatorGateway(r: Resource, component: 'egressGateways' | 'ingressGateways', name: string, namespace: string, labels: Record<string, string>, c: JsonObject, path: FieldPath): void {
    this.namespaces.add(namespace);
    // The gateways chart also stamps these on the pods, and Gateways select on them (blog "On Demand
    // Egress Gateways"); the Service selects only the component's labels.
    const podLabels = {
      'service.istio.io/canonical-name': name,
      'operator.istio.io/component': component === 'egressGateways' ? 'EgressGateways' : 'IngressGateways',
      'sidecar.istio.io/inject': 'false',
      ...labels,
    };
    this.addWorkload({ resource: r, namespace, templatePath: path, labels: podLabels, annotations: {}, containers: [], podSpec: {}, fromOperator: { component, name } });
    const declared = asArray(at(c, 'k8s', 'service', 'ports'));
    const defaults =
      component === 'egressGateways'
        ? [
            { port: 80, name: 'http2', targetPort: 8080 },
            { port: 443, name: 'https', targetPort: 8443 },
          ]
        : [
            { port: 15021, name: 'status-port', targetPort: 15021 },
            { port: 80, name: 'http2', targetPort: 8080 },
            { port: 443, name: 'https', targetPort: 8443 },
          ];
    const ports: PortInfo[] = (declared.length > 0 ? declared : defaults).flatMap((p, i) =>
      isObject(p) && typeof p.port === 'number'
        ? [{ number: p.port, name: asString(p.name), protocol: 'UNKNOWN' as const, targetPort: typeof p.targetPort === 'number' ? p.targetPort : undefined, path: [...path, 'k8s', 'service', 'ports', i] }]
        : [],
    );
    const svc = { resource: r, name, namespace, fqdn: serviceFqdn(name, namespace), type: 'LoadBalancer', selector: labels, ports, declaredPath: path };
    this.operatorServices.push(svc);
    pushTo(this.servicesByNs, namespace, svc);
    if (!this.serviceByFqdn.has(svc.fqdn)) this.serviceByFqdn.set(svc.fqdn, svc);
  }

  /** Workloads whose labels a selector matches; in one namespace, or in every namespace when omitted. */
  /** The workloads (pod templates) of a namespace, in input order. */
  workloadsIn(namespace: string): readonly Workload[] {
    return this.workloadsByNs.get(namespace) ?? EMPTY;
  }

  workloadsMatching(selector: Record<string, string>, namespace?: string): Workload[] {
    let pool = namespace === undefined ? this.workloads : (this.workloadsByNs.get(namespace) ?? []);
    for (const [k, v] of Object.entries(selector)) {
      const withLabel = this.workloadsByLabel.get(`${k}=${v}`) ?? [];
      if (withLabel.length < pool.length) pool = withLabel;
    }
    return pool.filter((w) => (namespace === undefined || w.namespace === namespace) && labelsMatch(selector, w.labels));
  }

  /** Services (real, then declared by an IstioOperator) in the workload's namespace that select it. */
  servicesSelecting(w: Workload): ServiceInfo[] {
    const own = (this.servicesByNs.get(w.namespace) ?? []).filter((s) => s.selector !== undefined && Object.keys(s.selector).length > 0 && labelsMatch(s.selector, w.labels));
    return [...own.filter((s) => s.resource.kind === 'Service'), ...own.filter((s) => s.resource.kind !== 'Service')];
  }

  // ------------------------------------------------------------ outbound policy (§1)

  /** Control-plane revision of a namespace / pod: `istio.io/rev` on the pod, else on the Namespace. */
  revisionOf(namespace: string, labels?: Record<string, string>): string {
    const podRev = labels?.['istio.io/rev'];
    if (podRev !== undefined) return podRev === 'default' ? '' : podRev;
    return this.namespaceRevision.get(namespace) ?? '';
  }

  /**
   * The mesh-wide mode for a revision, with the layer that set it (§1.1 precedence, policy.ts): a
   * revision without a mesh config of its own in the input is taken to share the default revision's.
   */
  meshPolicy(revision = ''): PolicyDecision {
    const pick = (rev: string) => decidingLayer(this.meshLayers.filter((l) => l.mode && (l.revision === undefined || l.revision === rev)));
    const layer = pick(revision) ?? (revision !== '' ? pick('') : undefined);
    if (layer?.mode) return { mode: layer.mode, setBy: layer.label, resource: layer.resource, path: layer.modePath };
    return { mode: 'ALLOW_ANY', setBy: "Istio's default (no mesh config in the input)" };
  }

  /** The Sidecar that applies to a workload (selector Sidecar, namespace Sidecar, root-namespace Sidecar). */
  sidecarFor(namespace: string, labels?: Record<string, string>): SidecarInfo | undefined {
    const own = this.namespaceSidecars(namespace);
    if (labels) {
      const sel = own.selecting(labels);
      if (sel) return sel;
    }
    if (own.namespaceWide) return own.namespaceWide;
    if (own.size > 0) return undefined; // the root Sidecar applies only to namespaces without any Sidecar
    return this.namespaceSidecars(this.rootNamespace).namespaceWide;
  }

  private readonly sidecarIndexes = new Map<string, NamespaceSidecars>();

  private namespaceSidecars(namespace: string): NamespaceSidecars {
    let idx = this.sidecarIndexes.get(namespace);
    if (!idx) this.sidecarIndexes.set(namespace, (idx = new NamespaceSidecars(this.sidecarsByNs.get(namespace) ?? [])));
    return idx;
  }

  /** Effective outbound policy for a namespace (and a workload's labels when known), §1.1. */
  effectivePolicy(namespace: string, labels?: Record<string, string>): PolicyDecision {
    const sidecar = this.sidecarFor(namespace, labels);
    if (sidecar?.outboundMode === 'ALLOW_ANY' || sidecar?.outboundMode === 'REGISTRY_ONLY') {
      return { mode: sidecar.outboundMode, setBy: sidecar.resource.ref, resource: sidecar.resource, path: sidecar.outboundModePath, sidecar };
    }
    return { ...this.meshPolicy(this.revisionOf(namespace, labels)), sidecar };
  }

  // ------------------------------------------------------------ registry and visibility (§2)

  /** ServiceEntries whose hosts cover `host`: exact entries first, then wildcards from most specific. */
  serviceEntriesForHost(host: string): { se: ServiceEntryInfo; hostPath: FieldPath }[] {
    const h = host.toLowerCase();
    const out = [...(this.seByHost.get(h) ?? [])];
    for (const pattern of coveringWildcards(h)) {
      if (pattern === h) continue;
      const found = this.seByHost.get(pattern);
      if (found) pushAll(out, found);
    }
    return out;
  }

  /** The first of serviceEntriesForHost, without listing them all. */
  firstServiceEntryFor(host: string): { se: ServiceEntryInfo; hostPath: FieldPath } | undefined {
    const h = host.toLowerCase();
    for (const pattern of [h, ...coveringWildcards(h)]) {
      const found = this.seByHost.get(pattern);
      if (found) return found[0];
    }
    return undefined;
  }

  /** serviceEntriesForHost exported to a namespace (exportTo `~` hides an entry from all), lazily. */
  private *serviceEntriesSeenFrom(host: string, namespace: string): Generator<{ se: ServiceEntryInfo; hostPath: FieldPath }> {
    const h = host.toLowerCase();
    for (const pattern of [h, ...coveringWildcards(h).filter((p) => p !== h)]) {
      const idx = this.seByHostScope.get(pattern);
      if (idx) yield* idx.seenFrom(namespace);
    }
  }

  /**
   * Whether a registry host (Service FQDN or ServiceEntry host) is visible from some namespace of
   * `scope` (exportTo, semantics §2; an unset exportTo is the mesh default, export-defaults.ts).
   * undefined when the input defines no Service or ServiceEntry for it.
   */
  hostVisibleFromScope(host: string, scope: ExportScope): { visible: boolean; definedBy: (ServiceInfo | ServiceEntryInfo)[] } | undefined {
    const svc = this.serviceByFqdn.get(host.toLowerCase());
    const entries = this.serviceEntriesForHost(host).map((e) => e.se);
    const definedBy: (ServiceInfo | ServiceEntryInfo)[] = svc ? [svc, ...entries] : entries;
    if (definedBy.length === 0) return undefined;
    return { visible: definedBy.some((d) => scopesOverlap(exportScope(d), scope)), definedBy };
  }

  /** ServiceEntries whose `addresses` contain an IP address. */
  serviceEntriesForAddress(ip: string): ServiceEntryInfo[] {
    return this.seWithAddresses.filter((se) => se.addresses.some((a) => addressInRange(ip, a.value)));
  }

  /** Whether a Sidecar imports a host declared in namespace `declaredIn` (§2, egress.hosts). */
  sidecarImports(sidecar: SidecarInfo | undefined, host: string, declaredIn: string): boolean {
    if (!sidecar || !sidecar.egressHosts) return true;
    return egressHostsImport(sidecar.egressHosts, host, declaredIn, this.istioAtLeast(1, 31));
  }

  /**
   * Is `host` known to a proxy in `fromNamespace` (with the workload's labels when known)? A
   * Kubernetes Service name, or a ServiceEntry exported to the namespace and imported by its Sidecar.
   */
  registryLookup(host: string, fromNamespace: string, labels?: Record<string, string>): RegistryAnswer {
    const h = host.toLowerCase();
    const sidecar = this.sidecarFor(fromNamespace, labels);
    const svc = this.serviceByFqdn.get(h);
    if (svc) {
      const visible = exportedTo(svc.exportTo, svc.namespace, fromNamespace);
      if (visible && this.sidecarImports(sidecar, h, svc.namespace)) return { status: 'kubernetes-service', entries: [], service: svc };
    }
    if (!isIpLiteral(h)) {
      // The usual answer first, without listing every entry of a host that many namespaces declare.
      for (const e of this.serviceEntriesSeenFrom(h, fromNamespace)) {
        if (!this.sidecarImports(sidecar, h, e.se.namespace)) continue;
        const lookup = () => this.serviceEntriesForHost(h);
        return { status: 'registered', get entries() { return lookup(); }, service: svc };
      }
    }
    const entries = isIpLiteral(h) ? this.serviceEntriesForAddress(h).map((se) => ({ se })) : this.serviceEntriesForHost(h);
    const visible = entries.filter((e) => exportedTo(e.se.exportTo, e.se.namespace, fromNamespace) && !(e.se.exportTo?.includes('~') ?? false));
    if (visible.some((e) => this.sidecarImports(sidecar, h, e.se.namespace))) return { status: 'registered', entries, service: svc };
    if (visible.length > 0) return { status: 'not-imported', entries, sidecar, service: svc };
    if (svc) return { status: 'not-exported', entries, service: svc };
    if (entries.length > 0) return { status: 'not-exported', entries };
    // Registered by a ServiceEntry outside the input, as the config file's `assume.hosts` says.
    if (this.assumed.host(h)) return { status: 'registered', entries };
    return { status: 'missing', entries };
  }

  /** Namespace of the service behind a host: the Kubernetes Service's, else the first ServiceEntry's. */
  serviceNamespaceOf(host: string): string | undefined {
    const svc = this.serviceByFqdn.get(host.toLowerCase());
    if (svc) return svc.namespace;
    const parsed = parseServiceFqdn(host);
    if (parsed) return parsed.namespace;
    return this.firstServiceEntryFor(host)?.se.namespace;
  }

  // ------------------------------------------------------------ DestinationRule lookup (§3.3)

  /**
   * The DestinationRule(s) a client in `clientNamespace` uses for `host`: client namespace, then the
   * service's namespace, then the root namespace; the first level with a match wins; within a level
   * an exact host beats wildcards and the longest wildcard wins; same-host rules at one level merge.
   */
  destinationRuleFor(host: string, clientNamespace: string, clientLabels?: Record<string, string>): DestinationRuleLookup | undefined {
    const h = host.toLowerCase();
    const levels: { level: DestinationRuleLookup['level']; ns: string }[] = [{ level: 'client', ns: clientNamespace }];
    const svcNs = this.serviceNamespaceOf(h);
    if (svcNs && svcNs !== clientNamespace) levels.push({ level: 'service', ns: svcNs });
    // A proxy in the root namespace (e.g. an egress gateway in istio-system) looks first only at the
    // root namespace's private rules, then the service's namespace, then the root's exported rules
    // (push_context.go#destinationRule), so a mesh-wide `*.local` rule does not hide a service's own.
    const clientIsRoot = clientNamespace === this.rootNamespace;
    if (clientIsRoot || this.rootNamespace !== svcNs) levels.push({ level: 'root', ns: this.rootNamespace });
    // Hosts a rule may be written for to cover `h`, most specific first: the exact host wins over
    // wildcards and the longest wildcard wins (only one wildcard of each length can cover a host).
    const patterns = [h, ...coveringWildcards(h).filter((p) => p !== h)];
    for (const { level, ns } of levels) {
      const byHost = this.drByNsHost.get(ns);
      if (!byHost) continue;
      const applies = (dr: DestinationRuleInfo) => {
        if (clientIsRoot && level !== 'service' && isPrivateRule(dr) !== (level === 'client')) return false;
        // Selector rules are private to their namespace and apply only to the workloads they select.
        if (dr.workloadSelector) return ns === clientNamespace && !!clientLabels && labelsMatch(dr.workloadSelector, clientLabels);
        return exportedTo(dr.exportTo, ns, clientNamespace);
      };
      const odd = [...(this.drOddWildcardsByNs.get(ns) ?? [])].filter((p) => hostCovers(p, h));
      const ordered = odd.length === 0 ? patterns : [h, ...[...patterns.slice(1), ...odd].sort((a, b) => b.length - a.length)];
      for (const pattern of ordered) {
        if (pattern === '') continue;
        const chosen = (byHost.get(pattern) ?? []).filter(applies);
        if (chosen.length === 0) continue;
        // Selector rules come first when merging.
        const rules = [...chosen.filter((d) => d.workloadSelector), ...chosen.filter((d) => !d.workloadSelector)];
        return { rules, level, namespace: ns, host: pattern };
      }
    }
    return undefined;
  }

  /** Subset of a merged lookup by name (first definition wins). */
  subsetOf(lookup: DestinationRuleLookup, name: string): { rule: DestinationRuleInfo; subset: DestinationRuleInfo['subsets'][number] } | undefined {
    for (const rule of lookup.rules) {
      const subset = rule.subsets.find((s) => s.name === name);
      if (subset) return { rule, subset };
    }
    return undefined;
  }

  /**
   * The client TLS settings the lookup gives for a port and subset (§3.2, §5): the subset's policy
   * overrides the top level field by field; a matching portLevelSettings entry replaces `tls`.
   */
  clientTls(lookup: DestinationRuleLookup, port?: number, subset?: string): ClientTls | undefined {
    const top = lookup.rules.find((r) => r.trafficPolicy);
    const layers: { rule: DestinationRuleInfo; policy: JsonObject; path: FieldPath }[] = [];
    if (subset) {
      const s = this.subsetOf(lookup, subset);
      if (s?.subset.trafficPolicy) layers.push({ rule: s.rule, policy: s.subset.trafficPolicy, path: [...s.subset.path, 'trafficPolicy'] });
    }
    if (top?.trafficPolicy) layers.push({ rule: top, policy: top.trafficPolicy, path: ['spec', 'trafficPolicy'] });
    if (port !== undefined) {
      for (const layer of layers) {
        const pls = asArray(layer.policy.portLevelSettings);
        const i = pls.findIndex((p) => at(p, 'port', 'number') === port);
        if (i !== -1) {
          const tls = at(pls[i], 'tls');
          if (!isObject(tls)) return undefined;
          return tlsOf(layer.rule, tls, [...layer.path, 'portLevelSettings', i, 'tls']);
        }
        if (isObject(layer.policy.tls)) break; // a subset's own tls beats the top level's port settings
      }
    }
    for (const layer of layers) {
      if (isObject(layer.policy.tls)) return tlsOf(layer.rule, layer.policy.tls, [...layer.path, 'tls']);
    }
    return undefined;
  }

  // ------------------------------------------------------------ routes (§5, §6)

  /** Every route and mirror destination of every VirtualService. */
  routeDestinations(): RouteDestination[] {
    this.routeDestinationsCache ??= this.virtualServices.flatMap((vs) => vs.destinations);
    return this.routeDestinationsCache;
  }

  /** Ports of a host as the registry declares them (Kubernetes Service or ServiceEntries). */
  portsOfHost(host: string, fromNamespace: string): PortInfo[] | undefined {
    const svc = this.serviceByFqdn.get(host.toLowerCase());
    if (svc) return svc.ports;
    const seen = new Map<number, PortInfo>();
    let any = false;
    for (const e of this.serviceEntriesSeenFrom(host, fromNamespace)) {
      any = true;
      for (const p of e.se.ports) if (!seen.has(p.number)) seen.set(p.number, p);
    }
    return any ? [...seen.values()] : undefined;
  }

  isWildcardHost(host: string): boolean {
    return isWildcard(host);
  }
}

/** A rule exported only to its own namespace (`.` or its name), or with a workloadSelector (§2: forced private). */
function isPrivateRule(dr: DestinationRuleInfo): boolean {
  if (dr.workloadSelector) return true;
  return dr.exportTo?.length === 1 && (dr.exportTo[0] === '.' || dr.exportTo[0] === dr.namespace);
}

function tlsOf(rule: DestinationRuleInfo, tls: JsonObject, path: FieldPath): ClientTls {
  const hasCertificates = ['clientCertificate', 'privateKey', 'credentialName'].some((k) => typeof tls[k] === 'string' && (tls[k] as string).length > 0);
  return { mode: asString(tls.mode)?.toUpperCase(), rule, path, hasCertificates };
}

export function isIpLiteral(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || (host.includes(':') && /^[0-9a-f:.]+$/i.test(host));
}
