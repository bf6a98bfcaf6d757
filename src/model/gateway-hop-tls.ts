// Whether the hops of an egress gateway path are encrypted: the sidecar (or waypoint) toward the
// gateway pods, and the gateway pods toward the upstream.
//
// Istio's client TLS (istio/istio pilot/pkg/networking/core/cluster_tls.go, buildUpstreamTLSSettings
// and buildAutoMtlsSettings; semantics §3.2 "When ISTIO_MUTUAL is applied"):
// - a DestinationRule `tls` found by the lookup always wins (DISABLE is plaintext, SIMPLE, MUTUAL
//   and ISTIO_MUTUAL encrypt);
// - without one, auto mTLS (MeshConfig `enableAutoMtls`, default true) sends Istio mTLS only to
//   endpoints whose pod carries `security.istio.io/tlsMode: istio` (the endpoint's TLS mode comes
//   from that label: pilot/pkg/serviceregistry/kube PodTLSMode, model.GetTLSModeFromEndpointLabels),
//   and plaintext to the rest. The sidecar injection template adds the label; the gateway injection
//   template (manifests/charts/istio-control/istio-discovery/files/gateway-injection-template.yaml,
//   used by the `gateway` Helm chart and istioctl's gateways) and the Gateway API deployment template
//   (files/kube-gateway.yaml) do not. So a sidecar talks to an egress gateway in plaintext unless a
//   DestinationRule says ISTIO_MUTUAL, as the istio.io task "Egress Gateways with TLS Origination"
//   does, or the gateway pods were given the label;
// - MESH_EXTERNAL destinations never get auto mTLS: without a DestinationRule that originates TLS
//   (SIMPLE or MUTUAL) the gateway forwards the bytes it holds.
import type { FieldPath, Resource } from '../types.js';
import type { ServiceTarget } from './egress.js';
import { describeWorkload } from './gateways.js';
import type { Workload } from './kinds.js';
import type { ClientTls, DestinationRuleLookup, Mesh } from './mesh.js';
import { meshConfigField } from './mesh-settings.js';

/** The pod label that gives an endpoint Istio's TLS mode. */
export const TLS_MODE_LABEL = 'security.istio.io/tlsMode';

/** What a proxy opens toward the next hop, and why. */
export interface HopEncryption {
  encrypted: boolean;
  /** For people: "tls.mode ISTIO_MUTUAL of DestinationRule ns/name", "no DestinationRule sets TLS and …". */
  why: string;
  lookup?: DestinationRuleLookup;
  tls?: ClientTls;
  /** The setting that decided it when it is not a DestinationRule (MeshConfig enableAutoMtls). */
  resource?: Resource;
  path?: FieldPath;
}

const ENCRYPTING = new Set(['ISTIO_MUTUAL', 'MUTUAL', 'SIMPLE']);

function decidedByRule(lookup: DestinationRuleLookup, tls: ClientTls): HopEncryption {
  const mode = tls.mode ?? 'DISABLE';
  return { encrypted: ENCRYPTING.has(mode), why: `tls.mode ${mode} of ${tls.rule.resource.ref}`, lookup, tls };
}

/** MeshConfig `enableAutoMtls` (default true). */
export function autoMtlsEnabled(mesh: Mesh): { enabled: boolean; label?: string; resource?: Resource; path?: FieldPath } {
  const s = meshConfigField(mesh, ['enableAutoMtls']);
  if (!s) return { enabled: true };
  const v = s.value;
  const enabled = !(v === false || (typeof v === 'string' && v.toLowerCase() === 'false'));
  return { enabled, label: s.label, resource: s.resource, path: s.path };
}

/**
 * The connection a proxy in `clientNamespace` opens toward the gateway pods behind `target` on
 * `port` (route subset `subset`).
 */
export function encryptionTowardGateway(mesh: Mesh, target: ServiceTarget, port: number | undefined, subset: string | undefined, clientNamespace: string, clientLabels?: Record<string, string>): HopEncryption {
  const lookup = mesh.destinationRuleFor(target.host, clientNamespace, clientLabels);
  const tls = lookup ? mesh.clientTls(lookup, port, subset) : undefined;
  if (lookup && tls) return decidedByRule(lookup, tls);
  const auto = autoMtlsEnabled(mesh);
  if (!auto.enabled) return { encrypted: false, why: `no DestinationRule sets TLS, and enableAutoMtls is false in ${auto.label}`, lookup, resource: auto.resource, path: auto.path };
  const pods = target.workloads;
  if (pods.length > 0 && pods.every((w) => labelledForIstioMtls(w))) return { encrypted: true, why: `auto mTLS (its pods carry ${TLS_MODE_LABEL}: istio)`, lookup };
  const unlabelled = pods.find((w) => !labelledForIstioMtls(w));
  const podsText = unlabelled
    ? `the gateway pods of ${describeWorkload(unlabelled)} carry no ${TLS_MODE_LABEL}: istio label`
    : `gateway pods as Istio deploys them carry no ${TLS_MODE_LABEL}: istio label`;
  return { encrypted: false, why: `no DestinationRule sets TLS, and auto mTLS sends plaintext because ${podsText}`, lookup };
}

/** The connection gateway pods (in `podNamespace`, with `podLabels`) open toward an upstream outside the mesh. */
export function encryptionTowardUpstream(mesh: Mesh, host: string, port: number | undefined, subset: string | undefined, podNamespace: string, podLabels?: Record<string, string>): HopEncryption {
  const lookup = mesh.destinationRuleFor(host, podNamespace, podLabels);
  const tls = lookup ? mesh.clientTls(lookup, port, subset) : undefined;
  if (lookup && tls) return decidedByRule(lookup, tls);
  return { encrypted: false, why: `no DestinationRule visible to the gateway's namespace ${podNamespace} originates TLS`, lookup };
}

function labelledForIstioMtls(w: Workload): boolean {
  return w.labels[TLS_MODE_LABEL] === 'istio';
}
