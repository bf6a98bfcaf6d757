import type { Rule } from './types.js';
import type { FieldPath } from '../types.js';
import type { GatewayRef } from '../model/kinds.js';
import { closestGateway, gatewayModel, gatewayNameIndex } from '../model/gateways.js';
import { formatPath } from '../model/resource.js';
import { pushAll, pushTo } from '../util/collections.js';
import { nameFew } from '../util/few.js';

// Semantics §6: `spec.gateways` and `match.gateways` name networking.istio.io Gateways (`mesh`,
// `name` = VS namespace, `ns/name`, `./name`, legacy `name.ns[.svc.cluster.local]`). A name that
// resolves to no Gateway binds the rules to nothing.
export const rule: Rule = {
  id: 'gateway-not-found',
  severity: 'error',
  summary: 'A VirtualService names a Gateway that is not in the input',
  docs: 'docs/rules/gateway-not-found.md',
  related: ['IST0101', 'KIA1102'],
  check({ mesh, report }) {
    const model = gatewayModel(mesh);
    const names = gatewayNameIndex(mesh.gateways);
    const suggestions = new Map<string, string | undefined>();
    for (const vs of mesh.virtualServices) {
      const refs: { ref: GatewayRef; path: FieldPath }[] = vs.gatewaysExplicit ? [...vs.gateways] : [];
      for (const r of vs.rules) for (const m of r.matches) pushAll(refs, m.gateways ?? []);
      // One missing Gateway is one defect, however often the VirtualService names it: reported at
      // its first mention, naming the others (spec.gateways and match.gateways usually repeat it).
      const mentions = new Map<string, FieldPath[]>();
      for (const { ref, path } of refs) if (!ref.mesh && !mesh.gateway(ref.namespace, ref.name)) pushTo(mentions, `${ref.namespace}/${ref.name}`, path);
      for (const { ref, path } of refs) {
        if (ref.mesh || mesh.gateway(ref.namespace, ref.name)) continue;
        const key = `${ref.namespace}/${ref.name}`;
        if (mesh.assumed.gateway(ref.namespace, ref.name)) continue;
        const all = mentions.get(key)!;
        if (all[0] !== path) continue;
        let message = `Gateway ${key} (named "${ref.raw}") is not in the input, so the rules bound to it are served by no gateway`;
        if (model.k8sGateways.has(key)) {
          message += `; ${key} is a gateway.networking.k8s.io Gateway, which a VirtualService cannot bind to (declare a networking.istio.io Gateway, or route with an HTTPRoute/TLSRoute)`;
        }
        if (!suggestions.has(key)) suggestions.set(key, closestGateway(ref, names));
        const near = suggestions.get(key);
        message += near && near !== key ? `; did you mean "${near}"?` : `. If it exists outside these files, lint with --context DIR, or list "${key}" under assume.gateways in .mesh-egress-lint.yaml.`;
        if (all.length > 1) message += ` It is named again at ${nameFew(all.slice(1).map(formatPath), all.length - 1)}: change ${all.length > 2 ? 'every mention' : 'both'}.`;
        report({ resource: vs.resource, path, message });
      }
    }
  },
};
