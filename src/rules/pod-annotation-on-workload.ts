import type { Rule } from './types.js';
import { misplacedPodAnnotations } from '../model/pod-annotations.js';

// A sidecar or capture annotation on a controller's own metadata is never read: the injector sees
// only the pod template's annotations (model/pod-annotations.ts; istioctl IST0107).
export const rule: Rule = {
  id: 'pod-annotation-on-workload',
  severity: 'warning',
  summary: 'Pod-only Istio annotation (capture, injection, proxy config) on a Deployment’s own metadata, where it does nothing',
  docs: 'docs/rules/pod-annotation-on-workload.md',
  related: ['IST0107'],
  check({ mesh, report }) {
    for (const w of mesh.workloads) {
      for (const m of misplacedPodAnnotations(w)) {
        const template = [...w.templatePath, 'metadata', 'annotations'].join('.');
        const fix = m.alsoOnTemplate
          ? `the pod template sets it too (${template}), and that one applies: remove this one`
          : `move it to ${template}`;
        report({
          resource: w.resource,
          path: ['metadata', 'annotations', m.name],
          target: 'key',
          message: `${w.resource.ref}: annotation ${m.name} is on the ${w.resource.kind}'s own metadata, which the sidecar injector never reads (it reads the pod's annotations), so it does nothing; ${fix}.`,
        });
      }
    }
  },
};
