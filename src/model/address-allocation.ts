// Virtual IPs that Istio gives ServiceEntries without `addresses`, and whether sidecars use them.
//
// Allocation (pilot/pkg/serviceregistry/serviceentry, shouldV2AutoAllocateIPFromPieces, used by the
// ip-autoallocate controller, pilot/pkg/controllers/ipallocate): with istiod's
// PILOT_ENABLE_IP_AUTOALLOCATE (on by default since Istio 1.25), every ServiceEntry without
// spec.addresses whose resolution is not NONE gets addresses in its status, unless it is labelled
// `networking.istio.io/enable-autoallocate-ip: "false"`; wildcard hosts never get one (conversion
// uses an allocated address only for a host that is not wildcarded). Before that controller, the
// proxy-side ISTIO_META_DNS_AUTO_ALLOCATE did the same for non-NONE, non-wildcard entries.
//
// Use (pilot/pkg/model/service.go, nodeUsesAutoallocatedIPs): a sidecar listens on the allocated
// address only when some allocation is enabled (ISTIO_META_DNS_AUTO_ALLOCATE or
// PILOT_ENABLE_IP_AUTOALLOCATE) and the proxy captures DNS (ISTIO_META_DNS_CAPTURE; waypoints always
// do). Without DNS capture the application resolves the real address, and the entry keeps the
// listener 0.0.0.0:<port>.
import type { ServiceEntryInfo } from './kinds.js';
import { isWildcard } from './hosts.js';
import type { Mesh } from './mesh.js';
import { istiodEnv, meshProxyMetadataFlag } from './mesh-settings.js';

export const AUTOALLOCATE_LABEL = 'networking.istio.io/enable-autoallocate-ip';

/** Why sidecars reach this entry's hosts on an allocated virtual IP, or undefined when they do not. */
export function sidecarsUseAllocatedAddress(mesh: Mesh, se: ServiceEntryInfo): string | undefined {
  if (se.addresses.length > 0 || se.resolution === 'NONE') return undefined;
  if (se.hosts.length === 0 || se.hosts.some((h) => isWildcard(h.host))) return undefined;
  const capture = meshProxyMetadataFlag(mesh, 'ISTIO_META_DNS_CAPTURE');
  if (!capture?.value) return undefined;
  const controllerEnv = istiodEnv(mesh, 'PILOT_ENABLE_IP_AUTOALLOCATE');
  const controllerOn = controllerEnv ? controllerEnv.value.toLowerCase() === 'true' : mesh.istioAtLeast(1, 25);
  if (controllerOn) {
    if ((se.resource.labels[AUTOALLOCATE_LABEL] ?? '').toLowerCase() === 'false') return undefined;
    const by = controllerEnv ? `PILOT_ENABLE_IP_AUTOALLOCATE=true (${controllerEnv.label})` : 'istiod allocates addresses by default since Istio 1.25 (PILOT_ENABLE_IP_AUTOALLOCATE)';
    return `${by} and sidecars capture DNS (ISTIO_META_DNS_CAPTURE in ${capture.label})`;
  }
  const legacy = meshProxyMetadataFlag(mesh, 'ISTIO_META_DNS_AUTO_ALLOCATE');
  if (!legacy?.value) return undefined;
  return `sidecars capture DNS and allocate addresses (ISTIO_META_DNS_CAPTURE and ISTIO_META_DNS_AUTO_ALLOCATE in ${legacy.label})`;
}
