import { githubReport } from './github.js';
import { jsonReport } from './json.js';
import { sarifReport } from './sarif.js';
import { textReport } from './text.js';
import type { Reporter } from './types.js';

import { compactReport } from './compact.js';
import { gitlabReport } from './gitlab.js';
import { junitReport } from './junit.js';
import type { ReportFormat } from './formats.js';

export { REPORT_FORMATS, type ReportFormat } from './formats.js';

const REPORTERS: Record<ReportFormat, Reporter> = {
  text: textReport,
  json: jsonReport,
  sarif: sarifReport,
  github: githubReport,
  compact: compactReport,
  gitlab: gitlabReport,
  junit: junitReport,
};

export function getReporter(format: ReportFormat): Reporter {
  const reporter = REPORTERS[format];
  if (!reporter) throw new Error(`Unknown report format: ${String(format)}`);
  return reporter;
}

export { findingFingerprint } from './fingerprint.js';
export type { ReportInput, Reporter, Summary } from './types.js';
