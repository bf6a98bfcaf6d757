import type { Rule } from './types.js';
import type { PortInfo, ServiceInfo } from '../model/kinds.js';
import { isGatewayService } from '../model/egress.js';
import { describeWorkload, gatewayModel, selectsAllGateways } from '../model/gateways.js';

// Semantics §6 "Ports": a Gateway server port.number is read as a port of the Services that
// select the gateway proxy and translated to its targetPort; a number that is neither a Service
// port nor a targetPort is bound on the pod but unreachable through the Service (IST0162 accepts
// either). And a `mesh` rule that sends traffic to a gateway Service must use one of its ports.
// Skipped when the input has no Service for the gateway proxy.

/** 'yes', 'no', or 'unknown' when a named targetPort could be the number. */
function exposes(services: ServiceInfo[], n: number): 'yes' | 'no' | 'unknown' {
  let unknown = false;
  for (const s of services) {
    for (const p of s.ports) {
      if (p.number === n || p.targetPort === n) return 'yes';
      if (typeof p.targetPort === 'string' && !/^\d+$/.test(p.targetPort)) unknown = true;
      if (typeof p.targetPort === 'string' && Number(p.targetPort) === n) return 'yes';
    }
  }
  return unknown ? 'unknown' : 'no';
}

function portList(ports: PortInfo[]): string {
  return ports.map((p) => (p.targetPort !== undefined && p.targetPort !== p.number ? `${p.number}→${p.targetPort}` : `${p.number}`)).join(', ') || 'none';
}

export const rule: Rule = {
  id: 'gateway-port-not-on-service',
  severity: 'warning',
  summary: 'A Gateway server port, or the port a mesh rule uses toward the gateway Service, is not a port of the gateway Service',
  docs: 'docs/rules/gateway-port-not-on-service.md',
  related: ['IST0162'],
  check({ mesh, report }) {
    const model = gatewayModel(mesh);
    for (const gw of mesh.gateways) {
      if (selectsAllGateways(gw)) continue; // applies to every gateway: no one Service to compare with
      const withServices = model.workloadsOf(gw).flatMap((w) => {
        const services = mesh.servicesSelecting(w);
        return services.length > 0 ? [{ w, services }] : [];
      });
      if (withServices.length === 0) continue;
      for (const server of gw.servers) {
        if (!server.port) continue;
        const n = server.port.number;
        const miss = withServices.find((x) => exposes(x.services, n) === 'no');
        if (!miss) continue;
        const svcText = miss.services.map((s) => `Service ${s.namespace}/${s.name} (ports ${portList(s.ports)})`).join(', ');
        report({
          resource: gw.resource,
          path: [...server.path, 'port', 'number'],
          message: `Port ${n} is neither a port nor a targetPort of ${svcText} in front of ${describeWorkload(miss.w)}: clients reaching the gateway through its Service never get to this server (connection refused or reset); use a Service port or add ${n} to the Service.`,
        });
      }
    }

    for (const d of mesh.routeDestinations()) {
      if (d.port === undefined || !d.gateways.some((g) => g.mesh)) continue;
      const svc = mesh.serviceByHost(d.host);
      if (!svc || !isGatewayService(mesh, svc.fqdn) || svc.ports.length === 0) continue;
      if (svc.ports.some((p) => p.number === d.port)) continue;
      report({
        resource: d.vs.resource,
        path: [...d.path, 'port', 'number'],
        message: `Port ${d.port} is not a port of gateway Service ${svc.namespace}/${svc.name} (ports ${portList(svc.ports)}): sidecars have no cluster for it and the requests fail (503 or connection reset); use one of the Service ports.`,
      });
    }
  },
};
