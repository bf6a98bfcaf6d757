// References to hosts outside the cluster, and whether the registry a proxy sees declares them
// (semantics §1.2 effects of REGISTRY_ONLY, §2 registry and visibility, §3.1 ExternalName targets).
// Built once per Mesh (WeakMap) and shared by missing-service-entry and service-entry-not-exported.
import type { FieldPath, Resource } from '../types.js';
import { isEgressGateway, ruleClients, HostIndex } from './egress.js';
import { gatewayModel, isGatewayWorkload } from './gateways.js';
import { describeExportTo } from './export-defaults.js';
import { exportedTo, isValidDnsName, isWildcard } from './hosts.js';
import { parseIp } from './ip.js';
import type { ContainerInfo, ServiceEntryInfo, SidecarInfo, Workload } from './kinds.js';
import { isIpLiteral, type Mesh, type PolicyDecision, type RegistryAnswer } from './mesh.js';
import { asArray, asString, at, formatPath, isObject } from './resource.js';
import { namespacePolicy, registryOnlyEnforced, whyModeNotEnforced, workloadPolicy } from './policy.js';
import { extractUrlHosts, type UrlHost } from './urls.js';
import { pushAll } from '../util/collections.js';

export type HostRefKind = 'vs-host' | 'route-destination' | 'mirror' | 'dr-host' | 'gateway-host' | 'sidecar-egress' | 'external-name' | 'workload-url';

/** A proxy (or set of proxies) that needs the referenced host in its registry. */
export interface HostConsumer {
  namespace: string;
  labels?: Record<string, string>;
  /** Gateways ignore Sidecar resources (§1.1): a Sidecar's egress.hosts never hides a host from them. */
  ignoresSidecar: boolean;
  policy: PolicyDecision;
  /** For messages, when it differs from the referencing resource: "Deployment shop/checkout". */
  who?: string;
}

export interface HostReference {
  kind: HostRefKind;
  /** Configuration of the mesh, or a URL a workload calls. */
  origin: 'config' | 'workload';
  resource: Resource;
  path: FieldPath;
  /** Lower-case host (IPv6 without brackets); may be a wildcard for configuration references. */
  host: string;
  port?: number;
  /** Who references it, for messages: "spec.hosts[0] of VirtualService shop/x", "env STRIPE_URL of Deployment shop/checkout". */
  what: string;
  consumers: HostConsumer[];
  /** Sidecar egress host `ns/host`: only ServiceEntries declared in `ns` can be imported ('*' = any). */
  importNamespace?: string;
  sidecar?: SidecarInfo;
}

export type HiddenBy =
  | { kind: 'export'; entries: ServiceEntryInfo[] }
  | { kind: 'sidecar'; sidecar: NonNullable<RegistryAnswer['sidecar']>; entries: ServiceEntryInfo[] }
  | { kind: 'import-namespace'; namespace: string; entries: ServiceEntryInfo[] };

export interface RegistryProblem {
  ref: HostReference;
  consumer: HostConsumer;
  status: 'missing' | 'hidden';
  /** For status 'hidden': what keeps the existing ServiceEntries from the consumer. */
  hiddenBy?: HiddenBy;
}

// ---------------------------------------------------------------- which hosts are external

/**
 * Generic top-level domains seen on public hosts. Two-label names whose last label is neither one of
 * these nor a two-letter country code are read as `service.namespace` (a namespace the input does not
 * show), not as public names: `httpbin.foo` is far more likely a Service than a host on the Internet.
 */
const PUBLIC_TLDS = new Set(
  (
    'com net org edu gov mil int info biz name pro mobi aero asia cat coop jobs museum tel travel arpa ' +
    'io dev app ai cloud tech online site store shop xyz blog news page web digital network systems services ' +
    'solutions software email media link live life world today group global company center zone space website ' +
    'host run tools engineering codes health bank finance money pay google amazon aws azure microsoft apple example'
  ).split(' '),
);

function hasPublicSuffix(host: string): boolean {
  const last = host.slice(host.lastIndexOf('.') + 1);
  return /^[a-z]{2}$/.test(last) || PUBLIC_TLDS.has(last);
}

/**
 * Whether a host names something inside the cluster: what Mesh.isClusterLocal says (short names,
 * `name.ns` of a known namespace, `*.svc`, the cluster domain), plus `name.ns` forms whose second
 * label is no public top-level domain.
 */
export function looksClusterLocal(mesh: Mesh, host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  // A wildcard is cluster-local when what it covers is: `*.local` (the mesh-wide DestinationRule host), `*.svc.cluster.local`.
  if (h.startsWith('*.')) {
    const rest = h.slice(2);
    return rest.includes('.') ? looksClusterLocal(mesh, rest) : !hasPublicSuffix(rest);
  }
  if (mesh.isClusterLocal(h)) return true;
  if (isIpLiteral(h)) return false;
  const labels = h.split('.');
  return labels.length === 2 && !hasPublicSuffix(h);
}

/** `name` → `name.<ns>.svc.cluster.local`, `name.ns` and `name.ns.svc` → the FQDN; others unchanged. */
export function expandClusterLocal(host: string, namespace: string): string {
  const h = host.toLowerCase().replace(/\.$/, '');
  if (h.endsWith('.svc')) return `${h}.cluster.local`;
  const labels = h.split('.');
  if (labels.length === 1) return `${h}.${namespace}.svc.cluster.local`;
  if (labels.length === 2) return `${h}.svc.cluster.local`;
  return h;
}

/** Address ranges that are in-cluster, node-local or not unicast (documentation ranges count as external). */
const LOCAL_RANGES = new Set(['unspecified', 'broadcast', 'multicast', 'linkLocal', 'loopback', 'carrierGradeNat', 'private', 'uniqueLocal']);

/**
 * An external host (catalog, missing-service-entry): a valid DNS name (wildcards allowed) that is
 * not cluster-local and not a Kubernetes Service of the model, or a public IP address. Private,
 * loopback and link-local addresses are taken to be in-cluster or node-local.
 */
export function isExternalHost(mesh: Mesh, host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  if (h === '' || h === '*') return false;
  if (isIpLiteral(h)) {
    const ip = parseIp(h);
    return ip !== undefined && !LOCAL_RANGES.has(ip.range());
  }
  if (!isValidDnsName(h)) return false;
  if (looksClusterLocal(mesh, h)) return false;
  return mesh.serviceByHost(h) === undefined;
}

// ---------------------------------------------------------------- references

function collect(mesh: Mesh): HostReference[] {
  const refs: HostReference[] = [];
  const nsConsumer = (namespace: string, labels?: Record<string, string>): HostConsumer => ({
    namespace,
    labels,
    ignoresSidecar: false,
    policy: namespacePolicy(mesh, namespace, labels),
  });
  const gatewayConsumer = (namespace: string, labels?: Record<string, string>): HostConsumer => ({
    namespace,
    labels,
    ignoresSidecar: true,
    policy: mesh.meshPolicy(mesh.revisionOf(namespace, labels)),
  });
  const addConfig = (kind: HostRefKind, resource: Resource, path: FieldPath, host: string, consumers: HostConsumer[], extra: Partial<HostReference> = {}) => {
    const h = host.toLowerCase().replace(/\.$/, '');
    if (consumers.length === 0 || !isExternalHost(mesh, h)) return;
    refs.push({ kind, origin: 'config', resource, path, host: h, what: `${formatPath(path)} of ${resource.ref}`, consumers, ...extra });
  };

  // VirtualService hosts matter to sidecars (`mesh`); a gateway's hosts are its server hosts, below.
  for (const vs of mesh.virtualServices) {
    if (!vs.gateways.some((g) => g.ref.mesh)) continue;
    const consumers = ruleClients(mesh, vs, [{ mesh: true, raw: 'mesh' }]).map((c) => nsConsumer(c.namespace));
    for (const h of vs.hosts) addConfig('vs-host', vs.resource, h.path, h.host, consumers);
  }

  // Route and mirror destinations, needed by whichever proxies evaluate the rule.
  for (const d of mesh.routeDestinations()) {
    if (!d.rawHost) continue;
    const consumers: HostConsumer[] = [];
    for (const ref of d.gateways) {
      for (const c of ruleClients(mesh, d.vs, [ref])) {
        consumers.push(ref.mesh ? nsConsumer(c.namespace) : gatewayConsumer(c.namespace, c.labels));
      }
    }
    addConfig(d.mirror ? 'mirror' : 'route-destination', d.vs.resource, [...d.path, 'host'], d.host, consumers, { port: d.port });
  }

  for (const dr of mesh.destinationRules) {
    addConfig('dr-host', dr.resource, ['spec', 'host'], dr.host, [nsConsumer(dr.namespace, dr.workloadSelector)]);
  }

  for (const gw of mesh.gateways) {
    if (!isEgressGateway(mesh, gw)) continue;
    const pods = gatewayModel(mesh).workloadsOf(gw);
    const consumers = pods.length > 0 ? uniqueBy(pods.map((p) => gatewayConsumer(p.namespace, p.labels)), (c) => c.namespace) : [gatewayConsumer(gw.namespace)];
    for (const server of gw.servers) {
      for (const h of server.hosts) addConfig('gateway-host', gw.resource, h.path, h.host, consumers, { port: server.port?.number });
    }
  }

  for (const sc of mesh.sidecars) {
    for (const e of sc.egressHosts ?? []) {
      if (e.namespace === '~' || e.namespace.startsWith('~')) continue;
      addConfig('sidecar-egress', sc.resource, e.path, e.host, [nsConsumer(sc.namespace, sc.workloadSelector)], { importNamespace: e.namespace, sidecar: sc });
    }
  }

  // ExternalName Services are aliases since 1.21: their target must itself be registered (§3.1).
  if (mesh.istioAtLeast(1, 21)) {
    for (const svc of mesh.services) {
      if (!svc.externalName) continue;
      addConfig('external-name', svc.resource, ['spec', 'externalName'], svc.externalName, [gatewayConsumer(svc.namespace)]);
    }
  }

  pushAll(refs, workloadUrlRefs(mesh));
  return refs;
}

const workloadRefsCache = new WeakMap<Mesh, HostReference[]>();

/**
 * URLs in env values, args and command of every container of a workload in the mesh (sidecar or
 * ambient), and in the ConfigMap values pods load; built once per Mesh.
 */
export function workloadUrlRefs(mesh: Mesh): HostReference[] {
  let refs = workloadRefsCache.get(mesh);
  if (!refs) workloadRefsCache.set(mesh, (refs = collectWorkloadUrlRefs(mesh)));
  return refs;
}

function collectWorkloadUrlRefs(mesh: Mesh): HostReference[] {
  const byKey = new Map<string, HostReference>();
  for (const w of mesh.workloads) {
    // Gateways are proxies themselves (their own hosts are collected from their Gateways); pods
    // outside the mesh call whatever they like, with no proxy to know the registry.
    if (isGatewayWorkload(w)) continue;
    const policy = workloadPolicy(mesh, w);
    if (policy.dataPlane?.kind === 'none') continue;
    const consumer: HostConsumer = { namespace: w.namespace, labels: w.labels, ignoresSidecar: false, policy, who: w.resource.ref };
    // A container running as the proxy's UID or GID is not captured: no outbound mode applies to its calls.
    const uncaptured = new Map((policy.dataPlane?.uncaptured ?? []).map((u) => [u.container, { ...consumer, policy: { ...policy, uncaptured: u } }]));
    forEachWorkloadUrl(
      mesh,
      w,
      (host) => isExternalHost(mesh, host),
      ({ url, resource, path, what, container }) => {
        const by = (container && uncaptured.get(container)) ?? consumer;
        const key = `${resource.doc.file.path}\0${resource.doc.index}\0${JSON.stringify(resource.doc.basePath)}\0${path.join('\0')}\0${url.host}`;
        const existing = byKey.get(key);
        if (existing) {
          if (!existing.consumers.some((c) => c.who === by.who)) existing.consumers.push(by);
          return;
        }
        byKey.set(key, { kind: 'workload-url', origin: 'workload', resource, path, host: url.host, port: url.port, what, consumers: [by] });
      },
    );
  }
  return [...byKey.values()];
}

/** A URL a workload's pods name, and where. */
export interface WorkloadUrl {
  url: UrlHost;
  resource: Resource;
  path: FieldPath;
  /** For people: "env STRIPE_URL of Deployment shop/checkout", "key api of ConfigMap shop/urls". */
  what: string;
  /** The container that reads it; none for a ConfigMap mounted as a volume. */
  container?: ContainerInfo;
}

/**
 * Every URL in the places a workload's applications read addresses from, in this order per
 * container: env values (and the ConfigMap key of a configMapKeyRef), the ConfigMaps of envFrom,
 * command, args; then the ConfigMaps mounted as volumes, directly or projected (their `items`, else
 * every key). Only the URLs whose host `keep` accepts are visited. Shared by the registry rules
 * (external hosts) and the egress map (which also keeps Services standing for outside hosts).
 */
export function forEachWorkloadUrl(mesh: Mesh, w: Workload, keep: (host: string) => boolean, visit: (u: WorkloadUrl) => void): void {
  const ref = w.resource.ref;
  const add = (resource: Resource, path: FieldPath, text: unknown, what: string, container: ContainerInfo | undefined) => {
    if (typeof text !== 'string') return;
    for (const url of extractUrlHosts(text)) if (keep(url.host)) visit({ url, resource, path, what, container });
  };
  const configMap = (name: unknown) => (typeof name === 'string' ? mesh.get('ConfigMap', w.namespace, name) : undefined);
  const addConfigMapKeys = (cm: Resource | undefined, keys: string[] | undefined, container: ContainerInfo | undefined) => {
    const data = cm && isObject(cm.raw.data) ? cm.raw.data : undefined;
    if (!cm || !data) return;
    for (const key of keys ?? Object.keys(data)) add(cm, ['data', key], data[key], `key ${key} of ${cm.ref}`, container);
  };
  for (const c of w.containers) {
    const cv = c.value;
    const inContainer = c.name ? ` of container ${c.name} in ${ref}` : ` of ${ref}`;
    asArray(cv.env).forEach((e, i) => {
      if (!isObject(e)) return;
      const name = asString(e.name) ?? `[${i}]`;
      add(w.resource, [...c.path, 'env', i, 'value'], e.value, `env ${name} of ${ref}`, c);
      const cmRef = at(e, 'valueFrom', 'configMapKeyRef');
      if (isObject(cmRef) && typeof cmRef.key === 'string') addConfigMapKeys(configMap(cmRef.name), [cmRef.key], c);
    });
    asArray(cv.envFrom).forEach((e) => addConfigMapKeys(configMap(at(e, 'configMapRef', 'name')), undefined, c));
    for (const field of ['command', 'args'] as const) {
      asArray(cv[field]).forEach((a, i) => add(w.resource, [...c.path, field, i], a, `${field}[${i}]${inContainer}`, c));
    }
  }
  for (const v of asArray(w.podSpec.volumes)) {
    const sources = isObject(at(v, 'configMap')) ? [at(v, 'configMap')] : asArray(at(v, 'projected', 'sources')).map((s) => at(s, 'configMap'));
    for (const src of sources) {
      if (!isObject(src)) continue;
      const items = Array.isArray(src.items) ? asArray(src.items).flatMap((it) => (typeof at(it, 'key') === 'string' ? [at(it, 'key') as string] : [])) : undefined;
      addConfigMapKeys(configMap(src.name), items, undefined);
    }
  }
}

function uniqueBy<T>(items: T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((t) => (seen.has(key(t)) ? false : (seen.add(key(t)), true)));
}

// ---------------------------------------------------------------- registry answers

interface SeHost {
  se: ServiceEntryInfo;
  host: string;
}

function answerFor(mesh: Mesh, seHosts: HostIndex<SeHost>, ref: HostReference, consumer: HostConsumer): Omit<RegistryProblem, 'ref' | 'consumer'> | undefined {
  if (ref.kind === 'sidecar-egress') return sidecarImportAnswer(mesh, seHosts, ref, consumer);
  // A wildcard reference (`*.wikipedia.org`) is served by any ServiceEntry host it overlaps.
  const hosts = isWildcard(ref.host) ? [ref.host, ...new Set(seHosts.overlapping(ref.host).map((e) => e.host))] : [ref.host];
  let hidden: HiddenBy | undefined;
  for (const h of hosts) {
    const a = mesh.registryLookup(h, consumer.namespace, consumer.labels);
    if (a.status === 'registered' || a.status === 'kubernetes-service') return undefined;
    if (a.status === 'not-imported') {
      if (consumer.ignoresSidecar) return undefined;
      hidden ??= { kind: 'sidecar', sidecar: a.sidecar!, entries: uniqueEntries(a.entries.map((e) => e.se)) };
    } else if (a.status === 'not-exported' && a.entries.length > 0) {
      hidden ??= { kind: 'export', entries: uniqueEntries(a.entries.map((e) => e.se)) };
    }
  }
  return hidden ? { status: 'hidden', hiddenBy: hidden } : { status: 'missing' };
}

/** Sidecar egress host `ns/host`: a ServiceEntry declared in `ns` (any for `*`) and exported to the Sidecar's namespace. */
function sidecarImportAnswer(mesh: Mesh, seHosts: HostIndex<SeHost>, ref: HostReference, consumer: HostConsumer): Omit<RegistryProblem, 'ref' | 'consumer'> | undefined {
  const entries = uniqueEntries(seHosts.overlapping(ref.host).map((e) => e.se));
  if (entries.length === 0) return { status: 'missing' };
  const visible = entries.filter((se) => exportedTo(se.exportTo, se.namespace, consumer.namespace) && !(se.exportTo?.includes('~') ?? false));
  const ns = ref.importNamespace ?? '*';
  if (visible.some((se) => ns === '*' || se.namespace === ns)) return undefined;
  // Another entry of the same Sidecar may import it; then this one is only dead weight.
  if (ref.sidecar && visible.some((se) => mesh.sidecarImports(ref.sidecar, ref.host, se.namespace))) return undefined;
  const inNs = entries.filter((se) => ns === '*' || se.namespace === ns);
  if (inNs.length === 0) return { status: 'hidden', hiddenBy: { kind: 'import-namespace', namespace: ns, entries } };
  return { status: 'hidden', hiddenBy: { kind: 'export', entries: inNs } };
}

function uniqueEntries(list: ServiceEntryInfo[]): ServiceEntryInfo[] {
  return [...new Set(list)];
}

const cache = new WeakMap<Mesh, RegistryProblem[]>();

/**
 * Every external host reference that some proxy needing it cannot find in its registry; one per
 * (resource, field path, host), for the consumer that fares worst (REGISTRY_ONLY first).
 */
export function registryProblems(mesh: Mesh): RegistryProblem[] {
  let out = cache.get(mesh);
  if (out) return out;
  const seHosts = new HostIndex<SeHost>();
  for (const se of mesh.serviceEntries) for (const h of se.hosts) seHosts.add(h.host, { se, host: h.host });
  out = [];
  for (const ref of collect(mesh)) {
    let chosen: RegistryProblem | undefined;
    for (const consumer of ref.consumers) {
      const a = answerFor(mesh, seHosts, ref, consumer);
      if (!a) continue;
      const p: RegistryProblem = { ref, consumer, ...a };
      if (!chosen || (!registryOnlyEnforced(chosen.consumer.policy) && registryOnlyEnforced(consumer.policy))) chosen = p;
    }
    if (chosen) out.push(chosen);
  }
  cache.set(mesh, out);
  return out;
}

/**
 * Severity of a registry problem (catalog): error where a sidecar applies REGISTRY_ONLY to the
 * consumer; otherwise (ALLOW_ANY, or ambient pods, whose ztunnel applies no outbound mode) a warning
 * for configuration, nothing for a workload URL (the call passes through).
 */
export function registrySeverity(p: RegistryProblem): 'error' | 'warning' | undefined {
  if (registryOnlyEnforced(p.consumer.policy)) return 'error';
  return p.ref.origin === 'config' ? 'warning' : undefined;
}

/**
 * For a consumer whose traffic no proxy applies the outbound mode to (ambient pods): why REGISTRY_ONLY
 * does not block an unknown host for it, for messages; undefined where a sidecar applies the mode.
 */
export function registryOnlyNotApplied(policy: PolicyDecision): string | undefined {
  const notEnforced = whyModeNotEnforced(policy);
  return notEnforced && `and REGISTRY_ONLY does not block it: ${notEnforced} (mode ${policy.mode}, set by ${policy.setBy})`;
}

/** The problems of one status that get a finding, each with its severity (registrySeverity). */
export function registryFindings(mesh: Mesh, status: RegistryProblem['status']): { problem: RegistryProblem; severity: 'error' | 'warning' }[] {
  return registryProblems(mesh).flatMap((problem) => {
    const severity = problem.status === status ? registrySeverity(problem) : undefined;
    return severity ? [{ problem, severity }] : [];
  });
}

/** "ServiceEntry infra/api (exportTo: ["."])" for messages, sorted for determinism. */
export function describeEntries(entries: ServiceEntryInfo[]): string {
  return [...entries]
    .map((se) => `${se.resource.ref}${se.exportTo ? ` (${describeExportTo(se)})` : ''}`)
    .sort()
    .join(', ');
}

/** The reference for messages: "env API of Deployment shop/x", "key API of ConfigMap shop/cfg, loaded by Deployment shop/x". */
export function describeReference(p: RegistryProblem): string {
  const who = p.consumer.who && p.consumer.who !== p.ref.resource.ref ? `, loaded by ${p.consumer.who}` : '';
  return `${p.ref.what}${who}`;
}
