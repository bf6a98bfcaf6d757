// After the rules: inline suppressions, the ignore annotation, and the baseline.
import type { LintResult } from './engine.js';

export interface PostprocessOptions {
  cwd: string;
  baseline?: string;
  writeBaseline?: string;
}

export function apply(result: LintResult, opts: PostprocessOptions): void {
  void result;
  void opts;
}
