// How the mesh-config layers (policy.ts, semantics §1.1) are told apart for mesh-config-conflict:
// why one layer beats another, and the parsing caveat of §1.1: the mesh YAML is read with unknown
// fields allowed, so a misspelt key is silently ignored.
import { editDistance } from '../util/suggest.js';
import type { MeshLayer } from './policy.js';
import { asString, at, isObject } from './resource.js';

/** Why `winner` beats `loser` (both set the field; winner chosen by policy.ts decidingLayer). */
export function precedenceReason(winner: MeshLayer, loser: MeshLayer): string {
  if (winner.rank === 4) return 'the linter was given it as the live mesh config, which overrides the input';
  if (winner.rank === loser.rank) return 'it comes later in the input, so it is applied last and replaces this one';
  if (winner.rank === 3) return 'istiod reads its own ConfigMap, not the IstioOperator that would generate it';
  if (winner.rank === 2 && loser.rank === 0) return 'spec.meshConfig is merged over spec.values, whose meshConfig replaced values.global.outboundTrafficPolicy (Helm ≤ 1.6)';
  if (winner.rank === 2) return 'spec.meshConfig is merged over spec.values.meshConfig';
  return 'spec.values.meshConfig overrides the Helm ≤ 1.6 values.global.outboundTrafficPolicy';
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
        const suggestion = OTP_FIELDS.find((known) => squash(known) === squash(f) || editDistance(squash(f), squash(known)) <= 2);
        out.push({ path: [k, f], key: f, suggestion, lostMode: suggestion === 'mode' ? asString(fv) : undefined });
      }
      continue;
    }
    if (squash(k) === 'outboundtrafficpolicy' || editDistance(squash(k), 'outboundtrafficpolicy') <= 3) {
      out.push({ path: [k], key: k, suggestion: 'outboundTrafficPolicy', lostMode: asString(at(v, 'mode')) ?? asString(at(v, 'mod')) });
    }
  }
  return out;
}
