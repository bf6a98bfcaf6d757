import type { Rule } from '../rules/types.js';
import type { Finding } from '../types.js';

export interface Summary {
  files: number;
  documents: number;
  resources: number;
  /** Files not linted (binary, unreadable, Helm templates, too large, invalid UTF-8). */
  skipped: number;
  errors: number;
  warnings: number;
  infos: number;
  /** Findings hidden by a baseline file. */
  baselined?: number;
  /** Findings hidden by inline suppressions or the ignore annotation. */
  suppressed?: number;
}

export interface ReportInput {
  tool: { name: string; version: string; informationUri: string };
  /** Sorted by file, line, column, rule id. */
  findings: Finding[];
  summary: Summary;
  /** Every rule the run knows (the catalog), in catalog order. */
  rules: Rule[];
  /** Effective severity per rule id after configuration ('off' rules absent). */
  severities: Record<string, string>;
  /** Absolute working directory; finding files are relative to it. */
  cwd: string;
  /** Whether colour may be used (text only). */
  color: boolean;
}

export type Reporter = (input: ReportInput) => string;
