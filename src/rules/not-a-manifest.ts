import type { Rule } from './types.js';

export const rule: Rule = {
  id: 'not-a-manifest',
  severity: 'info',
  summary: 'A document or file is not a Kubernetes manifest (Helm values or template, kustomize file, fragment) and was skipped',
  docs: 'docs/rules/not-a-manifest.md',
  check({ mesh, report }) {
    for (const p of mesh.loadProblems) {
      if (p.ruleId === 'not-a-manifest') report({ file: p.file, range: p.range, message: p.message });
    }
  },
};
