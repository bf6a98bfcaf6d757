import { takes, WAYPOINT_FOR, waypointModel, type UseWaypointLabel, type Waypoint } from '../model/waypoints.js';
import type { Rule } from './types.js';

// waypoints.go fetchWaypointForService / fetchWaypointForWorkload: a Service or ServiceEntry binds
// only to a waypoint for `service` or `all`, a pod only to one for `workload` or `all`
// (WaypointUnsupportedTrafficType); `istio.io/waypoint-for` comes from the Gateway, else its
// GatewayClass, else defaults to `service` (WaypointsCollection; istio.io docs/ambient/usage/
// waypoint "Waypoint traffic types", docs/ambient/usage/add-workloads "Label reference").
export const rule: Rule = {
  id: 'waypoint-traffic-type-mismatch',
  severity: 'warning',
  summary: 'A use-waypoint label binds traffic that the waypoint does not take (istio.io/waypoint-for), so ztunnel bypasses it',
  docs: 'docs/rules/waypoint-traffic-type-mismatch.md',
  securitySeverity: 5.0,
  check({ mesh, report }) {
    const model = waypointModel(mesh);
    const reported = new Set<UseWaypointLabel>();
    const describeType = (w: Waypoint) =>
      w.trafficTypeSetBy === 'default'
        ? `takes service traffic only (no ${WAYPOINT_FOR} label on it or on its GatewayClass: the default is service)`
        : `is labelled ${WAYPOINT_FOR}: ${w.trafficType}${w.trafficTypeSetBy === 'gatewayclass' ? ` by its GatewayClass ${w.className}` : ''}`;
    const mismatch = (l: UseWaypointLabel, w: Waypoint, needs: 'service' | 'workload', example: string) => {
      if (reported.has(l)) return;
      reported.add(l);
      const fix = needs === 'service' ? `Label the waypoint ${WAYPOINT_FOR}: service (or all), or use a waypoint that takes service traffic.` : `Label the waypoint ${WAYPOINT_FOR}: workload (or all), or use a waypoint that takes workload traffic.`;
      const what = needs === 'service' ? 'service traffic (a Service or ServiceEntry)' : 'workload traffic (addressed to the pods)';
      report({
        resource: l.resource,
        path: l.path,
        message: `${l.resource.ref} sends ${what}${example} to waypoint ${w.namespace}/${w.name}, which ${describeType(w)}: Istio binds no waypoint, so ztunnel sends that traffic straight to its destination and no waypoint policy applies. ${fix}`,
      });
    };
    const check = (binding: ReturnType<typeof model.forServiceEntry>, example: string) => {
      const p = binding?.problem;
      if (!binding || p?.kind !== 'traffic-type') return;
      // A namespace label serves both kinds; pods not taking a service waypoint is the documented default, not a mistake.
      if (binding.inherited && p.needs === 'workload') return;
      mismatch(binding.label, p.waypoint, p.needs, binding.inherited ? example : '');
    };
    for (const se of mesh.serviceEntries) check(model.forServiceEntry(se), ` for ${se.resource.ref}`);
    for (const svc of mesh.services) if (svc.resource.kind === 'Service') check(model.forService(svc.resource), ` for ${svc.resource.ref}`);
    for (const w of mesh.workloads) if (!w.fromOperator) check(model.forWorkload(w), '');
    // A namespace label whose waypoint takes nothing at all (`none`, or a value Istio does not know).
    for (const l of model.labels) {
      if (reported.has(l) || l.resource.kind !== 'Namespace' || !l.target) continue;
      const w = model.waypoint(l.target.namespace, l.target.name);
      if (w && model.admits(w, l.namespace) && !takes(w, 'service') && !takes(w, 'workload')) mismatch(l, w, 'service', '');
    }
  },
};
