// The mesh config's `serviceEntryVisibility` (Istio 1.31; istio.io docs/ambient/usage/
// serviceentry-visibility; pilot/pkg/model ServiceEntryVisibilityMatcher): a visibility for each
// ServiceEntry from the labels of the namespace it is declared in. The first policy whose
// matchingRules all match wins (an empty rule list matches everything), else defaultVisibility;
// unset or UNSPECIFIED is PUBLIC. A rule without a namespaceSelector never matches. The ambient data
// plane always honours it: NAMESPACE hides the entry from clients in other namespaces (for them it
// does not exist), NONE from everyone; sidecars and gateways only with `applyToSidecars: true`.
import type { FieldPath, Resource } from '../types.js';
import { labelSelector, namespaceLabels, type LabelSelectorMatcher } from './label-selector.js';
import type { Mesh } from './mesh.js';
import { decidingLayer } from './policy.js';
import { asArray, asString, isObject } from './resource.js';

export type ServiceEntryVisibility = 'PUBLIC' | 'NAMESPACE' | 'NONE';

export interface VisibilitySetting {
  /** The resource that sets it, and where (for messages). */
  label: string;
  resource?: Resource;
  path?: FieldPath;
  applyToSidecars: boolean;
  visibilityOf(namespace: string): ServiceEntryVisibility;
}

function readVisibility(v: unknown): ServiceEntryVisibility {
  const s = asString(v)?.toUpperCase();
  return s === 'NAMESPACE' || s === 'NONE' ? s : 'PUBLIC';
}

const cache = new WeakMap<Mesh, VisibilitySetting | null>();

/** The setting in force (Istio 1.31 and later), or undefined when the mesh config does not set it. */
export function serviceEntryVisibility(mesh: Mesh): VisibilitySetting | undefined {
  const cached = cache.get(mesh);
  if (cached !== undefined) return cached ?? undefined;
  const setting = read(mesh);
  cache.set(mesh, setting ?? null);
  return setting;
}

function read(mesh: Mesh): VisibilitySetting | undefined {
  if (!mesh.istioAtLeast(1, 31)) return undefined;
  const key = (config: unknown) => (isObject(config) ? (config.serviceEntryVisibility !== undefined ? 'serviceEntryVisibility' : config.service_entry_visibility !== undefined ? 'service_entry_visibility' : undefined) : undefined);
  const layer = decidingLayer(mesh.meshLayers.filter((l) => !l.problem && (l.revision === undefined || l.revision === '') && key(l.config) !== undefined));
  if (!layer) return undefined;
  const k = key(layer.config)!;
  const sev = (layer.config as Record<string, unknown>)[k];
  if (!isObject(sev)) return undefined;
  const fallback = readVisibility(sev.defaultVisibility ?? sev.default_visibility);
  const policies: { visibility: ServiceEntryVisibility; rules: LabelSelectorMatcher[] }[] = [];
  for (const p of asArray(sev.policies)) {
    if (!isObject(p)) continue;
    const rules = asArray(p.matchingRules ?? p.matching_rules).map((r) => {
      const sel = isObject(r) ? (r.namespaceSelector ?? r.namespace_selector) : undefined;
      return sel === undefined ? () => false : labelSelector(sel);
    });
    policies.push({ visibility: readVisibility(p.visibility), rules });
  }
  const nsLabels = (ns: string) => namespaceLabels(ns, mesh.get('Namespace', '', ns)?.labels);
  return {
    label: layer.label,
    resource: layer.resource,
    path: layer.embedded ? layer.configPath : [...(layer.configPath ?? []), k],
    applyToSidecars: (sev.applyToSidecars ?? sev.apply_to_sidecars) === true,
    visibilityOf(namespace) {
      const labels = nsLabels(namespace);
      for (const p of policies) if (p.rules.every((r) => r(labels))) return p.visibility;
      return fallback;
    },
  };
}

/** Whether an ambient client in `clientNamespace` sees a ServiceEntry declared in `seNamespace` (visibility only; exportTo apart). */
export function visibleToAmbient(setting: VisibilitySetting | undefined, seNamespace: string, clientNamespace: string): boolean {
  if (!setting) return true;
  const v = setting.visibilityOf(seNamespace);
  return v === 'PUBLIC' || (v === 'NAMESPACE' && seNamespace === clientNamespace);
}
