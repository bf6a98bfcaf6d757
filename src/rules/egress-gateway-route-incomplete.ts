// The two-hop egress pattern (semantics §5 "Egress gateway", §6 "Routing to the egress gateway"):
// a `mesh` rule sends host H to the egress gateway Service, and a rule bound to a Gateway running on
// those gateway pods forwards H to the external host. Either half alone breaks egress.
import { egressGatewayService, gatewaySelectsService, hostsSentOnward, isEgressGateway, routeIndex, serviceTarget, type ServiceTarget } from '../model/egress.js';
import { gatewayApiModel } from '../model/gateway-api.js';
import { parseServiceFqdn } from '../model/hosts.js';
import type { GatewayInfo } from '../model/kinds.js';
import type { Mesh } from '../model/mesh.js';
import type { Rule } from './types.js';

function list(hosts: string[]): string {
  return hosts.length === 1 ? hosts[0]! : `${hosts.slice(0, -1).join(', ')} and ${hosts[hosts.length - 1]}`;
}

/** Whether routing to `host` reaches pods a Gateway runs on; unknown cluster-local Services count (partial input). */
function reachesGateway(mesh: Mesh, host: string, gw: GatewayInfo): boolean {
  const t = serviceTarget(mesh, host);
  if (t) return gatewaySelectsService(gw, t);
  return mesh.isClusterLocal(host) && !mesh.firstServiceEntryFor(host);
}

export const rule: Rule = {
  id: 'egress-gateway-route-incomplete',
  severity: 'error',
  summary: 'Half of the two-hop egress gateway routing is missing',
  docs: 'docs/rules/egress-gateway-route-incomplete.md',
  check({ mesh, report }) {
    const idx = routeIndex(mesh);
    // Many VirtualServices share a host: each (host, gateway) question is answered once, so the
    // rules overlapping a host are scanned once per question, not once per asking rule.
    const forwarded = new Map<string, boolean>();
    const forwardedAt = (host: string, target: ServiceTarget) => {
      const key = `${host}\0${target.host}`;
      let v = forwarded.get(key);
      if (v === undefined) forwarded.set(key, (v = idx.gatewayRules.overlapping(host).some((e) => !e.gateway || gatewaySelectsService(e.gateway, target))));
      return v;
    };
    const fed = new Map<string, boolean>();
    const fedTo = (host: string, gw: GatewayInfo) => {
      const key = `${host}\0${gw.namespace}/${gw.name}`;
      let v = fed.get(key);
      if (v === undefined) {
        v =
          idx.meshRules.overlapping(host).some((m) => m.destinations.some((d) => reachesGateway(mesh, d.host, gw))) ||
          idx.gatewayRules.overlapping(host).some((e) => e.gateway !== gw && idx.destinationsOf(e.vs, e.rule).some((d) => reachesGateway(mesh, d.host, gw)));
        fed.set(key, v);
      }
      return v;
    };
    // A mesh rule may send to the Service Istio deploys for a Gateway API Gateway; routes attached
    // to that Gateway (HTTPRoute, TLSRoute, ...) forward from there, not VirtualServices.
    const gatewayApi = gatewayApiModel(mesh);
    const gatewayApiTarget = (host: string) => {
      const svc = parseServiceFqdn(host);
      return svc && gatewayApi.gatewayOfService(svc.namespace, svc.name);
    };
    for (const vs of mesh.virtualServices) {
      for (const r of vs.rules) {
        const dests = idx.destinationsOf(vs, r);
        if (dests.length === 0) continue;

        // (a) sidecars → egress gateway, and nothing on the gateway forwards the host.
        if (r.gateways.some((g) => g.mesh)) {
          for (const d of dests) {
            const gwApi = gatewayApiTarget(d.host);
            if (gwApi) {
              const unrouted = hostsSentOnward(vs, r)
                .filter((h) => h !== d.host)
                .filter((h) => !gatewayApi.forwards(gwApi, h, d.port));
              if (unrouted.length === 0) continue;
              report({
                resource: vs.resource,
                path: [...d.path, 'host'],
                message: `Sidecars send ${list(unrouted)} to ${d.host}, the Service of Gateway API Gateway ${gwApi.namespace}/${gwApi.name}, but no route Istio accepts on that Gateway${d.port !== undefined ? ` on port ${d.port}` : ''} forwards ${unrouted.length > 1 ? 'them' : 'it'}: the gateway has no route, so requests get 404 or connections are reset. Attach an HTTPRoute or TLSRoute for ${list(unrouted)} to ${gwApi.name}.`,
              });
              continue;
            }
            const target = egressGatewayService(mesh, d.host);
            if (!target) continue;
            // The gateway routes by the Host it receives: an authority rewrite replaces the VS hosts.
            const missing = hostsSentOnward(vs, r)
              .filter((h) => h !== d.host)
              .filter((h) => !forwardedAt(h, target));
            if (missing.length === 0) continue;
            report({
              resource: vs.resource,
              path: [...d.path, 'host'],
              message: `Sidecars send ${list(missing)} to egress gateway ${d.host}, but no VirtualService bound to a Gateway on that gateway's pods routes ${missing.length > 1 ? 'them' : 'it'} onward: the gateway has no route, so requests get 404 or connections are reset. Bind a VirtualService for ${list(missing)} to the egress Gateway and route it to the external host.`,
            });
          }
        }

        // (b) a rule on an egress gateway that nothing sends traffic to.
        const unfed = new Map<string, string[]>();
        for (const ref of r.gateways) {
          if (ref.mesh) continue;
          const gw = mesh.gateway(ref.namespace, ref.name);
          if (!gw || !isEgressGateway(mesh, gw)) continue;
          for (const h of vs.hosts) {
            if (!h.host) continue;
            if (fedTo(h.host, gw)) continue;
            const hosts = unfed.get(gw.resource.ref) ?? [];
            if (!hosts.includes(h.host)) hosts.push(h.host);
            unfed.set(gw.resource.ref, hosts);
          }
        }
        for (const [gwRef, hosts] of unfed) {
          report({
            resource: vs.resource,
            path: r.path,
            severity: 'warning',
            message: `No \`mesh\` rule routes ${list(hosts)} to the egress gateway behind ${gwRef}: sidecars never send this traffic to the gateway, so this rule never runs and the traffic leaves directly (or is blocked under REGISTRY_ONLY). Add a \`mesh\` rule that routes ${list(hosts)} to the egress gateway Service.`,
          });
        }
      }
    }
  },
};
