// Where the outbound traffic policy comes from (semantics §1.1).
import { parse as parseYaml } from 'yaml';
import type { FieldPath, Resource } from '../types.js';
import { asString, at, isObject } from './resource.js';

export type OutboundMode = 'ALLOW_ANY' | 'REGISTRY_ONLY' | 'ALLOW_ANY_DYNAMIC_DNS';

export interface MeshConfigSource {
  /** What set it, for messages: "ConfigMap istio-system/istio (key mesh)", "--mesh-config mesh.yaml". */
  label: string;
  /** Precedence: higher wins. CLI/config file 3, ConfigMap 2, IstioOperator spec.meshConfig 1, values.meshConfig 0. */
  rank: number;
  /** Control-plane revision ('' = default). */
  revision: string;
  mode?: OutboundMode;
  rootNamespace?: string;
  resource?: Resource;
  /** Path of the mode field in the resource (the ConfigMap's data.mesh for a ConfigMap). */
  path?: FieldPath;
  /** A parse problem of the ConfigMap's embedded YAML. */
  problem?: string;
}

function readMode(v: unknown): OutboundMode | undefined {
  const s = asString(v)?.toUpperCase();
  return s === 'ALLOW_ANY' || s === 'REGISTRY_ONLY' || s === 'ALLOW_ANY_DYNAMIC_DNS' ? s : undefined;
}

/** Reads outboundTrafficPolicy.mode and rootNamespace from a MeshConfig object (camelCase or proto names). */
export function readMeshConfig(mc: unknown): { mode?: OutboundMode; rootNamespace?: string; modeKey?: string[] } {
  if (!isObject(mc)) return {};
  for (const otpKey of ['outboundTrafficPolicy', 'outbound_traffic_policy']) {
    const otp = mc[otpKey];
    if (isObject(otp) && otp.mode !== undefined) {
      return { mode: readMode(otp.mode), rootNamespace: asString(mc.rootNamespace ?? mc.root_namespace), modeKey: [otpKey, 'mode'] };
    }
  }
  return { rootNamespace: asString(mc.rootNamespace ?? mc.root_namespace) };
}

/** The mesh-config sources found among the input's resources. */
export function meshConfigSources(resources: Iterable<Resource>): MeshConfigSource[] {
  const out: MeshConfigSource[] = [];
  for (const r of resources) {
    if (r.kind === 'ConfigMap' && r.group === '' && (r.name === 'istio' || r.name.startsWith('istio-'))) {
      const data = isObject(r.raw.data) ? r.raw.data : undefined;
      const meshText = data && asString(data.mesh);
      if (meshText === undefined) continue;
      // `istio-<rev>` is a revision's mesh config; other istio-* ConfigMaps (istio-sidecar-injector, istio-ca-root-cert) have no `mesh` key.
      const revision = r.name === 'istio' ? '' : r.name.slice('istio-'.length);
      const src: MeshConfigSource = { label: `ConfigMap ${r.namespace}/${r.name} (data.mesh)`, rank: 2, revision, resource: r, path: ['data', 'mesh'] };
      try {
        const parsed = parseYaml(meshText, { maxAliasCount: 100 });
        const mc = readMeshConfig(parsed);
        src.mode = mc.mode;
        src.rootNamespace = mc.rootNamespace;
      } catch (e) {
        src.problem = `the mesh config in data.mesh is not valid YAML (${(e as Error).message.split('\n')[0]})`;
      }
      out.push(src);
    } else if (r.kind === 'IstioOperator' && r.group === 'install.istio.io') {
      const revision = asString(at(r.spec, 'revision')) ?? '';
      const rev = revision === 'default' ? '' : revision;
      const legacy = readMode(at(r.spec, 'values', 'global', 'outboundTrafficPolicy', 'mode'));
      const values = readMeshConfig(at(r.spec, 'values', 'meshConfig'));
      const top = readMeshConfig(at(r.spec, 'meshConfig'));
      // spec.meshConfig is merged over spec.values.meshConfig, which overrode the ≤1.6 global value.
      const mode = top.mode ?? values.mode ?? legacy;
      const path: FieldPath | undefined = top.mode
        ? ['spec', 'meshConfig', ...(top.modeKey ?? [])]
        : values.mode
          ? ['spec', 'values', 'meshConfig', ...(values.modeKey ?? [])]
          : legacy
            ? ['spec', 'values', 'global', 'outboundTrafficPolicy', 'mode']
            : undefined;
      if (mode || top.rootNamespace || values.rootNamespace) {
        out.push({
          label: `IstioOperator ${r.namespace}/${r.name || '<unnamed>'}`,
          rank: 1,
          revision: rev,
          mode,
          rootNamespace: top.rootNamespace ?? values.rootNamespace,
          resource: r,
          path,
        });
      }
    }
  }
  return out;
}
