import type { Mesh } from '../model/mesh.js';
import type { FindingInput, Severity } from '../types.js';

export interface RuleOptionDoc {
  name: string;
  type: 'boolean' | 'string' | 'number' | 'string[]';
  default: unknown;
  description: string;
}

export interface RuleContext {
  mesh: Mesh;
  /** The rule's options from the config file, merged over its defaults. */
  options: Record<string, unknown>;
  report(finding: FindingInput): void;
}

export interface Rule {
  /** Stable public id (kebab-case); never renamed or reused. */
  id: string;
  severity: Severity;
  /** One line: what the rule catches. */
  summary: string;
  /** Path of the rule's page, relative to the package root. */
  docs: string;
  /** Security-relevant rules carry a CVSS-like score for SARIF `security-severity`. */
  securitySeverity?: number;
  /** Istio analyzer / Kiali codes that cover the same ground, for the docs and SARIF tags. */
  related?: string[];
  options?: RuleOptionDoc[];
  check(ctx: RuleContext): void;
}
