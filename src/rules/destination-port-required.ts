import { serverAdmitsHost } from '../model/gateways.js';
import { exportedTo } from '../model/hosts.js';
import { isHttpProtocol, isTlsProtocol, type PortInfo, type RouteDestination } from '../model/kinds.js';
import type { Mesh } from '../model/mesh.js';
import type { Rule } from './types.js';

/** Whether a port of this protocol is served by rules of this kind (http: HTTP family; tls: HTTPS/TLS; tcp: any). */
function servedBy(kind: RouteDestination['kind'], p: PortInfo): boolean {
  if (p.protocol === 'UNKNOWN' || kind === 'tcp') return true;
  return kind === 'http' ? isHttpProtocol(p.protocol) : isTlsProtocol(p.protocol);
}

/**
 * Ports a rule's traffic can arrive on, when the input tells (GetDestinationCluster uses that port
 * when the destination names none and the host has several): the ports of its matches (all of them
 * must name one); for `mesh`, the registry ports of the VirtualService hosts that rules of this kind
 * serve; for a Gateway of the input, the ports of its servers that admit the VS hosts.
 */
function arrivalPorts(mesh: Mesh, d: RouteDestination): number[] | undefined {
  const rule = d.vs.rules.find((r) => r.kind === d.kind && r.index === d.ruleIndex);
  if (rule && rule.matches.length > 0 && rule.matches.every((m) => m.port !== undefined)) return [...new Set(rule.matches.map((m) => m.port!))];
  const out = new Set<number>();
  for (const ref of d.gateways) {
    if (ref.mesh) {
      for (const h of d.vs.hosts) {
        const ports = h.host.startsWith('*') ? undefined : mesh.portsOfHost(h.host, d.vs.namespace);
        if (!ports) return undefined;
        ports.filter((p) => servedBy(d.kind, p)).forEach((p) => out.add(p.number));
      }
      continue;
    }
    const gw = mesh.gateway(ref.namespace, ref.name);
    if (!gw) return undefined;
    for (const s of gw.servers) {
      if (s.port && d.vs.hosts.some((h) => serverAdmitsHost(s, d.vs.namespace, h.host))) out.add(s.port.number);
    }
  }
  return out.size > 0 ? [...out] : undefined;
}

function ownerOf(mesh: Mesh, d: RouteDestination): string {
  const svc = mesh.serviceByHost(d.host);
  if (svc) return svc.resource.kind === 'Service' ? svc.resource.ref : `the ${svc.name} Service of ${svc.resource.ref}`;
  const refs = mesh
    .serviceEntriesForHost(d.host)
    .filter((e) => exportedTo(e.se.exportTo, e.se.namespace, d.vs.namespace))
    .map((e) => e.se.resource.ref);
  const owners = [...new Set(refs)].sort();
  return owners.length > 1 ? `${owners.join(' and ')} (together)` : owners.join('');
}

/** When the number is a Service port's targetPort (the pod port), say which Service port to name instead. */
function targetPortHint(ports: readonly PortInfo[], n: number): string | undefined {
  const p = ports.find((x) => x.targetPort === n || (typeof x.targetPort === 'string' && Number(x.targetPort) === n));
  return p ? `${n} is the targetPort (the pod's port) of Service port ${p.number}: routes name the Service port, so use ${p.number}.` : undefined;
}

export const rule: Rule = {
  id: 'destination-port-required',
  severity: 'error',
  summary: 'A route destination omits the port of a multi-port host, or names a port the host does not declare',
  docs: 'docs/rules/destination-port-required.md',
  related: ['IST0112', 'IST0101'],
  check({ mesh, report }) {
    for (const d of mesh.routeDestinations()) {
      if (!d.rawHost || d.host.startsWith('*')) continue;
      const svc = mesh.serviceByHost(d.host);
      // ExternalName Services are aliases (≥ 1.21) or port-less DNS names: external-name-destination-rule's ground.
      if (svc && (svc.type === 'ExternalName' || svc.externalName)) continue;
      const ports = mesh.portsOfHost(d.host, d.vs.namespace);
      if (!ports || ports.length === 0) continue;
      const numbers = [...new Set(ports.map((p) => p.number))].sort((a, b) => a - b);
      const list = numbers.join(', ');
      if (d.port !== undefined) {
        if (numbers.includes(d.port)) continue;
        report({
          resource: d.vs.resource,
          path: [...d.path, 'port', 'number'],
          message: `Port ${d.port} of destination "${d.rawHost}" is not declared by ${ownerOf(mesh, d)} (ports ${list}): the route targets a cluster that does not exist, so requests get 503 (or a reset for TCP/TLS). ${targetPortHint(svc?.ports ?? [], d.port) ?? 'Use one of the declared ports.'}`,
        });
        continue;
      }
      if (numbers.length < 2) continue;
      const arrival = arrivalPorts(mesh, d);
      if (arrival && arrival.every((p) => numbers.includes(p))) continue;
      report({
        resource: d.vs.resource,
        path: d.path,
        target: 'key',
        message: arrival
          ? `Destination "${d.rawHost}" has no port, and ${ownerOf(mesh, d)} declares several (${list}): Istio then uses the port the request arrives on (${arrival.filter((p) => !numbers.includes(p)).join(', ')} here), which is not one of them, so the route targets a cluster that does not exist (503). Set port.number.`
          : `Destination "${d.rawHost}" has no port, and ${ownerOf(mesh, d)} declares several (${list}): Istio then uses the port the request arrives on, and where that is not one of them the route targets a cluster that does not exist (503). Set port.number.`,
      });
    }
  },
};
