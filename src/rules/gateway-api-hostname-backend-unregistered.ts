import { gatewayApiModel, serviceEntriesNaming } from '../model/gateway-api.js';
import { namespacePolicy, registryOnlyEnforced } from '../model/policy.js';
import type { Rule } from './types.js';

// istio/istio pilot/pkg/config/kube/gateway/conversion.go buildDestination: a backendRef of kind
// Hostname (group networking.istio.io) names a host of the service registry; when no service
// visible from the route's namespace has it, the route reports ResolvedRefs=False (BackendNotFound)
// and its destination is a host with no cluster. A namespace on such a backend is invalid
// ("namespace may not be set with Hostname type"). The registry is the model's (registryLookup),
// the one missing-service-entry asks. Istio finds the host by its exact name
// (GatewayContext.GetService over ServiceIndex.HostnameAndNamespace): a wildcard ServiceEntry that
// covers the name does not declare it, and no cluster of that name exists (serviceEntriesNaming).
export const rule: Rule = {
  id: 'gateway-api-hostname-backend-unregistered',
  severity: 'error',
  summary: 'A Gateway API route sends to a kind: Hostname backend that no ServiceEntry visible to it declares (or that carries a namespace)',
  docs: 'docs/rules/gateway-api-hostname-backend-unregistered.md',
  securitySeverity: 5.0,
  check({ mesh, report }) {
    const model = gatewayApiModel(mesh);
    for (const route of model.routes) {
      for (const b of route.backendRefs) {
        if (b.type !== 'hostname') continue;
        if (b.namespaceWritten) {
          report({
            resource: route.resource,
            path: [...b.path, 'namespace'],
            severity: 'error',
            message: `${route.resource.ref} sets a namespace on Hostname backend ${b.name}: Istio rejects a Hostname backend with a namespace ("namespace may not be set with Hostname type"), so the route is not programmed. Remove the namespace; the host is looked up in the registry as seen from ${route.namespace}.`,
          });
          continue;
        }
        const answer = mesh.registryLookup(b.name, route.namespace);
        const policy = route.parentRefs.some((p) => p.target === 'gateway') ? mesh.meshPolicy() : namespacePolicy(mesh, route.namespace);
        const strict = registryOnlyEnforced(policy);
        if (answer.status === 'kubernetes-service') continue;
        if (answer.status === 'registered') {
          // Registered through assume.hosts (no entry in the input), or by an entry naming the host.
          if (answer.entries.length === 0 || serviceEntriesNaming(mesh, b.name).length > 0) continue;
          const wildcards = [...new Set(answer.entries.map((e) => e.se.resource.ref))].sort().join(', ');
          report({
            resource: route.resource,
            path: [...b.path, 'name'],
            severity: strict ? 'error' : 'warning',
            message: `${route.resource.ref} sends to Hostname ${b.name}, which only a wildcard host covers (${wildcards}): Istio looks a Hostname backend up by its exact name, so it reports the backend not found (ResolvedRefs=False, BackendNotFound), and the proxy has no cluster named ${b.name} (a wildcard entry's cluster is named after the wildcard): requests get 503 and TCP/TLS connections are reset. Add a ServiceEntry whose hosts list ${b.name}, as the wildcard egress task does.`,
          });
          continue;
        }
        const hidden = answer.entries.length > 0 ? ` (ServiceEntries declare it but are not visible from ${route.namespace}: ${answer.entries.map((e) => e.se.resource.ref).sort().join(', ')})` : '';
        report({
          resource: route.resource,
          path: [...b.path, 'name'],
          severity: strict ? 'error' : 'warning',
          message: `${route.resource.ref} sends to Hostname ${b.name}, but no ServiceEntry visible from ${route.namespace} declares it${hidden}: Istio reports the backend not found (ResolvedRefs=False, BackendNotFound) and the route points at a cluster that does not exist (503, or a reset for TCP/TLS)${strict ? `, and under REGISTRY_ONLY (set by ${policy.setBy}) the host is refused in any case` : ''}. Add a ServiceEntry for ${b.name}.`,
        });
      }
    }
  },
};
