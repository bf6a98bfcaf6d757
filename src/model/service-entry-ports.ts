// ServiceEntry ports as sidecars build listeners for them (semantics §4): which ports take a whole
// port number (no addresses), which entries declare the same host and port, and which entries a
// common namespace sees (exportTo). Built once per Mesh.
import type { FieldPath } from '../types.js';
import { pushTo } from '../util/collections.js';
import { exportScope, type ExportScope } from './hosts.js';
import type { Mesh } from './mesh.js';
import type { PortInfo, ServiceEntryInfo } from './kinds.js';
import { asString, at } from './resource.js';

export interface SePort {
  se: ServiceEntryInfo;
  port: PortInfo;
  /** Protocol as Istio compares it: upper-cased, '' when absent (auto-detected). */
  protocol: string;
  scope: ExportScope;
  /** Path of the port entry. */
  path: FieldPath;
  /** Path of the protocol, or of the port entry when it has none. */
  protocolPath: FieldPath;
}

/**
 * Protocols whose port, without `addresses`, becomes a listener on 0.0.0.0:<port> that takes every
 * connection on that port: TCP and the opaque TCP protocols, and auto-detection (non-HTTP traffic
 * falls through to the entry). HTTP is matched by Host and TLS by SNI instead.
 */
const PORT_WIDE = new Set(['', 'TCP', 'MONGO', 'MYSQL', 'REDIS']);

export function isPortWideProtocol(protocol: string): boolean {
  return PORT_WIDE.has(protocol);
}

/**
 * The protocol as sidecars handle it, for conflict checks: HTTPS and TLS both mean SNI-routed TLS
 * passthrough on a sidecar's outbound listener, so they do not conflict (istioctl IST0177 compares
 * the raw names). Every other difference changes the listener or the cluster.
 */
export function sidecarProtocolClass(protocol: string): string {
  return protocol === 'HTTPS' ? 'TLS' : protocol;
}

export function protocolLabel(protocol: string): string {
  return protocol === '' ? 'no protocol (auto-detected)' : protocol;
}

export interface ServiceEntryPortIndex {
  ports: SePort[];
  /** Port-wide ports of entries without addresses, by port number. */
  portWideByNumber: Map<number, SePort[]>;
  /** Every port by `host|number` (hosts as the entry declares them, short names expanded). */
  byHostPort: Map<string, { host: string; hostPath: FieldPath; entry: SePort }[]>;
}

const cache = new WeakMap<Mesh, ServiceEntryPortIndex>();

export function serviceEntryPorts(mesh: Mesh): ServiceEntryPortIndex {
  let idx = cache.get(mesh);
  if (idx) return idx;
  idx = { ports: [], portWideByNumber: new Map(), byHostPort: new Map() };
  for (const se of mesh.serviceEntries) {
    const scope = exportScope(se);
    for (const port of se.ports) {
      const i = port.path[port.path.length - 1] as number;
      const raw = asString(at(se.resource.spec, 'ports', i, 'protocol'));
      const protocol = (raw ?? '').trim().toUpperCase();
      const entry: SePort = { se, port, protocol, scope, path: port.path, protocolPath: raw !== undefined ? [...port.path, 'protocol'] : port.path };
      idx.ports.push(entry);
      if (se.addresses.length === 0 && isPortWideProtocol(protocol)) pushTo(idx.portWideByNumber, port.number, entry);
      for (const h of se.hosts) pushTo(idx.byHostPort, `${h.host}|${port.number}`, { host: h.host, hostPath: h.path, entry });
    }
  }
  cache.set(mesh, idx);
  return idx;
}
