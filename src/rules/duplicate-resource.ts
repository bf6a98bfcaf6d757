import { repeatedResources } from '../model/resource-identity.js';
import type { Rule } from './types.js';

// One object (group, kind, namespace, name) defined more than once in the input
// (src/model/resource-identity.ts): applying the files leaves only the definition applied last.
// Reported at every definition after the first, naming the first (one finding per extra
// definition, so the text stays linear in the number of definitions).
export const rule: Rule = {
  id: 'duplicate-resource',
  severity: 'warning',
  summary: 'The same object (kind, namespace, name) is defined more than once: the definition applied last replaces the others',
  docs: 'docs/rules/duplicate-resource.md',
  related: [],
  check({ mesh, report }) {
    for (const list of repeatedResources(mesh.resources)) {
      const first = list[0]!;
      const at = first.doc.locate(['metadata', 'name']);
      const where = `${first.doc.file.displayPath}:${at.line}`;
      list.slice(1).forEach((r, i) => {
        const sameFile = r.doc.file.path === first.doc.file.path;
        report({
          resource: r,
          path: ['metadata', 'name'],
          message: `${r.ref} is already defined at ${sameFile ? `line ${at.line} of this file` : where}${list.length > 2 ? ` (definition ${i + 2} of ${list.length})` : ''}: they are one object, so applying both keeps only the one applied last, whole, and nothing of the other is merged in. Keep one definition, or give them different names.`,
        });
      });
    }
  },
};
