import type { Rule } from './types.js';
import { CAPTURE_ANNOTATION_KEYS, CAPTURE_ANNOTATIONS, checkCaptureAnnotation } from '../model/capture.js';
import { dataPlaneOf } from '../model/data-plane.js';
import { at } from '../model/resource.js';

// Semantics §7: the injector validates the IP-range and excluded-port annotations and rejects the
// pod when one is wrong; includeOutboundPorts goes unchecked into istio-init's iptables rules.
export const rule: Rule = {
  id: 'invalid-capture-annotation',
  severity: 'error',
  summary: 'Traffic-capture annotation whose value is not a CIDR list or port list',
  docs: 'docs/rules/invalid-capture-annotation.md',
  check({ mesh, report }) {
    for (const w of mesh.workloads) {
      // The injector validates them when it injects a sidecar; other pods never read them.
      if (w.fromOperator || dataPlaneOf(mesh, w).kind !== 'sidecar') continue;
      for (const key of CAPTURE_ANNOTATION_KEYS) {
        const name = CAPTURE_ANNOTATIONS[key];
        const path = [...w.templatePath, 'metadata', 'annotations', name];
        const raw = at(w.resource.raw, ...path);
        if (raw === undefined || raw === null) continue;
        if (typeof raw !== 'string') {
          report({ resource: w.resource, path, message: `${w.resource.ref}: annotation ${name} holds a ${typeof raw}, but annotation values must be strings, so the API server refuses the object; quote it ("${String(raw)}").` });
          continue;
        }
        const check = checkCaptureAnnotation(key, raw);
        if (check.ok) continue;
        report({ resource: w.resource, path, message: `${w.resource.ref}: ${name} "${raw}" ${check.problem}: ${check.effect}.` });
      }
    }
  },
};
