import { repeatedResources } from '../model/resource-identity.js';
import type { Rule } from './types.js';

// One object (group, kind, namespace, name) defined more than once in the input
// (src/model/resource-identity.ts): applying the files leaves only the definition applied last.
// Reported at every definition after the first, naming the first's file and document (one finding per extra
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
      // The first definition by file and document number: locating it would re-read its document,
      // which costs as much as the document is large (a finding's own position is located once, later).
      const doc = `document ${first.doc.index + 1}`;
      list.slice(1).forEach((r, i) => {
        const sameFile = r.doc.file.path === first.doc.file.path;
        report({
          resource: r,
          path: ['metadata', 'name'],
          message: `${r.ref} is already defined in ${sameFile ? `${doc} of this file` : `${first.doc.file.displayPath} (${doc})`}${list.length > 2 ? ` (definition ${i + 2} of ${list.length})` : ''}: they are one object, so applying both keeps only the one applied last, whole, and nothing of the other is merged in. Keep one definition, or give them different names.`,
        });
      });
    }
  },
};
