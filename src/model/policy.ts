// Where the outbound traffic policy and the root namespace come from (semantics §1.1): every place
// of the input that sets the mesh config, one layer per field source, and Istio's precedence
// between them: the linter's --mesh-config / config-file meshConfig (what the user says the live
// mesh runs) > ConfigMap istio[-rev] `data.mesh` (what istiod reads) > IstioOperator
// spec.meshConfig (merged over) > spec.values.meshConfig (which overrode) >
// spec.values.global.outboundTrafficPolicy (Helm ≤ 1.6); between equal ranks the later in the
// input, applied last, wins. Mesh.meshPolicy and mesh-config-conflict both decide with decidingLayer.
import { parseEmbeddedYaml } from '../load/parse.js';
import type { FieldPath, Resource } from '../types.js';
import { dataPlaneOf, namespaceDataPlane, PROXY_UID } from './data-plane.js';
import type { Workload } from './kinds.js';
import type { Mesh, PolicyDecision } from './mesh.js';
import { asString, at, isObject } from './resource.js';

export type OutboundMode = 'ALLOW_ANY' | 'REGISTRY_ONLY' | 'ALLOW_ANY_DYNAMIC_DNS';

export interface MeshLayer {
  /** "ConfigMap istio-system/istio (data.mesh)", "IstioOperator istio-system/x spec.meshConfig", the CLI label. */
  label: string;
  /** Higher wins: 4 CLI/config file, 3 ConfigMap, 2 IOP spec.meshConfig, 1 IOP spec.values.meshConfig, 0 values.global. */
  rank: number;
  /** Control-plane revision ('' = default); undefined for the CLI layer, which applies to every revision. */
  revision?: string;
  mode?: OutboundMode;
  modePath?: FieldPath;
  rootNamespace?: string;
  rootNamespacePath?: FieldPath;
  resource?: Resource;
  /** The mesh config object itself (parsed data.mesh for a ConfigMap) and where it is in the resource. */
  config?: unknown;
  configPath?: FieldPath;
  /** True when the config is a YAML string inside the resource (paths cannot go deeper than configPath). */
  embedded: boolean;
  /** Position in the input, for ties (the later one applied wins). */
  order: number;
  /** A ConfigMap whose data.mesh is not valid YAML: istiod rejects it, so it sets nothing. */
  problem?: string;
}

export function readMode(v: unknown): OutboundMode | undefined {
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

/**
 * The mesh-config layers: the CLI one (when given), then the ConfigMaps' and the IstioOperators'
 * in input order. `configMaps` and `operators` are the input's resources of those kinds.
 */
export function meshConfigLayers(configMaps: Iterable<Resource>, operators: Iterable<Resource>, cli?: { mode?: OutboundMode; rootNamespace?: string; label: string; config?: unknown }): MeshLayer[] {
  const out: MeshLayer[] = [];
  if (cli && (cli.mode || cli.rootNamespace || isObject(cli.config))) {
    out.push({ label: cli.label, rank: 4, mode: cli.mode, rootNamespace: cli.rootNamespace, config: isObject(cli.config) ? cli.config : undefined, embedded: false, order: -1 });
  }
  let order = 0;
  for (const r of configMaps) {
    if (r.group !== '' || (r.name !== 'istio' && !r.name.startsWith('istio-'))) continue;
    const meshText = isObject(r.raw.data) ? asString(r.raw.data.mesh) : undefined;
    // `istio-<rev>` is a revision's mesh config; other istio-* ConfigMaps (istio-sidecar-injector, istio-ca-root-cert) have no `mesh` key.
    if (meshText === undefined) continue;
    const layer: MeshLayer = {
      label: `ConfigMap ${r.namespace}/${r.name} (data.mesh)`,
      rank: 3,
      revision: r.name === 'istio' ? '' : r.name.slice('istio-'.length),
      resource: r,
      configPath: ['data', 'mesh'],
      embedded: true,
      order: order++,
    };
    // The loader's own reader: bounded nesting, aliases and size, and the same message for the same text.
    const parsed = parseEmbeddedYaml(meshText);
    if (parsed.error !== undefined) {
      layer.problem = `the mesh config in data.mesh is not valid YAML (${parsed.error})`;
      out.push(layer);
      continue;
    }
    layer.config = parsed.value;
    const mc = readMeshConfig(layer.config);
    out.push({ ...layer, mode: mc.mode, modePath: ['data', 'mesh'], rootNamespace: mc.rootNamespace, rootNamespacePath: ['data', 'mesh'] });
  }
  // An IstioOperator is read field by field: each source is its own layer.
  for (const r of operators) {
    if (r.group !== 'install.istio.io') continue;
    const rev = asString(r.spec.revision) ?? '';
    const revision = rev === 'default' ? '' : rev;
    const name = `IstioOperator ${r.namespace}/${r.name || '<unnamed>'}`;
    for (const [rank, base] of [
      [2, ['spec', 'meshConfig']],
      [1, ['spec', 'values', 'meshConfig']],
    ] as const) {
      const config = at(r.raw, ...base);
      if (!isObject(config)) continue;
      const mc = readMeshConfig(config);
      const rootKey = config.rootNamespace !== undefined ? 'rootNamespace' : 'root_namespace';
      out.push({
        label: `${name} ${base.join('.')}`,
        rank,
        revision,
        mode: mc.mode,
        modePath: mc.modeKey ? [...base, ...mc.modeKey] : undefined,
        rootNamespace: mc.rootNamespace,
        rootNamespacePath: mc.rootNamespace !== undefined ? [...base, rootKey] : undefined,
        resource: r,
        config,
        configPath: [...base],
        embedded: false,
        order: order++,
      });
    }
    const legacy = readMode(at(r.spec, 'values', 'global', 'outboundTrafficPolicy', 'mode'));
    if (legacy) {
      out.push({
        label: `${name} spec.values.global.outboundTrafficPolicy`,
        rank: 0,
        revision,
        mode: legacy,
        modePath: ['spec', 'values', 'global', 'outboundTrafficPolicy', 'mode'],
        resource: r,
        embedded: false,
        order: order++,
      });
    }
  }
  return out;
}

/** The layer that decides among those that set a field: the highest rank, then the later one (applied last). */
export function decidingLayer<L extends Pick<MeshLayer, 'rank' | 'order'>>(layers: Iterable<L>): L | undefined {
  let best: L | undefined;
  for (const l of layers) if (!best || l.rank > best.rank || (l.rank === best.rank && l.order > best.order)) best = l;
  return best;
}

// ---------------------------------------------------------------- the policy a data plane applies

/**
 * The outbound policy of a workload's traffic, with its data plane. Sidecar pods: the Sidecar
 * resource or the mesh config (Mesh.effectivePolicy). Ambient pods: ztunnel does not apply
 * `outboundTrafficPolicy` (istio.io docs/ambient/usage/egress-gateway: egress is controlled by a
 * waypoint and AuthorizationPolicy; Sidecar resources do not apply to ambient pods, istioctl IST0167
 * IneffectiveSidecar), so the mesh-wide mode is kept for messages only. Pods outside the mesh: no
 * proxy at all.
 */
export function workloadPolicy(mesh: Mesh, w: Workload): PolicyDecision {
  const dataPlane = dataPlaneOf(mesh, w);
  if (dataPlane.kind === 'sidecar') return { ...mesh.effectivePolicy(w.namespace, w.labels), dataPlane };
  return { ...mesh.meshPolicy(mesh.revisionOf(w.namespace, w.labels)), dataPlane };
}

/** The outbound policy of "the proxies of a namespace" (configuration references), with the namespace's data plane. */
export function namespacePolicy(mesh: Mesh, namespace: string, labels?: Record<string, string>): PolicyDecision {
  const dataPlane = namespaceDataPlane(mesh, namespace);
  if (dataPlane.kind === 'sidecar') return { ...mesh.effectivePolicy(namespace, labels), dataPlane };
  return { ...mesh.meshPolicy(mesh.revisionOf(namespace, labels)), dataPlane };
}

/**
 * Whether a proxy on the traffic's path applies the decision's mode: a sidecar (or a gateway, which
 * carries no data plane) does; ztunnel and pods outside the mesh do not.
 */
export function modeEnforced(policy: PolicyDecision): boolean {
  return !policy.uncaptured && (policy.dataPlane === undefined || policy.dataPlane.kind === 'sidecar');
}

/** REGISTRY_ONLY, applied by a proxy on the path: unknown hosts fail. */
export function registryOnlyEnforced(policy: PolicyDecision): boolean {
  return policy.mode === 'REGISTRY_ONLY' && modeEnforced(policy);
}

/** Why the mesh's mode does not apply, for messages ("ztunnel does not apply outboundTrafficPolicy"). */
export function whyModeNotEnforced(policy: PolicyDecision): string | undefined {
  const dp = policy.dataPlane;
  if (policy.uncaptured) {
    const u = policy.uncaptured;
    return `container ${u.container.name || '<unnamed>'} runs with ${u.field} ${PROXY_UID}, the sidecar proxy's own, so iptables never hands its connections to the sidecar`;
  }
  if (!dp || dp.kind === 'sidecar') return undefined;
  return dp.kind === 'ambient'
    ? `its pods run in ambient mode (${dp.reason}) and ztunnel does not apply outboundTrafficPolicy`
    : `its pods are outside the mesh (${dp.reason}), so no proxy applies outboundTrafficPolicy`;
}
