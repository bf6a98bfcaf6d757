import { dataPlaneOf } from '../model/data-plane.js';
import { exportedTo, isWildcard } from '../model/hosts.js';
import { serviceEntryVisibility, visibleToAmbient } from '../model/service-entry-visibility.js';
import { waypointModel } from '../model/waypoints.js';
import type { Rule } from './types.js';

// ztunnel matches services by address, and a wildcard host has none: istiod gives wildcard hosts no
// auto-allocated address (unless DYNAMIC_DNS), and a DYNAMIC_DNS entry without a waypoint is not
// sent to the data plane at all (pilot/pkg/serviceregistry/kube/controller/ambient/services.go,
// constructServiceEntries and serviceEntriesInfo). Only a waypoint can serve a wildcard
// ServiceEntry for ambient clients; without one, their calls to those hosts go direct and unmanaged.
export const rule: Rule = {
  id: 'wildcard-service-entry-without-waypoint',
  severity: 'warning',
  summary: 'A wildcard ServiceEntry that ambient clients see is served by no waypoint, so it does nothing for them',
  docs: 'docs/rules/wildcard-service-entry-without-waypoint.md',
  check({ mesh, report }) {
    const ambientNamespaces = new Set<string>();
    for (const w of mesh.workloads) if (dataPlaneOf(mesh, w).kind === 'ambient') ambientNamespaces.add(w.namespace);
    if (ambientNamespaces.size === 0) return;
    const setting = serviceEntryVisibility(mesh);
    const model = waypointModel(mesh);
    for (const se of mesh.serviceEntries) {
      const wildcards = se.hosts.filter((h) => isWildcard(h.host));
      // A use-waypoint label that does not bind is the waypoint rules' finding.
      if (wildcards.length === 0 || model.forServiceEntry(se)) continue;
      const clients = [...ambientNamespaces].filter((ns) => exportedTo(se.exportTo, se.namespace, ns) && !(se.exportTo?.includes('~') ?? false) && visibleToAmbient(setting, se.namespace, ns)).sort();
      if (clients.length === 0) continue;
      const shown = clients.length > 3 ? `${clients.slice(0, 3).join(', ')} and ${clients.length - 3} more` : clients.join(', ');
      for (const h of wildcards) {
        report({
          resource: se.resource,
          path: h.path,
          message: `${se.resource.ref} declares the wildcard host "${h.host}", which ambient workloads (namespace${clients.length > 1 ? 's' : ''} ${shown}) see, but no waypoint serves it: ztunnel cannot match a wildcard host (it has no address), so their calls to those hosts go straight out, with no routing, TLS origination or AuthorizationPolicy. Bind the entry to a waypoint with the istio.io/use-waypoint label (on it or its namespace).`,
        });
      }
    }
  },
};
