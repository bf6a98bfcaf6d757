import type { Rule } from './types.js';
import type { PortInfo, ServiceInfo } from '../model/kinds.js';
import { describeWorkload, gatewayModel, selectsAllGateways } from '../model/gateways.js';

// Semantics §6 "Ports": a Gateway server port.number is read as a port of the Services that
// select the gateway proxy and translated to its targetPort; a number that is neither a Service
// port nor a targetPort is bound on the pod but unreachable through the Service (IST0162 accepts
// either).
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
  summary: 'A Gateway server port is neither a port nor a targetPort of the Services in front of the gateway',
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
    // A mesh rule's port toward the gateway Service that the Service does not declare is
    // destination-port-required's finding (an error there): one defect, one finding.
  },
};
