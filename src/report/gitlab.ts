import { createHash } from 'node:crypto';
import type { Severity } from '../types.js';
import { findingFingerprint, fingerprintPath } from './fingerprint.js';
import type { ReportInput } from './types.js';

// GitLab Code Quality report (`artifacts:reports:codequality`): a JSON array of issues in the subset
// of the Code Climate issue format GitLab reads (docs.gitlab.com, "Code Quality", "Import Code
// Quality results from a CI/CD job"): description, check_name, fingerprint, severity,
// location.path and location.lines.begin. GitLab validates each issue against its codeclimate.json
// schema (test/schemas/), and the merge request widget tells new from resolved issues by
// fingerprint, so each issue needs its own, stable across unrelated edits.

/** GitLab's severities are info, minor, major, critical, blocker. */
const SEVERITY: Record<Severity, 'major' | 'minor' | 'info'> = { error: 'major', warning: 'minor', info: 'info' };

/**
 * location.path must be relative to the repository (GitLab links it to the file in the merge
 * request): relative to the git work tree when the file is in one, else as displayed (relative to
 * the working directory, which is the repository in a GitLab job).
 */
function repositoryPath(file: string, cwd: string): string {
  if (file === '<stdin>') return file;
  const p = fingerprintPath(file, cwd);
  return p.startsWith('/') ? file : p;
}

export function gitlabReport(input: ReportInput): string {
  const seen = new Map<string, number>();
  const issues = input.findings.map((f) => {
    const path = repositoryPath(f.file, input.cwd);
    // The logical fingerprint (rule, resource, field path; no line numbers) with the file and the
    // message, so that two findings of one rule on one field stay apart; a repeat of all of these
    // gets its occurrence number, so fingerprints are unique within the report.
    const base = createHash('md5').update(`${findingFingerprint(f)}\0${path}\0${f.message}`, 'utf8').digest('hex');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    const fingerprint = n === 0 ? base : createHash('md5').update(`${base}\0${n}`, 'utf8').digest('hex');
    return {
      type: 'issue',
      check_name: f.ruleId,
      description: f.message,
      categories: ['Bug Risk'],
      severity: SEVERITY[f.severity],
      fingerprint,
      location: { path, lines: { begin: f.line, end: f.endLine } },
    };
  });
  return `${JSON.stringify(issues, null, 2)}\n`;
}
