import { dataPlaneOf, PROXY_UID } from '../model/data-plane.js';
import { registryOnlyEnforced, workloadPolicy } from '../model/policy.js';
import type { Rule } from './types.js';

// The sidecar's iptables rules return early for the proxy's own UID and GID (1337;
// tools/istio-iptables/pkg/capture/run.go, ISTIO_OUTPUT `-m owner --uid-owner` / `--gid-owner`), so
// an application container running as either is never redirected to Envoy. istioctl IST0144
// (InvalidApplicationUID) flags runAsUser 1337; the model (data-plane.ts) also counts runAsGroup.
export const rule: Rule = {
  id: 'proxy-uid-bypasses-capture',
  severity: 'warning',
  summary: `An application container runs as the sidecar's UID or GID (${PROXY_UID}), so its traffic bypasses the sidecar`,
  docs: 'docs/rules/proxy-uid-bypasses-capture.md',
  related: ['IST0144'],
  securitySeverity: 6.5,
  check({ mesh, report }) {
    for (const w of mesh.workloads) {
      const dp = dataPlaneOf(mesh, w);
      if (dp.kind !== 'sidecar' || dp.uncaptured.length === 0) continue;
      const policy = workloadPolicy(mesh, w);
      const registryOnly = registryOnlyEnforced(policy);
      // A pod-level setting inherited by several containers is one finding, at that setting.
      const byPath = new Map<string, typeof dp.uncaptured>();
      for (const u of dp.uncaptured) {
        const key = u.path.join('\0');
        byPath.set(key, [...(byPath.get(key) ?? []), u]);
      }
      for (const group of byPath.values()) {
        const u = group[0]!;
        const names = group.map((g) => g.container.name || '<unnamed>');
        const name = names.length > 1 ? `s ${names.join(', ')}` : ` ${names[0]}`;
        const consequence = registryOnly
          ? `REGISTRY_ONLY (set by ${policy.setBy}) neither blocks nor protects those calls: they leave the pod directly, unknown hosts included`
          : 'no Istio egress control (REGISTRY_ONLY, egress gateways, TLS origination, mutual TLS) applies to those calls';
        report({
          resource: w.resource,
          path: u.path,
          severity: registryOnly ? 'error' : 'warning',
          message: `Container${name} of ${w.resource.ref} run${names.length > 1 ? '' : 's'} with ${u.field} ${PROXY_UID}, the sidecar proxy's own, so iptables never hands ${names.length > 1 ? 'their' : 'its'} connections to the sidecar and ${consequence}. Run ${names.length > 1 ? 'them' : 'it'} as another ${u.field === 'runAsUser' ? 'user' : 'group'} (for example 1338).`,
        });
      }
    }
  },
};
