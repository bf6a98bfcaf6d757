import type { Severity } from '../types.js';
import { escapeGithubData, escapeGithubProperty } from './escape.js';
import type { ReportInput } from './types.js';

// GitHub Actions workflow commands, one line per finding, so findings show as annotations on the
// pull request. Only commands go to stdout.

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

export function githubReport(input: ReportInput): string {
  let out = '';
  for (const f of input.findings) {
    // Columns only on a one-line range: GitHub's check-run annotations accept start and end columns
    // only when the start and end lines are the same (Checks API, "annotations" object).
    const columns = f.line === f.endLine ? [`col=${f.column}`, `endColumn=${f.endColumn}`] : [];
    const props = [`file=${escapeGithubProperty(f.file)}`, `line=${f.line}`, ...columns.slice(0, 1), `endLine=${f.endLine}`, ...columns.slice(1), `title=${escapeGithubProperty(f.ruleId)}`].join(',');
    out += `::${COMMAND[f.severity]} ${props}::${escapeGithubData(f.message)}\n`;
  }
  return out;
}
