import type { Severity } from '../types.js';
import { escapeGithubData, escapeGithubProperty } from './escape.js';
import type { ReportInput } from './types.js';

// GitHub Actions workflow commands, one line per finding, so findings show as annotations on the
// pull request. Only commands go to stdout.

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

export function githubReport(input: ReportInput): string {
  let out = '';
  for (const f of input.findings) {
    const props = [
      `file=${escapeGithubProperty(f.file)}`,
      `line=${f.line}`,
      `col=${f.column}`,
      `endLine=${f.endLine}`,
      `endColumn=${f.endColumn}`,
      `title=${escapeGithubProperty(f.ruleId)}`,
    ].join(',');
    out += `::${COMMAND[f.severity]} ${props}::${escapeGithubData(f.message)}\n`;
  }
  return out;
}
