import { Chalk, type ChalkInstance } from 'chalk';
import type { Finding, Severity } from '../types.js';
import { escapeTerminal } from './escape.js';
import type { ReportInput, Summary } from './types.js';

// Human-readable output, grouped by file:
//
//   manifests/egress.yaml
//     12:7   error    Subset "v2" of api.example.com is defined by no DestinationRule ...  subset-not-found
//
//   ✖ 1 problem (1 error, 0 warnings, 0 infos) in 3 files

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function severityColor(chalk: ChalkInstance, severity: Severity): (text: string) => string {
  switch (severity) {
    case 'error':
      return chalk.red;
    case 'warning':
      return chalk.yellow;
    case 'info':
      return chalk.blue;
  }
}

/** Messages shorter than this are padded so that rule ids line up; longer ones are not. */
const MAX_MESSAGE_PAD = 160;

function widest(lengths: number[]): number {
  let max = 0;
  for (const n of lengths) if (n > max) max = n;
  return max;
}

interface Row {
  position: string;
  severity: Severity;
  message: string;
  ruleId: string;
}

function fileBlock(chalk: ChalkInstance, file: string, findings: Finding[]): string {
  const rows: Row[] = findings.map((f) => ({
    position: `${f.line}:${f.column}`,
    severity: f.severity,
    message: escapeTerminal(f.message),
    ruleId: escapeTerminal(f.ruleId),
  }));
  // No spread into Math.max (a file may have more findings than a call has room for arguments),
  // and messages are padded to at most MAX_MESSAGE_PAD: one huge message (a megabyte-long host
  // name) must not pad every other row of the file to its length.
  const positionWidth = widest(rows.map((r) => r.position.length));
  const severityWidth = widest(rows.map((r) => r.severity.length));
  const messageWidth = Math.min(widest(rows.map((r) => r.message.length)), MAX_MESSAGE_PAD);
  const lines = [chalk.underline(escapeTerminal(file))];
  for (const r of rows) {
    // Pad the plain text first, then colour it, so escape codes do not disturb the alignment.
    const position = chalk.dim(r.position.padEnd(positionWidth));
    const severity = severityColor(chalk, r.severity)(r.severity.padEnd(severityWidth));
    const message = r.message.padEnd(messageWidth);
    lines.push(`  ${position}  ${severity}  ${message}  ${chalk.dim(r.ruleId)}`);
  }
  return lines.join('\n');
}

function extras(s: Summary): string {
  const parts: string[] = [];
  if (s.skipped > 0) parts.push(`${plural(s.skipped, 'file')} skipped`);
  if (s.suppressed) parts.push(`${s.suppressed} suppressed`);
  if (s.baselined) parts.push(`${s.baselined} baselined`);
  return parts.length > 0 ? `; ${parts.join(', ')}` : '';
}

function summaryLine(chalk: ChalkInstance, s: Summary): string {
  const problems = s.errors + s.warnings + s.infos;
  if (problems === 0) {
    return chalk.green(
      `✔ No problems in ${plural(s.files, 'file')} (${plural(s.resources, 'resource')})${extras(s)}`,
    );
  }
  const counts = `${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}, ${plural(s.infos, 'info')}`;
  const text = `✖ ${plural(problems, 'problem')} (${counts}) in ${plural(s.files, 'file')}${extras(s)}`;
  const color = s.errors > 0 ? chalk.red : s.warnings > 0 ? chalk.yellow : chalk.blue;
  return chalk.bold(color(text));
}

export function textReport(input: ReportInput): string {
  const chalk = new Chalk({ level: input.color ? 1 : 0 });
  // Findings arrive sorted by file, so a file's findings are contiguous; a Map keeps first-seen
  // order and still groups correctly if they were not.
  const byFile = new Map<string, Finding[]>();
  for (const f of input.findings) {
    const group = byFile.get(f.file);
    if (group) group.push(f);
    else byFile.set(f.file, [f]);
  }
  const blocks: string[] = [];
  for (const [file, findings] of byFile) blocks.push(fileBlock(chalk, file, findings));
  blocks.push(summaryLine(chalk, input.summary));
  return `${blocks.join('\n\n')}\n`;
}
