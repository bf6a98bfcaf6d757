import type { Rule } from './types.js';
import { gatewayRefKey } from '../model/kinds.js';

// Semantics §6 "Defaults and matching": a VirtualService is indexed only under its spec.gateways
// (default [mesh]); match.gateways then filters per rule. A match entry outside spec.gateways
// can never fire, and the webhook does not say so. References compare resolved (`ns/name`).
export const rule: Rule = {
  id: 'match-gateway-not-bound',
  severity: 'error',
  summary: 'A match.gateways entry is not among the VirtualService’s spec.gateways, so the rule never fires',
  docs: 'docs/rules/match-gateway-not-bound.md',
  check({ mesh, report }) {
    for (const vs of mesh.virtualServices) {
      const bound = new Set(vs.gateways.map((g) => gatewayRefKey(g.ref)));
      const boundText = vs.gatewaysExplicit ? `[${vs.gateways.map((g) => g.ref.raw).join(', ')}]` : 'omitted (= [mesh])';
      for (const r of vs.rules) {
        for (const m of r.matches) {
          for (const g of m.gateways ?? []) {
            const key = gatewayRefKey(g.ref);
            if (bound.has(key)) continue;
            const named = key === g.ref.raw ? `"${g.ref.raw}"` : `"${g.ref.raw}" (${key})`;
            const sameName = g.ref.mesh ? undefined : vs.gateways.find((b) => !b.ref.mesh && g.ref.mesh === false && b.ref.name === g.ref.name);
            const fix = sameName ? `write "${sameName.ref.raw}" as in spec.gateways, or add "${g.ref.raw}" there` : `add "${g.ref.raw}" to spec.gateways`;
            report({
              resource: vs.resource,
              path: g.path,
              message: `match.gateways names ${named}, but spec.gateways is ${boundText}: the VirtualService is attached only to the gateways of spec.gateways, so this match never fires; ${fix}.`,
            });
          }
        }
      }
    }
  },
};
