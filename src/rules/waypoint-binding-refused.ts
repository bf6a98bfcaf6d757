import { waypointModel, type UseWaypointLabel, type Waypoint } from '../model/waypoints.js';
import type { Rule } from './types.js';

// waypoints.go: a waypoint admits objects of the namespaces its HBONE listener's allowedRoutes
// allows (AllowsAttachmentFromNamespace; default Same, status WaypointAttachmentDenied); and with
// serviceEntryVisibility NAMESPACE a ServiceEntry may not use a waypoint of another namespace
// (istio.io docs/ambient/usage/serviceentry-visibility "Waypoints", CrossNamespaceWaypointForbidden).
// Either way the object has no waypoint and ztunnel sends its traffic direct.
export const rule: Rule = {
  id: 'waypoint-binding-refused',
  severity: 'warning',
  summary: "A use-waypoint label names a waypoint that refuses the object (allowedRoutes, or serviceEntryVisibility NAMESPACE), so ztunnel bypasses it",
  docs: 'docs/rules/waypoint-binding-refused.md',
  securitySeverity: 5.0,
  check({ mesh, report }) {
    const model = waypointModel(mesh);
    const seen = new Set<UseWaypointLabel>();
    const refused = (l: UseWaypointLabel, w: Waypoint, why: string, fix: string) => {
      if (seen.has(l)) return;
      seen.add(l);
      const traffic = l.resource.kind === 'Namespace' ? `the services of namespace ${l.resource.name}` : l.resource.ref;
      report({
        resource: l.resource,
        path: l.path,
        message: `${l.resource.ref} uses waypoint ${w.namespace}/${w.name}, but ${why}: Istio binds no waypoint, so ztunnel sends traffic to ${traffic} straight to its destination and no waypoint policy applies. ${fix}`,
      });
    };
    const check = (binding: ReturnType<typeof model.forServiceEntry>) => {
      const p = binding?.problem;
      if (!binding || !p) return;
      if (p.kind === 'attachment-denied') {
        const w = p.waypoint;
        const allowed = w.allowedFrom === 'Selector' ? `only namespaces its selector matches` : w.allowedFrom === 'Same' ? `only its own namespace (${w.namespace})` : `allowedRoutes.namespaces.from: ${w.allowedFrom}`;
        refused(binding.label, w, `the waypoint's HBONE listener (port 15008) admits ${allowed}, not namespace ${binding.label.namespace}`, `Allow the namespace in the listener's allowedRoutes.namespaces (from: All, or a Selector that matches it), or use a waypoint in namespace ${binding.label.namespace}.`);
      } else if (p.kind === 'cross-namespace-forbidden') {
        refused(binding.label, p.waypoint, `serviceEntryVisibility gives ServiceEntries of namespace ${binding.label.namespace} NAMESPACE visibility, which forbids a waypoint of another namespace`, `Use a waypoint in namespace ${binding.label.namespace}, or grant the namespace PUBLIC visibility.`);
      }
    };
    for (const se of mesh.serviceEntries) check(model.forServiceEntry(se));
    for (const svc of mesh.services) if (svc.resource.kind === 'Service') check(model.forService(svc.resource));
    for (const w of mesh.workloads) if (!w.fromOperator) check(model.forWorkload(w));
    // A namespace label that no object of the input inherits is still checked against the waypoint.
    for (const l of model.labels) {
      if (l.resource.kind !== 'Namespace' || seen.has(l) || !l.target) continue;
      const w = model.waypoint(l.target.namespace, l.target.name);
      if (w && !model.admits(w, l.namespace)) check({ label: l, inherited: false, problem: { kind: 'attachment-denied', waypoint: w } });
    }
  },
};
