// Endpoints and EndpointSlices written for Services (semantics §8): how they link to their Service,
// which ones a Kubernetes controller made, their ports and addresses, and what the API server and
// Istio do with them.
import type { FieldPath, Resource } from '../types.js';
import { pushTo } from '../util/collections.js';
import { serviceFqdn } from './hosts.js';
import { parseIp, parseIpStrict, parseRange, specialAddressReason } from './ip.js';
import type { Mesh } from './mesh.js';
import type { ServiceInfo } from './kinds.js';
import { asArray, asString, isObject } from './resource.js';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const SKIP_MIRROR_LABEL = 'endpointslice.kubernetes.io/skip-mirror';

/** managed-by values of the Kubernetes controllers: such slices come from a cluster dump, not from a hand. */
const CONTROLLER_MANAGERS = new Set(['endpointslice-controller.k8s.io', 'endpointslicemirroring-controller.k8s.io']);

export interface EndpointPortView {
  /** undefined when the entry has no name (matches only an unnamed Service port). */
  name?: string;
  port?: number;
  /** Where a finding about the name goes: the name, or the port entry when it has none. */
  reportPath: FieldPath;
}

export interface EndpointAddressView {
  value: unknown;
  path: FieldPath;
}

export interface EndpointSetView {
  resource: Resource;
  kind: 'Endpoints' | 'EndpointSlice';
  /** The Service it belongs to: an Endpoints' own name, a slice's service-name label; undefined when unlinked. */
  serviceName?: string;
  /** Path of what links it (metadata.name, or the service-name label). */
  linkPath: FieldPath;
  /** Written by a Kubernetes controller (a dump of a live cluster) rather than by hand. */
  controllerMade: boolean;
  /** EndpointSlice addressType as written (IPv4, IPv6, FQDN). */
  addressType?: string;
  /** Istio and kube-proxy ignore it: an FQDN slice, or Endpoints that EndpointSliceMirroring skips. */
  ignoredBecause?: string;
  /** Port lists: one per Endpoints subset, one for a slice. */
  portGroups: EndpointPortView[][];
  addresses: EndpointAddressView[];
}

export function endpointSetOf(r: Resource): EndpointSetView {
  if (r.kind === 'Endpoints') {
    const subsets = asArray(r.raw.subsets);
    const portGroups: EndpointPortView[][] = [];
    const addresses: EndpointAddressView[] = [];
    subsets.forEach((s, i) => {
      if (!isObject(s)) return;
      portGroups.push(portsOf(s.ports, ['subsets', i, 'ports']));
      for (const key of ['addresses', 'notReadyAddresses'] as const) {
        asArray(s[key]).forEach((a, j) => {
          if (isObject(a)) addresses.push({ value: a.ip, path: ['subsets', i, key, j, 'ip'] });
        });
      }
    });
    const controllerMade = r.annotations['endpoints.kubernetes.io/last-change-trigger-time'] !== undefined || r.labels['endpoints.kubernetes.io/managed-by'] === 'endpoint-controller';
    const skip = r.labels[SKIP_MIRROR_LABEL] === 'true';
    return {
      resource: r,
      kind: 'Endpoints',
      serviceName: r.name || undefined,
      linkPath: ['metadata', 'name'],
      controllerMade,
      ignoredBecause: skip ? `it is labelled ${SKIP_MIRROR_LABEL}: "true", so no EndpointSlice is mirrored from it and Istio never reads it` : undefined,
      portGroups,
      addresses,
    };
  }
  const addressType = asString(r.raw.addressType);
  const addresses: EndpointAddressView[] = [];
  asArray(r.raw.endpoints).forEach((e, i) => {
    if (!isObject(e)) return;
    asArray(e.addresses).forEach((a, j) => addresses.push({ value: a, path: ['endpoints', i, 'addresses', j] }));
  });
  const managedBy = r.labels[MANAGED_BY_LABEL];
  return {
    resource: r,
    kind: 'EndpointSlice',
    serviceName: r.labels[SERVICE_NAME_LABEL] || undefined,
    linkPath: ['metadata', 'labels', SERVICE_NAME_LABEL],
    controllerMade: managedBy !== undefined && CONTROLLER_MANAGERS.has(managedBy),
    addressType,
    ignoredBecause: addressType === 'FQDN' ? 'its addressType is FQDN, which Istio and kube-proxy ignore' : undefined,
    portGroups: [portsOf(r.raw.ports, ['ports'])],
    addresses,
  };
}

function portsOf(v: unknown, base: FieldPath): EndpointPortView[] {
  return asArray(v).flatMap((p, k): EndpointPortView[] => {
    if (!isObject(p)) return [];
    const name = asString(p.name);
    return [
      {
        name: name === '' ? undefined : name,
        port: typeof p.port === 'number' ? p.port : undefined,
        reportPath: name ? [...base, k, 'name'] : [...base, k],
      },
    ];
  });
}

// ---------------------------------------------------------------- index, built once per Mesh

export interface EndpointsIndex {
  sets: EndpointSetView[];
  /** Sets by `namespace/serviceName`. */
  byService: Map<string, EndpointSetView[]>;
  /** Services by name, any namespace (for "the Service lives in another namespace" hints). */
  servicesByName: Map<string, ServiceInfo[]>;
}

const cache = new WeakMap<Mesh, EndpointsIndex>();

export function endpointsIndex(mesh: Mesh): EndpointsIndex {
  let idx = cache.get(mesh);
  if (idx) return idx;
  const sets = [...mesh.ofKind('Endpoints'), ...mesh.ofKind('EndpointSlice')].map(endpointSetOf);
  const byService = new Map<string, EndpointSetView[]>();
  for (const s of sets) {
    if (!s.serviceName) continue;
    pushTo(byService, `${s.resource.namespace}/${s.serviceName}`, s);
  }
  const servicesByName = new Map<string, ServiceInfo[]>();
  for (const svc of mesh.services) pushTo(servicesByName, svc.name, svc);
  idx = { sets, byService, servicesByName };
  cache.set(mesh, idx);
  return idx;
}

/** The Service an endpoint set belongs to, when the input has it. */
export function serviceOfSet(mesh: Mesh, set: EndpointSetView): ServiceInfo | undefined {
  if (!set.serviceName) return undefined;
  const svc = mesh.serviceByHost(serviceFqdn(set.serviceName, set.resource.namespace));
  return svc && svc.resource.kind === 'Service' && svc.name === set.serviceName ? svc : undefined;
}

// ---------------------------------------------------------------- addresses

/**
 * Why an endpoint address is wrong, or undefined when it is fine. `refused`: the API server rejects
 * the object (Kubernetes ValidateEndpointIP / ValidateNonSpecialIP, and IsValidIPv4Address /
 * IsValidIPv6Address for slices of that addressType). `family` is an EndpointSlice's addressType.
 */
export function endpointAddressProblem(value: unknown, family?: string): { reason: string; refused: boolean } | undefined {
  const refused = (reason: string) => ({ reason, refused: true });
  if (typeof value !== 'string') return refused('is not an IP address (write it as a string)');
  const v = value.trim();
  if (v === '') return refused('is empty');
  if (v !== value) return refused('has surrounding spaces, so it is not an IP address');
  const strict = parseIpStrict(v);
  if (!strict) {
    if (v.includes('/') && parseRange(v)) return refused('is a CIDR range, not an address: endpoints take single IPs');
    if (/^\d{1,3}(\.\d{1,3}){3}$/.test(v) && parseIp(v))
      return { reason: 'is written with leading zeros, which Kubernetes reads as decimal and other tools as octal (recent API servers reject it); drop the zeros', refused: false };
    const hostPort = /^\[?([^\]]*)\]?:(\d+)$/.exec(v);
    if (hostPort && parseIpStrict(hostPort[1]!) && (v.startsWith('[') || !hostPort[1]!.includes(':'))) return refused('includes a port: write the IP here and the port in the ports list');
    if (v.includes('%')) return refused('carries an IPv6 zone, which Kubernetes does not accept');
    if (/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?\.?$/i.test(v) && /[a-z]/i.test(v))
      return refused('is a host name, not an IP address: Endpoints and IPv4/IPv6 EndpointSlices take IPs only (for a DNS name use an ExternalName Service or a ServiceEntry with resolution DNS)');
    return refused('is not an IP address');
  }
  const special = specialAddressReason(v);
  if (special) return refused(`is ${special}, which Kubernetes does not allow as an endpoint`);
  if (family === 'IPv4' && strict.kind() !== 'ipv4') return refused('is an IPv6 address in an EndpointSlice of addressType IPv4');
  if (family === 'IPv6' && strict.kind() !== 'ipv6') return refused('is an IPv4 address in an EndpointSlice of addressType IPv6');
  return undefined;
}

// ---------------------------------------------------------------- ports

/** Name of a Service port as endpoints must repeat it ('' for an unnamed port). */
export function servicePortName(p: ServiceInfo['ports'][number]): string {
  return p.name ?? '';
}

/**
 * The Service port an endpoint port probably meant, for the message: same targetPort number, else
 * same port number, else the only port.
 */
export function likelyServicePort(svc: ServiceInfo, port: EndpointPortView): ServiceInfo['ports'][number] | undefined {
  if (port.port !== undefined) {
    const byTarget = svc.ports.filter((p) => p.targetPort === port.port);
    if (byTarget.length === 1) return byTarget[0];
    const byNumber = svc.ports.filter((p) => p.number === port.port && p.targetPort === undefined);
    if (byNumber.length === 1) return byNumber[0];
  }
  return svc.ports.length === 1 ? svc.ports[0] : undefined;
}
