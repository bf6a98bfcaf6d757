// Since Istio 1.21 an ExternalName Service is only an alias of its `externalName` target
// (semantics §3.1): it gets no cluster and no listener of its own, a DestinationRule "can no longer
// apply" to it and a VirtualService matching its host "will generally no longer match"; a route to
// it names a cluster that does not exist. The rule, host entry or destination should name the target.
import type { FieldPath, Resource } from '../types.js';
import type { ServiceInfo } from '../model/kinds.js';
import type { Rule } from './types.js';

export const rule: Rule = {
  id: 'external-name-destination-rule',
  severity: 'warning',
  summary: 'A DestinationRule or VirtualService targets an ExternalName Service, which Istio ≥ 1.21 treats as an alias',
  docs: 'docs/rules/external-name-destination-rule.md',
  check({ mesh, report }) {
    if (!mesh.istioAtLeast(1, 21)) return;
    const aliases = new Map<string, ServiceInfo>();
    for (const s of mesh.services) if (s.type === 'ExternalName' && !aliases.has(s.fqdn)) aliases.set(s.fqdn, s);
    if (aliases.size === 0) return;

    const instead = (svc: ServiceInfo) => {
      const t = svc.externalName;
      if (!t) return 'name the host it points to instead';
      return mesh.isClusterLocal(t) ? `name ${t} instead` : `name ${t} instead (registered with a ServiceEntry)`;
    };
    const alias = (svc: ServiceInfo) => `ExternalName Service ${svc.namespace}/${svc.name}${svc.externalName ? `, an alias of ${svc.externalName} since Istio 1.21` : ', an alias since Istio 1.21'}`;
    const flag = (resource: Resource, path: FieldPath, svc: ServiceInfo, effect: string) =>
      report({ resource, path, message: `${svc.fqdn} is the ${alias(svc)}: ${effect}. ${capitalize(instead(svc))}.` });

    for (const dr of mesh.destinationRules) {
      const svc = aliases.get(dr.host);
      if (svc) flag(dr.resource, ['spec', 'host'], svc, 'an alias gets no cluster of its own, so this DestinationRule applies to nothing');
    }
    for (const vs of mesh.virtualServices) {
      for (const h of vs.hosts) {
        const svc = aliases.get(h.host);
        if (svc) flag(vs.resource, h.path, svc, 'requests are matched against the target service, so this VirtualService host never matches');
      }
    }
    for (const d of mesh.routeDestinations()) {
      const svc = aliases.get(d.host);
      if (svc) flag(d.vs.resource, [...d.path, 'host'], svc, 'an alias gets no cluster of its own, so this route has no upstream and requests get 503');
    }
  },
};

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
