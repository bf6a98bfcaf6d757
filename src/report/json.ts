import type { Finding } from '../types.js';
import type { ReportInput, Summary } from './types.js';

// The JSON contract other tools read: keys and their order are fixed; change only by adding keys.

/** A finding as the contract shows it: everything but the internal field path. */
type JsonFinding = Omit<Finding, 'path'>;

function summaryObject(s: Summary): Record<string, number> {
  const out: Record<string, number> = {
    files: s.files,
    documents: s.documents,
    resources: s.resources,
    skipped: s.skipped,
    errors: s.errors,
    warnings: s.warnings,
    infos: s.infos,
  };
  if (s.suppressed !== undefined) out.suppressed = s.suppressed;
  if (s.baselined !== undefined) out.baselined = s.baselined;
  return out;
}

export function jsonReport(input: ReportInput): string {
  const findings: JsonFinding[] = input.findings.map((f) => {
    const out: JsonFinding = {
      ruleId: f.ruleId,
      severity: f.severity,
      message: f.message,
      file: f.file,
      line: f.line,
      column: f.column,
      endLine: f.endLine,
      endColumn: f.endColumn,
    };
    if (f.resource) {
      const r = f.resource;
      out.resource = { apiVersion: r.apiVersion, kind: r.kind, namespace: r.namespace, name: r.name };
    }
    return out;
  });
  const report = {
    tool: { name: input.tool.name, version: input.tool.version },
    summary: summaryObject(input.summary),
    findings,
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}
