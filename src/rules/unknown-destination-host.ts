import { expandClusterLocal, looksClusterLocal } from '../model/external-hosts.js';
import { gatewayApiModel } from '../model/gateway-api.js';
import { parseServiceFqdn } from '../model/hosts.js';
import { describeExportTo } from '../model/export-defaults.js';
import { gatewayModel, proxyNamespacesOf } from '../model/gateways.js';
import { exportScope, unionScopes, type ExportScope } from '../model/hosts.js';
import type { RouteDestination, ServiceInfo } from '../model/kinds.js';
import { nameFew } from '../util/few.js';
import { pushTo } from '../util/collections.js';
import { editDistance } from '../util/suggest.js';
import type { Rule } from './types.js';

/** Services of a default Istio install (the gateway charts): assumed present, since installs rarely sit beside the configuration. */
const INSTALLED_BY_ISTIO = ['istio-egressgateway', 'istio-ingressgateway'].map((name) => ({ name, namespace: 'istio-system', fqdn: `${name}.istio-system.svc.cluster.local` }));

function describeScope(scopes: ExportScope[]): string {
  const ns = new Set<string>();
  for (const s of scopes) if (!s.all) for (const n of s.namespaces) ns.add(n);
  const list = [...ns].sort();
  return list.length === 0 ? 'any namespace' : `namespace${list.length > 1 ? 's' : ''} ${nameFew(list, list.length)}`;
}

export const rule: Rule = {
  id: 'unknown-destination-host',
  severity: 'warning',
  summary: 'A route destination names a cluster-local host that no Service or ServiceEntry in the input defines',
  docs: 'docs/rules/unknown-destination-host.md',
  related: ['IST0101', 'KIA1101'],
  check({ mesh, report }) {
    const byNamespace = new Map<string, ServiceInfo[]>();
    // The same name in another namespace: the alphabetically first FQDN of each name.
    const firstFqdnByName = new Map<string, string>();
    for (const s of [...mesh.services, ...mesh.operatorServices]) {
      pushTo(byNamespace, s.namespace, s);
      const first = firstFqdnByName.get(s.name);
      if (first === undefined || s.fqdn < first) firstFqdnByName.set(s.name, s.fqdn);
    }
    // The Service Istio deploys for a Gateway API Gateway (`<gateway>-istio`) has no manifest.
    const gatewayApi = gatewayApiModel(mesh);
    const generated = (fqdn: string) => {
      const svc = parseServiceFqdn(fqdn);
      return svc !== undefined && gatewayApi.gatewayOfService(svc.namespace, svc.name) !== undefined;
    };
    // Defined, but exported to no namespace where the route is used (semantics §2): the proxies that
    // apply the route have no cluster for it. The route is used by sidecars of the namespaces the
    // VirtualService is exported to (mesh) and by the gateway proxies of its bound Gateways.
    const gateways = gatewayModel(mesh);
    const reportInvisible = (d: RouteDestination, raw: string, fqdn: string) => {
      const scopes: ExportScope[] = [];
      for (const g of d.gateways) {
        if (g.mesh) scopes.push(exportScope(d.vs));
        else {
          const gw = mesh.gateway(g.namespace, g.name);
          // An unknown Gateway is gateway-not-found's finding; its proxies are unknown here.
          if (!gw) return;
          scopes.push({ all: false, namespaces: new Set(proxyNamespacesOf(gateways, gw)) });
        }
      }
      for (const host of new Set([fqdn, d.host])) {
        const answer = mesh.hostVisibleFromScope(host, unionScopes(scopes));
        if (!answer) continue;
        if (answer.visible) return;
        const defs = answer.definedBy
          .map((x) => {
            // A Service says it with an annotation (the kube controller reads networking.istio.io/exportTo).
            const how = 'fqdn' in x && !x.exportToDefault ? `annotation networking.istio.io/exportTo: "${(x.exportTo ?? []).join(',')}"` : describeExportTo(x);
            return `${x.resource.ref} (${how})`;
          })
          .sort();
        const where = describeScope(scopes);
        report({
          resource: d.vs.resource,
          path: [...d.path, 'host'],
          message: `${d.mirror ? 'Mirror' : 'Route'} destination "${raw}"${raw.toLowerCase() === host ? '' : ` (${host})`} is defined by ${nameFew(defs, defs.length)}, which is not exported to ${where}, where this route is used: those proxies have no cluster for it and ${d.mirror ? 'drop mirrored requests' : 'answer 503 (no cluster)'}. Export it there (exportTo), or route to a host they see.`,
        });
        return;
      }
    };
    for (const d of mesh.routeDestinations()) {
      const raw = d.rawHost.trim();
      if (!raw || raw.startsWith('*') || !looksClusterLocal(mesh, raw)) continue;
      const fqdn = expandClusterLocal(raw, d.vs.namespace);
      if (mesh.serviceByHost(fqdn) || mesh.firstServiceEntryFor(fqdn) || mesh.firstServiceEntryFor(d.host)) {
        reportInvisible(d, raw, fqdn);
        continue;
      }
      if (INSTALLED_BY_ISTIO.some((s) => s.fqdn === fqdn) || generated(fqdn)) continue;
      // The config file says it exists outside the input (assume.services / assume.hosts).
      if (mesh.assumed.service(fqdn) || mesh.assumed.host(fqdn) || mesh.assumed.host(d.host)) continue;
      const svcNs = fqdn.endsWith('.svc.cluster.local') ? fqdn.split('.')[1]! : undefined;
      const candidates: { name: string; fqdn: string }[] = svcNs ? [...(byNamespace.get(svcNs) ?? []), ...INSTALLED_BY_ISTIO.filter((s) => s.namespace === svcNs)] : [];
      const name = fqdn.split('.')[0]!;
      const limit = Math.max(2, Math.floor(name.length / 4));
      const close = candidates
        .map((s) => ({ s, dist: editDistance(name, s.name, limit) }))
        .filter((x) => x.dist <= limit)
        .sort((a, b) => a.dist - b.dist || a.s.fqdn.localeCompare(b.s.fqdn))[0];
      // The same name in another namespace: a short name resolves in the VirtualService's namespace only.
      const elsewhere = firstFqdnByName.get(name);
      const suggestion = close?.s.fqdn ?? elsewhere;
      const hint = suggestion ? ` Did you mean ${suggestion}?` : ' Check the name, or lint together with (or --context) the manifests that define it; if it lives in another repository, list it under assume.services in .mesh-egress-lint.yaml.';
      report({
        resource: d.vs.resource,
        path: [...d.path, 'host'],
        message: `${d.mirror ? 'Mirror' : 'Route'} destination "${raw}"${raw.toLowerCase() === fqdn ? '' : ` (${fqdn})`} is defined by no Service or ServiceEntry in the input: if it does not exist in the cluster, ${d.mirror ? 'mirrored requests are dropped' : 'requests get 503 (no cluster)'}.${hint}`,
      });
    }
  },
};
