// Sidecars take one VirtualService per host: Istio merges same-host VirtualServices only for
// gateways; for `mesh` the oldest (creation time) wins and the others are ignored (istioctl IST0109,
// Kiali KIA1106; semantics §6). Files carry no creation time, so input order stands in for it: the
// first VirtualService in the input is kept, every later one that shares a namespace with it
// through exportTo is reported. One VirtualService naming a host twice (short and FQDN) is not a
// conflict (IST0109 reports it, istio/istio#42561), nor is the same namespace/name met twice in
// the input (one object, applied twice).
import type { VirtualServiceInfo } from '../model/kinds.js';
import type { FieldPath } from '../types.js';
import type { Rule } from './types.js';

type Scope = 'all' | Set<string>;

function scopeOf(vs: VirtualServiceInfo): Scope {
  const list = vs.exportTo ?? [];
  if (list.length === 0 || list.includes('*')) return 'all';
  return new Set(list.map((e) => (e === '.' ? vs.namespace : e)));
}

/** Namespaces both scopes reach: 'all', a sorted list, or [] when disjoint. */
function common(a: Scope, b: Scope): 'all' | string[] {
  if (a === 'all' && b === 'all') return 'all';
  if (a === 'all') return [...(b as Set<string>)].sort();
  if (b === 'all') return [...a].sort();
  return [...a].filter((n) => b.has(n)).sort();
}

interface Claim {
  vs: VirtualServiceInfo;
  path: FieldPath;
  scope: Scope;
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
      const scope = scopeOf(vs);
      const own = new Set<string>();
      for (const h of vs.hosts) {
        if (!h.host || own.has(h.host)) continue;
        own.add(h.host);
        const list = byHost.get(h.host);
        const claim = { vs, path: h.path, scope };
        if (list) list.push(claim);
        else byHost.set(h.host, [claim]);
      }
    }
    for (const [host, claims] of byHost) {
      for (let j = 1; j < claims.length; j++) {
        const later = claims[j]!;
        const earlier: string[] = [];
        const where = new Set<string>();
        let everywhere = false;
        for (let i = 0; i < j; i++) {
          const c = common(claims[i]!.scope, later.scope);
          if (c !== 'all' && c.length === 0) continue;
          const ref = claims[i]!.vs.resource.ref;
          if (!earlier.includes(ref)) earlier.push(ref);
          if (c === 'all') everywhere = true;
          else c.forEach((n) => where.add(n));
        }
        if (earlier.length === 0) continue;
        const ns = everywhere ? 'every namespace' : `namespace${where.size > 1 ? 's' : ''} ${[...where].sort().join(', ')}`;
        report({
          resource: later.vs.resource,
          path: later.path,
          message: `Host ${host} is already claimed for sidecars in ${ns} by ${earlier.join(', ')}: sidecars use only one VirtualService per host (the oldest), so one of them is silently ignored. Merge the rules into one VirtualService, or separate them with exportTo.`,
        });
      }
    }
  },
};
