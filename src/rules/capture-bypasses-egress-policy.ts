import type { Rule } from './types.js';
import { AddressSet, CAPTURE_ANNOTATION_KEYS, CAPTURE_ANNOTATIONS, DEFAULT_INTERNAL_RANGES, captureEscapes, checkCaptureAnnotation, type CaptureAnnotation, type ParsedCapture } from '../model/capture.js';
import { dataPlaneOf } from '../model/data-plane.js';
import { workloadPolicy } from '../model/policy.js';
import { at } from '../model/resource.js';

const FIX: Record<CaptureAnnotation, string> = {
  excludeOutboundIPRanges: 'keep only cluster-internal ranges in it',
  excludeOutboundPorts: 'remove the ports and declare those destinations with ServiceEntries instead',
  includeOutboundIPRanges: 'capture everything ("*") and exclude only cluster-internal ranges',
  includeOutboundPorts: 'remove the annotation',
};

// Semantics §7: traffic the iptables rules do not redirect never reaches Envoy, so REGISTRY_ONLY,
// Sidecar egress scoping, egress gateways and TLS origination do not apply to it.
export const rule: Rule = {
  id: 'capture-bypasses-egress-policy',
  severity: 'warning',
  summary: 'Capture annotations let outbound traffic to external addresses skip the sidecar',
  docs: 'docs/rules/capture-bypasses-egress-policy.md',
  securitySeverity: 6.5,
  options: [
    {
      name: 'internalRanges',
      type: 'string[]',
      default: DEFAULT_INTERNAL_RANGES,
      description: 'CIDRs that are not external destinations (cluster, private, loopback, link-local, multicast): excluding them, or capturing only them, is not reported.',
    },
  ],
  check({ mesh, report, options }) {
    const internal = AddressSet.parse(Array.isArray(options.internalRanges) ? options.internalRanges.filter((x): x is string => typeof x === 'string') : DEFAULT_INTERNAL_RANGES);
    for (const w of mesh.workloads) {
      // Only sidecar pods have the iptables rules these annotations shape (ambient pods are redirected to ztunnel by istio-cni).
      if (w.fromOperator || dataPlaneOf(mesh, w).kind !== 'sidecar') continue;
      const values: Partial<Record<CaptureAnnotation, ParsedCapture>> = {};
      for (const key of CAPTURE_ANNOTATION_KEYS) {
        const raw = at(w.resource.raw, ...w.templatePath, 'metadata', 'annotations', CAPTURE_ANNOTATIONS[key]);
        if (typeof raw !== 'string') continue;
        const check = checkCaptureAnnotation(key, raw);
        if (check.ok) values[key] = check.value; // invalid values are invalid-capture-annotation's
      }
      const escapes = captureEscapes(values, internal);
      if (escapes.length === 0) continue;
      const policy = workloadPolicy(mesh, w);
      const registryOnly = policy.mode === 'REGISTRY_ONLY';
      const consequence = registryOnly
        ? `REGISTRY_ONLY (set by ${policy.setBy}) does not apply to it, nor do egress gateways`
        : 'egress policy (REGISTRY_ONLY, Sidecar egress hosts, egress gateways, TLS origination) does not apply to it';
      for (const e of escapes) {
        report({
          resource: w.resource,
          path: [...w.templatePath, 'metadata', 'annotations', CAPTURE_ANNOTATIONS[e.annotation]],
          severity: registryOnly ? 'error' : 'warning',
          message: `${w.resource.ref}: ${e.annotation} lets ${e.what} skip the sidecar${e.except ? ` (except ${e.except})` : ''}, so ${consequence}; ${FIX[e.annotation]}.`,
        });
      }
    }
  },
};
