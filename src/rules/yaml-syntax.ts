import type { Rule } from './types.js';

export const rule: Rule = {
  id: 'yaml-syntax',
  severity: 'error',
  summary: 'A file or document is not valid YAML or not valid UTF-8',
  docs: 'docs/rules/yaml-syntax.md',
  check({ mesh, report }) {
    for (const p of mesh.loadProblems) {
      if (p.ruleId === 'yaml-syntax') report({ file: p.file, range: p.range, message: p.message });
    }
  },
};
