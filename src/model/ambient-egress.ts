// What controls a call from an ambient pod to an external host (istio.io docs/ambient/usage/
// egress-gateway): ztunnel applies no outbound mode, so the only egress control is a waypoint that
// serves the host's ServiceEntry, with an AuthorizationPolicy attached to the ServiceEntry or to the
// waypoint. Without a ServiceEntry the client sees, or without a usable waypoint for it, ztunnel
// sends the call straight to the Internet.
// What the client sees: ServiceEntries exported to its namespace (exportTo, `~` hides from all) and,
// with serviceEntryVisibility configured, visible to it; a hidden entry is as if it did not exist
// (docs/ambient/usage/serviceentry-visibility "Hidden means absent, not blocked").
import { policiesTargeting, policiesTargetingClass, restricts, type AuthorizationPolicyInfo } from './authorization-policy.js';
import { exportedTo } from './hosts.js';
import type { ServiceEntryInfo } from './kinds.js';
import type { Mesh } from './mesh.js';
import { serviceEntryVisibility, visibleToAmbient } from './service-entry-visibility.js';
import { GATEWAY_API_GROUP, waypointModel, type WaypointBinding } from './waypoints.js';

export type AmbientEgressStatus =
  /** No ServiceEntry for the host at all. */
  | 'unregistered'
  /** ServiceEntries exist, none visible from the client's namespace (exportTo or serviceEntryVisibility). */
  | 'hidden'
  /** The entry names no waypoint (neither it nor its namespace has istio.io/use-waypoint). */
  | 'no-waypoint'
  /** A use-waypoint label that does not bind (reported by the waypoint rules). */
  | 'waypoint-problem'
  /** Through a waypoint, with no AuthorizationPolicy that restricts it. */
  | 'no-policy'
  | 'restricted';

export interface AmbientEgress {
  status: AmbientEgressStatus;
  entry?: ServiceEntryInfo;
  /** Entries that exist but are hidden from the client, and whether serviceEntryVisibility is what hides them. */
  hidden?: { entries: ServiceEntryInfo[]; byVisibility: boolean };
  binding?: WaypointBinding;
  policies: AuthorizationPolicyInfo[];
}

/** ServiceEntries covering the host that an ambient client in `namespace` sees, most specific first. */
export function ambientVisibleEntries(mesh: Mesh, host: string, namespace: string): { visible: ServiceEntryInfo[]; all: ServiceEntryInfo[]; byVisibility: boolean } {
  const setting = serviceEntryVisibility(mesh);
  const all = [...new Set(mesh.serviceEntriesForHost(host).map((e) => e.se))];
  const exported = all.filter((se) => exportedTo(se.exportTo, se.namespace, namespace) && !(se.exportTo?.includes('~') ?? false));
  const visible = exported.filter((se) => visibleToAmbient(setting, se.namespace, namespace));
  return { visible, all, byVisibility: exported.length > visible.length };
}

/** The egress control an ambient client in `namespace` has for calls to `host`. */
export function ambientEgressFor(mesh: Mesh, host: string, namespace: string): AmbientEgress {
  const { visible, all, byVisibility } = ambientVisibleEntries(mesh, host, namespace);
  if (all.length === 0) return { status: 'unregistered', policies: [] };
  if (visible.length === 0) return { status: 'hidden', hidden: { entries: all, byVisibility }, policies: [] };
  const model = waypointModel(mesh);
  let best: AmbientEgress | undefined;
  for (const entry of visible) {
    const binding = model.forServiceEntry(entry);
    let result: AmbientEgress;
    if (!binding) result = { status: 'no-waypoint', entry, policies: [] };
    else if (!binding.waypoint) result = { status: 'waypoint-problem', entry, binding, policies: [] };
    else {
      const w = binding.waypoint;
      const policies = [
        ...policiesTargeting(mesh, 'networking.istio.io', 'ServiceEntry', entry.namespace, entry.resource.name),
        ...policiesTargeting(mesh, GATEWAY_API_GROUP, 'Gateway', w.namespace, w.name),
        ...policiesTargetingClass(mesh, w.className),
      ].filter(restricts);
      result = { status: policies.length > 0 ? 'restricted' : 'no-policy', entry, binding, policies };
    }
    if (result.status === 'restricted') return result;
    best ??= result;
  }
  return best!;
}
