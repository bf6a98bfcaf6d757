import { gatewayApiModel, type GatewayApiGateway } from '../model/gateway-api.js';
import { hostsSentOnward, routeIndex } from '../model/egress.js';
import { hostCovers } from '../model/hosts.js';
import type { Rule } from './types.js';

// The two hops of a Gateway API egress gateway (istio.io docs/tasks/traffic-management/egress/
// egress-gateway, "Gateway API" tab): a mesh route (parentRef the ServiceEntry or Service of the
// external host) sends the host to the `<gateway>-istio` Service Istio deploys for the egress
// Gateway, and a second route attached to that Gateway forwards it to the external host. Istio
// programs the gateway only from the routes it accepts on a listener (conversion.go
// referenceAllowed), so a host that no accepted route on the listener of that port carries reaches
// the gateway with nowhere to go (404 for HTTP, a reset for TLS), and a port that is none of the
// Gateway's listeners is not open on its Service at all.
//
// The reverse (a warning, as egress-gateway-route-incomplete gives for VirtualServices): a route
// on an egress Gateway forwards a host that nothing sends to the Gateway's Service, neither a
// Gateway API route nor a VirtualService. Sidecars then call the host directly: the gateway, and
// the policy it was put there to apply, is bypassed. A Gateway counts as an egress gateway when
// something sends traffic to its Service or when its Service is ClusterIP
// (`networking.istio.io/service-type`, as every istio.io egress task writes it); an ingress gateway
// forwarding to an external host is not reported.
export const rule: Rule = {
  id: 'gateway-api-egress-route-incomplete',
  severity: 'error',
  summary: "A mesh route sends an external host to an egress Gateway's generated Service, but no route on that Gateway forwards the host on that port, or the reverse",
  docs: 'docs/rules/gateway-api-egress-route-incomplete.md',
  check({ mesh, report }) {
    const model = gatewayApiModel(mesh);
    const entryByKey = new Map(mesh.serviceEntries.map((s) => [`${s.namespace}/${s.resource.name}`, s] as const));
    for (const route of model.routes) {
      const meshParents = route.parentRefs.filter((p) => p.target === 'serviceentry' || p.target === 'service');
      if (meshParents.length === 0) continue;
      let hosts: string[] = [];
      for (const p of meshParents) {
        if (p.target === 'serviceentry') {
          const se = entryByKey.get(`${p.namespace}/${p.name}`);
          if (se) hosts.push(...se.hosts.map((h) => h.host));
        } else hosts.push(`${p.name}.${p.namespace}.svc.cluster.local`);
      }
      if (route.hostnames.length > 0) hosts = hosts.filter((h) => route.hostnames.some((rh) => hostCovers(rh.value, h) || hostCovers(h, rh.value)));
      hosts = [...new Set(hosts)];
      if (hosts.length === 0) continue;
      for (const b of route.backendRefs) {
        if (b.type !== 'service') continue;
        const gw = model.gatewayOfService(b.namespace, b.name);
        if (!gw || !gw.generatedService) continue;
        if (b.port === undefined) continue;
        const listeners = gw.servedListeners.filter((l) => l.port === b.port);
        if (listeners.length === 0) {
          report({
            resource: route.resource,
            path: [...b.path, 'port'],
            message: `${route.resource.ref} sends ${hosts.join(', ')} to ${b.name}:${b.port}, the Service Istio deploys for Gateway ${gw.namespace}/${gw.name}, but that Gateway has no listener on port ${b.port} (its Service's ports are the listeners': ${gw.generatedService.ports.join(', ') || 'none'}): the connection to the egress gateway fails. Send to a listener's port, or add a listener on ${b.port}.`,
          });
          continue;
        }
        const missing = hosts.filter((h) => !model.forwards(gw, h, b.port));
        if (missing.length === 0) continue;
        report({
          resource: route.resource,
          path: b.path,
          message: `${route.resource.ref} sends ${missing.join(', ')} to egress Gateway ${gw.namespace}/${gw.name} (Service ${b.name}, port ${b.port}), but no route accepted on that Gateway's port ${b.port} forwards ${missing.length > 1 ? 'these hosts' : 'this host'}: the gateway has no route for ${missing.length > 1 ? 'them' : 'it'} (404 for HTTP, a reset for TLS). Add a route with parentRef ${gw.name} and hostname ${missing[0]} that sends to the external host.`,
        });
      }
    }

    // The reverse: hosts an egress Gateway forwards that nothing sends to it.
    const sent = new Map<GatewayApiGateway, string[]>();
    const addSent = (gw: GatewayApiGateway | undefined, hosts: string[]) => {
      if (!gw) return;
      const list = sent.get(gw) ?? [];
      list.push(...hosts);
      sent.set(gw, list);
    };
    for (const route of model.routes) {
      let hosts = route.hostnames.map((h) => h.value);
      if (hosts.length === 0) {
        for (const p of route.parentRefs) {
          if (p.target === 'serviceentry') hosts.push(...(entryByKey.get(`${p.namespace}/${p.name}`)?.hosts.map((h) => h.host) ?? []));
          else if (p.target === 'service') hosts.push(`${p.name}.${p.namespace}.svc.cluster.local`);
        }
      }
      // A route without hostnames on a Gateway carries any host to its backends.
      if (hosts.length === 0) hosts = ['*'];
      for (const b of route.backendRefs) if (b.type === 'service') addSent(model.gatewayOfService(b.namespace, b.name), hosts);
    }
    const idx = routeIndex(mesh);
    for (const vs of mesh.virtualServices) {
      for (const r of vs.rules) {
        for (const d of idx.destinationsOf(vs, r)) {
          const m = /^([^.]+)\.([^.]+)\.svc\.cluster\.local$/.exec(d.host);
          if (m) addSent(model.gatewayOfService(m[2]!, m[1]!), hostsSentOnward(vs, r));
        }
      }
    }
    for (const route of model.routes) {
      const external = route.backendRefs.filter((b) => b.type === 'hostname');
      if (external.length === 0) continue;
      for (const p of model.parents(route)) {
        const gw = p.gateway;
        if (!gw?.generatedService || p.accepted.length === 0) continue;
        const senders = sent.get(gw);
        if (!senders && gw.generatedService.type !== 'ClusterIP') continue;
        const forwarded = route.hostnames.length > 0 ? route.hostnames : [];
        for (const h of forwarded) {
          if ((senders ?? []).some((s) => hostCovers(s, h.value) || hostCovers(h.value, s))) continue;
          report({
            resource: route.resource,
            path: h.path,
            severity: 'warning',
            message: `${route.resource.ref} forwards ${h.value} from egress Gateway ${gw.namespace}/${gw.name}, but no route (HTTPRoute, TLSRoute or VirtualService) sends ${h.value} to the Gateway's Service ${gw.generatedService.name}: sidecars call ${h.value} directly and the egress gateway is bypassed. Add a mesh route for ${h.value} (parentRef its ServiceEntry) whose backendRef is ${gw.generatedService.name}.`,
          });
        }
      }
    }
  },
};
