import { waypointModel } from '../model/waypoints.js';
import type { Rule } from './types.js';

// pilot/pkg/serviceregistry/kube/controller/ambient/waypoints.go fetchWaypointForTarget: a
// use-waypoint label naming a Gateway that does not exist leaves the object without a waypoint
// (status WaypointIsNotReady); ztunnel then sends the traffic direct (istio.io
// docs/ambient/usage/waypoint "Require traffic to traverse the waypoint").
export const rule: Rule = {
  id: 'use-waypoint-not-found',
  severity: 'warning',
  summary: 'An istio.io/use-waypoint label names a waypoint Gateway that the input does not have, so ztunnel bypasses it',
  docs: 'docs/rules/use-waypoint-not-found.md',
  securitySeverity: 5.0,
  check({ mesh, report }) {
    const model = waypointModel(mesh);
    for (const l of model.labels) {
      const t = l.target;
      if (!t || model.gatewayExists(t.namespace, t.name)) continue;
      const where = t.namespaceFromLabel ? ` (namespace from istio.io/use-waypoint-namespace)` : '';
      const traffic = l.resource.kind === 'Namespace' ? `traffic to the services of namespace ${l.resource.name}` : `traffic to ${l.resource.ref}`;
      report({
        resource: l.resource,
        path: l.path,
        message: `${l.resource.ref} uses waypoint ${t.namespace}/${t.name}${where}, but the input has no Gateway ${t.namespace}/${t.name}: Istio binds no waypoint, so ztunnel sends ${traffic} straight to its destination and no waypoint policy (AuthorizationPolicy, routes, TLS origination) applies. Create the waypoint (\`istioctl waypoint apply -n ${t.namespace} --name ${t.name}\` writes a Gateway of class istio-waypoint), fix the name, or, if it is defined outside these files, lint with --context DIR.`,
      });
    }
  },
};
