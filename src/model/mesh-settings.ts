// Single MeshConfig fields and istiod settings, read from the mesh-config layers of the input and of
// the command line (policy.ts): the layer that decides a field is the highest-ranked, then the later
// one (decidingLayer), among the layers of the default revision that set it.
import type { FieldPath, Resource } from '../types.js';
import type { Mesh } from './mesh.js';
import { decidingLayer, type MeshLayer } from './policy.js';
import { asArray, asString, at, isObject } from './resource.js';

export interface MeshSetting<T> {
  value: T;
  /** For messages: "ConfigMap istio-system/istio (data.mesh)". */
  label: string;
  resource?: Resource;
  path?: FieldPath;
}

/**
 * The value of a MeshConfig field, written camelCase or with proto names (`defaultServiceExportTo`,
 * `default_service_export_to`), nested keys given in order.
 */
export function meshConfigField(mesh: Mesh, keys: readonly string[]): MeshSetting<unknown> | undefined {
  return meshConfigFieldOf(mesh.meshLayers, keys);
}

/** meshConfigField over a list of layers (for the Mesh itself, while it is being built). */
export function meshConfigFieldOf(layers: readonly MeshLayer[], keys: readonly string[]): MeshSetting<unknown> | undefined {
  const read = (config: unknown): unknown => {
    let v: unknown = config;
    for (const k of keys) {
      if (!isObject(v)) return undefined;
      v = v[k] ?? v[snake(k)];
    }
    return v;
  };
  const layer = decidingLayer(layers.filter((l: MeshLayer) => !l.problem && (l.revision === undefined || l.revision === '') && read(l.config) !== undefined));
  if (!layer) return undefined;
  return { value: read(layer.config), label: layer.label, resource: layer.resource, path: layer.embedded ? layer.configPath : layer.configPath && [...layer.configPath, ...keys] };
}

function snake(k: string): string {
  return k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/**
 * A proxy metadata flag of the mesh-wide `defaultConfig.proxyMetadata` (the proxy's environment,
 * ISTIO_META_* names; pkg/bootstrap reads them as node metadata), true when its value is "true".
 */
export function meshProxyMetadataFlag(mesh: Mesh, name: string): MeshSetting<boolean> | undefined {
  const s = meshConfigField(mesh, ['defaultConfig', 'proxyMetadata', name]);
  if (!s) return undefined;
  return { ...s, value: String(s.value).toLowerCase() === 'true' };
}

/**
 * An istiod environment variable set by an IstioOperator of the input (`spec.values.pilot.env`, or
 * `spec.components.pilot.k8s.env`): the later operator wins, as the later one applied.
 */
export function istiodEnv(mesh: Mesh, name: string): MeshSetting<string> | undefined {
  let found: MeshSetting<string> | undefined;
  for (const r of mesh.ofKind('IstioOperator')) {
    const rev = asString(r.spec.revision) ?? '';
    if (rev !== '' && rev !== 'default') continue;
    const values = at(r.spec, 'values', 'pilot', 'env');
    if (isObject(values) && values[name] !== undefined) found = { value: String(values[name]), label: `${r.ref} spec.values.pilot.env`, resource: r, path: ['spec', 'values', 'pilot', 'env', name] };
    asArray(at(r.spec, 'components', 'pilot', 'k8s', 'env')).forEach((e, i) => {
      if (isObject(e) && e.name === name && e.value !== undefined) found = { value: String(e.value), label: `${r.ref} spec.components.pilot.k8s.env`, resource: r, path: ['spec', 'components', 'pilot', 'k8s', 'env', i] };
    });
  }
  return found;
}
