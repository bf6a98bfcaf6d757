import { ignoredPolicyKeys, precedenceReason } from '../model/mesh-layers.js';
import { decidingLayer, type MeshLayer } from '../model/policy.js';
import type { Rule } from './types.js';

const FIELDS = [
  { name: 'outboundTrafficPolicy.mode', value: (l: MeshLayer) => l.mode, path: (l: MeshLayer) => l.modePath },
  { name: 'rootNamespace', value: (l: MeshLayer) => l.rootNamespace, path: (l: MeshLayer) => l.rootNamespacePath },
] as const;

export const rule: Rule = {
  id: 'mesh-config-conflict',
  severity: 'warning',
  summary: 'Mesh-config sources disagree on outboundTrafficPolicy.mode or rootNamespace, or istiod cannot read one',
  docs: 'docs/rules/mesh-config-conflict.md',
  check({ mesh, report }) {
    const layers = mesh.meshLayers;
    // Each revision's istiod reads its own ConfigMap; the linter's own mesh config applies to all.
    const revisions = [...new Set(layers.flatMap((l) => (l.revision === undefined ? [] : [l.revision])))].sort();
    for (const revision of revisions) {
      const group = layers.filter((l) => l.revision === undefined || l.revision === revision);
      for (const field of FIELDS) {
        const setting = group.filter((l) => field.value(l) !== undefined);
        const winner = decidingLayer(setting);
        if (!winner) continue;
        for (const loser of setting) {
          const path = field.path(loser);
          if (loser === winner || !loser.resource || !path || field.value(loser) === field.value(winner)) continue;
          report({
            resource: loser.resource,
            path,
            message:
              `${loser.label} sets ${field.name} ${field.value(loser)}, but ${winner.label} sets ${field.value(winner)} and wins because ${precedenceReason(winner, loser)}` +
              `${revision ? ` (revision ${revision})` : ''}. Make them agree, or remove the setting that does not take effect.`,
          });
        }
      }
    }

    for (const layer of layers) {
      if (layer.problem && layer.resource && layer.configPath) {
        report({
          resource: layer.resource,
          path: layer.configPath,
          message: `In ${layer.label}, ${layer.problem.replace(/:\)$/, ')')}: istiod rejects it and keeps its last good (or default) mesh config, so no setting in it, outboundTrafficPolicy included, takes effect. Fix the YAML.`,
        });
      }
    }

    for (const layer of layers) {
      if (!layer.resource || !layer.configPath) continue;
      for (const k of ignoredPolicyKeys(layer.config)) {
        const where = k.path.join('.');
        const lost = k.lostMode ? `, so mode ${k.lostMode} is not applied` : '';
        const hint = k.suggestion ? ` Write "${k.suggestion}".` : ' Known fields: mode, egressProxy.';
        report({
          resource: layer.resource,
          path: layer.embedded ? layer.configPath : [...layer.configPath, ...k.path],
          target: layer.embedded ? 'value' : 'key',
          message: `${layer.label}: key "${where}" is not a mesh config field; istiod ignores unknown keys without an error${lost}.${hint}`,
        });
      }
    }
  },
};
