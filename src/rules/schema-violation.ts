import { hostNameIssues } from '../schema/hosts.js';
import { schemaIssues } from '../schema/validate.js';
import type { Rule } from './types.js';

export const rule: Rule = {
  id: 'schema-violation',
  severity: 'error',
  summary:
    'A resource of a modelled kind breaks its schema: unknown field (CRD pruning drops it), wrong type, value outside an enum, missing required field',
  docs: 'docs/rules/schema-violation.md',
  related: ['IST0106'],
  check(ctx) {
    for (const resource of ctx.mesh.resources) {
      for (const issue of [...schemaIssues(resource), ...hostNameIssues(resource, ctx.mesh.istioAtLeast(1, 31))]) {
        ctx.report({ resource, path: issue.path, message: issue.message, target: issue.target });
      }
    }
  },
};
