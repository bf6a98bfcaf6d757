// After the rules: inline suppressions, the ignore annotation, and the baseline; then the summary
// counts are recomputed from what is left.
import path from 'node:path';
import { createBaseline, filterByBaseline, readBaseline, writeBaseline, type Baseline } from './baseline.js';
import { compareFindings, type LintResult } from '../engine.js';
import { CATALOG_ORDER } from '../rules/index.js';
import { applySuppressions } from './suppress.js';
import type { Finding } from '../types.js';

export interface PostprocessOptions {
  cwd: string;
  /** Report only findings this baseline file does not record. */
  baseline?: string;
  /**
   * Record the findings (after suppressions) in this file. The run then reports against the file
   * it has just written: every finding is baselined, the report is clean and the exit code 0.
   */
  writeBaseline?: string;
  /**
   * Renames and renumbers findings after the suppressions (which are read at the positions of the
   * text that was linted) and before the baseline (which records the names the report shows):
   * the `# Source:` templates of a rendered chart on standard input.
   */
  relocate?: (findings: Finding[]) => void;
}

export interface PostprocessReport {
  /** Set when a baseline was written. */
  written?: { file: string; entries: number; findings: number };
  /** Baseline entries that matched no finding (fixed since): time to rewrite the baseline. */
  staleBaselineEntries?: number;
}

export function apply(result: LintResult, opts: PostprocessOptions): PostprocessReport {
  const report: PostprocessReport = {};
  // The engine lists the reported files (those of the command line) first, then the --context ones.
  const reportedFiles = result.files.slice(0, result.summary.files);
  const reportedPaths = new Set(reportedFiles.map((f) => f.file.path));
  const resources = result.mesh.resources.filter((r) => reportedPaths.has(r.doc.file.path));
  const active = new Set(result.rules.map((r) => r.id).filter((id) => result.severities[id] !== 'off'));

  const s = applySuppressions(result.findings, reportedFiles, resources, { knownRuleIds: CATALOG_ORDER, activeRuleIds: active });
  let findings = [...s.kept, ...s.problems];
  opts.relocate?.(findings);
  findings.sort(compareFindings);
  result.summary.suppressed = s.suppressed;

  let baseline: Baseline | undefined;
  let baselineFile: string | undefined;
  if (opts.writeBaseline) {
    baselineFile = path.resolve(opts.cwd, opts.writeBaseline);
    baseline = createBaseline(findings, opts.cwd, baselineFile);
    writeBaseline(baseline, baselineFile, opts.writeBaseline);
    report.written = { file: opts.writeBaseline, entries: baseline.findings.length, findings: findings.length };
  } else if (opts.baseline) {
    baselineFile = path.resolve(opts.cwd, opts.baseline);
    baseline = readBaseline(baselineFile, opts.baseline);
  }
  if (baseline && baselineFile) {
    const b = filterByBaseline(findings, baseline, opts.cwd, baselineFile);
    findings = b.kept;
    result.summary.baselined = b.hidden;
    if (b.stale > 0) report.staleBaselineEntries = b.stale;
  }

  result.findings = findings;
  result.summary.errors = findings.filter((f) => f.severity === 'error').length;
  result.summary.warnings = findings.filter((f) => f.severity === 'warning').length;
  result.summary.infos = findings.filter((f) => f.severity === 'info').length;
  return report;
}
