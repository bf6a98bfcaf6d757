// Sidecars take one VirtualService per host: Istio merges same-host VirtualServices only for
// gateways; for `mesh` the oldest (creation time) wins and the others are ignored (istioctl IST0109,
// Kiali KIA1106; semantics §6). Files carry no creation time, so input order stands in for it: the
// first VirtualService in the input is kept, every later one that shares a namespace with it
// through exportTo (§2) is reported. One VirtualService naming a host twice (short and FQDN) is not
// a conflict (IST0109 reports it, istio/istio#42561), nor is the same namespace/name met twice in
// the input (one object, applied twice).
import { exportScope, type ExportScope } from '../model/hosts.js';
import type { VirtualServiceInfo } from '../model/kinds.js';
import type { FieldPath } from '../types.js';
import { pushTo } from '../util/collections.js';
import { nameFew } from '../util/few.js';
import { EVERY_CHANNEL, PartyIndex } from '../util/parties.js';
import type { Rule } from './types.js';

interface Claim {
  vs: VirtualServiceInfo;
  path: FieldPath;
  scope: ExportScope;
}

export const rule: Rule = {
  id: 'virtual-service-host-conflict',
  severity: 'warning',
  summary: 'Several mesh-bound VirtualServices claim the same host for one namespace',
  docs: 'docs/rules/virtual-service-host-conflict.md',
  related: ['IST0109', 'KIA1106'],
  check({ mesh, report }) {
    const byHost = new Map<string, Claim[]>();
    const seenRefs = new Set<string>();
    for (const vs of mesh.virtualServices) {
      if (!vs.gateways.some((g) => g.ref.mesh)) continue;
      // The same namespace/name met again is one object applied twice (the later apply replaces it).
      if (seenRefs.has(vs.resource.ref)) continue;
      seenRefs.add(vs.resource.ref);
      const scope = exportScope(vs);
      const own = new Set<string>();
      for (const h of vs.hosts) {
        if (!h.host || own.has(h.host)) continue;
        own.add(h.host);
        pushTo(byHost, h.host, { vs, path: h.path, scope });
      }
    }
    for (const [host, claims] of byHost) {
      // The earlier claims, asked by namespace: n claims of one host cost O(n), not O(n²).
      const earlier = new PartyIndex('added');
      for (const later of claims) {
        const channels = later.scope.all ? EVERY_CHANNEL : [...later.scope.namespaces];
        const refs = earlier.query(channels);
        if (refs.count > 0) {
          // Where both are seen: the later claim's namespaces that an earlier one reaches, or (for a
          // later claim exported everywhere) the namespaces the earlier ones are exported to.
          let ns: string;
          if (later.scope.all && earlier.hasEverywhere) ns = 'every namespace';
          else {
            const where = later.scope.all ? [...earlier.channels()] : [...later.scope.namespaces].filter((n) => earlier.hasEverywhere || earlier.hasChannel(n));
            where.sort();
            ns = `namespace${where.length > 1 ? 's' : ''} ${nameFew(where, where.length)}`;
          }
          report({
            resource: later.vs.resource,
            path: later.path,
            message: `Host ${host} is already claimed for sidecars in ${ns} by ${nameFew(refs.first, refs.count)}: sidecars use only one VirtualService per host (the oldest), so one of them is silently ignored. Merge the rules into one VirtualService, or separate them with exportTo.`,
          });
        }
        earlier.add(later.vs.resource.ref, channels);
      }
    }
  },
};
