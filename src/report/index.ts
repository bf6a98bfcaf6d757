import { githubReport } from './github.js';
import { jsonReport } from './json.js';
import { sarifReport } from './sarif.js';
import { textReport } from './text.js';
import type { Reporter } from './types.js';

export type ReportFormat = 'text' | 'json' | 'sarif' | 'github';

export const REPORT_FORMATS: readonly ReportFormat[] = ['text', 'json', 'sarif', 'github'];

const REPORTERS: Record<ReportFormat, Reporter> = {
  text: textReport,
  json: jsonReport,
  sarif: sarifReport,
  github: githubReport,
};

export function getReporter(format: ReportFormat): Reporter {
  const reporter = REPORTERS[format];
  if (!reporter) throw new Error(`Unknown report format: ${String(format)}`);
  return reporter;
}

export { findingFingerprint } from './fingerprint.js';
export type { ReportInput, Reporter, Summary } from './types.js';
