import type { Rule } from './types.js';
import { endpointsIndex, likelyServicePort, servicePortName } from '../model/endpoints.js';

// Semantics §8: endpoint ports are matched to Service ports by name (Istio keys endpoints by the
// Service port name; an unnamed port matches only the unnamed port of a single-port Service).
export const rule: Rule = {
  id: 'endpoints-port-mismatch',
  severity: 'error',
  summary: 'Endpoint port names that do not match the Service port names',
  docs: 'docs/rules/endpoints-port-mismatch.md',
  check({ mesh, report }) {
    const idx = endpointsIndex(mesh);
    for (const svc of mesh.services) {
      if (svc.selector || svc.type === 'ExternalName' || svc.ports.length === 0) continue;
      const sets = (idx.byService.get(`${svc.namespace}/${svc.name}`) ?? []).filter((s) => !s.controllerMade && !s.ignoredBecause);
      if (sets.length === 0) continue;
      const names = svc.ports.map(servicePortName);
      const shown = names.length === 1 && names[0] === '' ? 'its only port is unnamed' : `ports ${names.map((n) => (n === '' ? '(unnamed)' : n)).join(', ')}`;
      const provided = new Set<string>();
      let mismatches = 0;
      for (const set of sets) {
        for (const group of set.portGroups) {
          for (const port of group) {
            const name = port.name ?? '';
            provided.add(name);
            if (names.includes(name)) continue;
            mismatches++;
            const meant = likelyServicePort(svc, port);
            const fix = meant ? (meant.name ? `name it "${meant.name}"` : 'remove its name') : "use one of the Service's port names";
            const what =
              port.name === undefined
                ? `port ${port.port ?? '(no number)'} has no name, but the ports of ${svc.resource.ref} are named (${names.filter(Boolean).join(', ')})`
                : `port name "${port.name}" matches no port of ${svc.resource.ref} (${shown})`;
            const target = meant ? `Service port ${meant.number}` : 'the Service port';
            report({
              resource: set.resource,
              path: port.reportPath,
              message: `${set.resource.ref}: ${what}: endpoints are matched to Service ports by name, so ${target} gets no endpoints from it; ${fix}.`,
            });
          }
        }
      }
      if (mismatches > 0) continue;
      const refs = sets.map((s) => s.resource.ref).sort().join(', ');
      for (const p of svc.ports) {
        const name = servicePortName(p);
        if (provided.has(name)) continue;
        report({
          resource: svc.resource,
          path: p.name ? [...p.path, 'name'] : p.path,
          message: `${svc.resource.ref} port ${p.number}${p.name ? ` "${p.name}"` : ''} gets no endpoints: ${refs} list${sets.length === 1 ? 's' : ''} no port named "${name}", so connections to it fail (no healthy upstream); add the port there.`,
        });
      }
    }
  },
};
