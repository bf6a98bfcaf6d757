// Every place of the input that sets the mesh config, one layer per field source, with Istio's
// precedence between them (semantics §1.1): the linter's --mesh-config / config-file meshConfig
// (what the user says the live mesh runs) > ConfigMap istio[-rev] `data.mesh` (what istiod reads) >
// IstioOperator spec.meshConfig (merged over) > spec.values.meshConfig (which overrode) >
// spec.values.global.outboundTrafficPolicy (Helm ≤ 1.6). Also the parsing caveat of §1.1: the
// mesh YAML is read with unknown fields allowed, so a misspelt key is silently ignored.
import { parse as parseYaml } from 'yaml';
import type { FieldPath, Resource } from '../types.js';
import { levenshtein } from './gateways.js';
import type { Mesh } from './mesh.js';
import { readMeshConfig, type OutboundMode } from './policy.js';
import { asString, at, isObject } from './resource.js';

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
}

function readMode(v: unknown): OutboundMode | undefined {
  const s = asString(v)?.toUpperCase();
  return s === 'ALLOW_ANY' || s === 'REGISTRY_ONLY' || s === 'ALLOW_ANY_DYNAMIC_DNS' ? s : undefined;
}

const cache = new WeakMap<Mesh, MeshLayer[]>();

/** The mesh-config layers of the input (and the CLI one), in input order. */
export function meshLayers(mesh: Mesh): MeshLayer[] {
  let out = cache.get(mesh);
  if (out) return out;
  out = [];
  const cli = mesh.options.meshConfig;
  if (cli && (cli.mode || cli.rootNamespace)) {
    out.push({ label: cli.label, rank: 4, mode: cli.mode, rootNamespace: cli.rootNamespace, embedded: false, order: -1 });
  }
  let order = 0;
  for (const src of mesh.meshSources) {
    const r = src.resource;
    if (!r) continue;
    if (r.kind === 'ConfigMap') {
      if (src.problem) continue;
      let config: unknown;
      try {
        config = parseYaml(asString(at(r.raw, 'data', 'mesh')) ?? '', { maxAliasCount: 100 });
      } catch {
        continue;
      }
      const mc = readMeshConfig(config);
      out.push({
        label: src.label,
        rank: 3,
        revision: src.revision,
        mode: mc.mode,
        modePath: ['data', 'mesh'],
        rootNamespace: mc.rootNamespace,
        rootNamespacePath: ['data', 'mesh'],
        resource: r,
        config,
        configPath: ['data', 'mesh'],
        embedded: true,
        order: order++,
      });
    }
  }
  // IstioOperators are read field by field (meshSources merges them into one source).
  for (const r of mesh.ofKind('IstioOperator')) {
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
  cache.set(mesh, out);
  return out;
}

/** Why `winner` beats `loser` (both set the field; winner chosen by meshLayerWinner). */
export function precedenceReason(winner: MeshLayer, loser: MeshLayer): string {
  if (winner.rank === 4) return 'the linter was given it as the live mesh config, which overrides the input';
  if (winner.rank === loser.rank) return 'it comes later in the input, so it is applied last and replaces this one';
  if (winner.rank === 3) return 'istiod reads its own ConfigMap, not the IstioOperator that would generate it';
  if (winner.rank === 2 && loser.rank === 0) return 'spec.meshConfig is merged over spec.values, whose meshConfig replaced values.global.outboundTrafficPolicy (Helm ≤ 1.6)';
  if (winner.rank === 2) return 'spec.meshConfig is merged over spec.values.meshConfig';
  return 'spec.values.meshConfig overrides the Helm ≤ 1.6 values.global.outboundTrafficPolicy';
}

/** The layer that decides among those that set a field: highest rank, then the later one. */
export function meshLayerWinner(layers: MeshLayer[]): MeshLayer | undefined {
  return [...layers].sort((a, b) => b.rank - a.rank || b.order - a.order)[0];
}

// ---------------------------------------------------------------- ignored keys (§1.1 parsing caveat)

const OTP_NAMES = new Set(['outboundTrafficPolicy', 'outbound_traffic_policy']);
const OTP_FIELDS = ['mode', 'egressProxy', 'egress_proxy'];

function squash(s: string): string {
  return s.toLowerCase().replace(/[_-]/g, '');
}

export interface IgnoredMeshKey {
  /** Path of the key inside the mesh config object. */
  path: string[];
  key: string;
  /** What it was probably meant to be. */
  suggestion?: string;
  /** The mode written under the ignored key, if any. */
  lostMode?: string;
}

/**
 * Keys of a mesh config that look meant for outboundTrafficPolicy but that Istio does not know, so
 * it ignores them: a misspelt `outboundTrafficPolicy` (any spelling other than the JSON and proto
 * names), and unknown fields inside it (`mod:`). Other top-level keys are left alone: the
 * MeshConfig has dozens of fields the linter does not model.
 */
export function ignoredPolicyKeys(config: unknown): IgnoredMeshKey[] {
  if (!isObject(config)) return [];
  const out: IgnoredMeshKey[] = [];
  for (const [k, v] of Object.entries(config)) {
    if (OTP_NAMES.has(k)) {
      if (!isObject(v)) continue;
      for (const [f, fv] of Object.entries(v)) {
        if (OTP_FIELDS.includes(f)) continue;
        const suggestion = OTP_FIELDS.find((known) => squash(known) === squash(f) || levenshtein(squash(f), squash(known)) <= 2);
        out.push({ path: [k, f], key: f, suggestion, lostMode: suggestion === 'mode' ? asString(fv) : undefined });
      }
      continue;
    }
    if (squash(k) === 'outboundtrafficpolicy' || levenshtein(squash(k), 'outboundtrafficpolicy') <= 3) {
      out.push({ path: [k], key: k, suggestion: 'outboundTrafficPolicy', lostMode: asString(at(v, 'mode')) ?? asString(at(v, 'mod')) });
    }
  }
  return out;
}
