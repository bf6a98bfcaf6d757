import { escapeTerminal } from './escape.js';
import type { ReportInput } from './types.js';

// One line per finding, `file:line:col: severity message [rule]`: the form editors' error parsers
// (Vim's errorformat, Emacs compilation mode) and grep read. Nothing else is printed, so a clean
// run prints nothing.
export function compactReport(input: ReportInput): string {
  let out = '';
  for (const f of input.findings) out += `${escapeTerminal(f.file)}:${f.line}:${f.column}: ${f.severity} ${escapeTerminal(f.message)} [${f.ruleId}]\n`;
  return out;
}
