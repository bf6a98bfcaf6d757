// The pipeline: load → parse → model → rules → locate. No printing here; the CLI reports.
import type { AssumptionsInput } from './model/assumptions.js';
import { performance } from 'node:perf_hooks';
import { loadInputs, type LoadedFile } from './load/index.js';
import { Mesh, type IstioVersion, type LoadNotice } from './model/mesh.js';
import type { OutboundMode } from './model/policy.js';
import { toResource } from './model/resource.js';
import { loadRules } from './rules/index.js';
import type { Rule } from './rules/types.js';
import type { Summary } from './report/types.js';
import { SEVERITY_RANK, type Finding, type FindingInput, type Resource, type Severity } from './types.js';

export interface RuleSetting {
  severity?: Severity | 'off';
  options?: Record<string, unknown>;
}

export interface LintOptions {
  paths: string[];
  cwd: string;
  namespace: string;
  istioVersion: IstioVersion;
  meshConfig?: { mode?: OutboundMode; rootNamespace?: string; label: string; config?: unknown };
  /** Resources that exist outside the input (the config file's `assume:`). */
  assume?: AssumptionsInput;
  rules?: Record<string, RuleSetting>;
  ignorePaths?: string[];
  /** Directories loaded into the model whose findings are not reported (pre-commit: the whole tree). */
  context?: string[];
  stdin?: () => Buffer;
}

export interface Timings {
  /** Finding and reading the files (wall time, without the parsing done on this thread). */
  load: number;
  /** Decoding and parsing the YAML, summed over the threads that parsed. */
  parse: number;
  model: number;
  rules: Record<string, number>;
  locate: number;
  /** Files read by the fast reader and by the full parser, and the threads that parsed them. */
  parsing: { fast: number; full: number; threads: number };
}

export interface LintResult {
  findings: Finding[];
  summary: Summary;
  rules: Rule[];
  /** Effective severity per rule id ('off' included). */
  severities: Record<string, Severity | 'off'>;
  timings: Timings;
  /** Loaded files, for suppression comments and reports. */
  files: LoadedFile[];
  pathErrors: { path: string; message: string }[];
  /** Template files met in the walked directories and not linted (display paths). */
  templates: { file: string }[];
  mesh: Mesh;
}

export async function lint(opts: LintOptions): Promise<LintResult> {
  const t0 = performance.now();
  const main = await loadInputs(opts.paths, opts.cwd, { ignorePaths: opts.ignorePaths, stdinText: opts.stdin });
  const reported = new Set(main.files.map((f) => f.file.path));
  const files = [...main.files];
  const loaded = new Set(reported);
  let threads = main.threads;
  let parseMs = main.parseMs;
  let mainParseMs = main.mainParseMs;
  for (const dir of opts.context ?? []) {
    const ctx = await loadInputs([dir], opts.cwd, { ignorePaths: opts.ignorePaths });
    threads = Math.max(threads, ctx.threads);
    parseMs += ctx.parseMs;
    mainParseMs += ctx.mainParseMs;
    for (const f of ctx.files) {
      if (loaded.has(f.file.path)) continue;
      loaded.add(f.file.path);
      files.push(f);
    }
  }
  const t1 = performance.now();

  const resources: Resource[] = [];
  const notices: LoadNotice[] = [];
  for (const f of files) {
    for (const p of f.problems) notices.push({ ruleId: p.ruleId, message: p.message, file: f.file, range: p.range });
    for (const d of f.documents) {
      const r = toResource(d, opts.namespace);
      if (r) resources.push(r);
    }
  }
  const mesh = new Mesh(resources, { defaultNamespace: opts.namespace, istioVersion: opts.istioVersion, meshConfig: opts.meshConfig, assume: opts.assume }, notices);
  const t2 = performance.now();

  const rules = await loadRules();
  const severities: Record<string, Severity | 'off'> = {};
  const inputs: { rule: Rule; input: FindingInput }[] = [];
  const ruleTimes: Record<string, number> = {};
  for (const rule of rules) {
    const setting = opts.rules?.[rule.id];
    severities[rule.id] = setting?.severity ?? rule.severity;
    if (setting?.severity === 'off') continue;
    const defaults = Object.fromEntries((rule.options ?? []).map((o) => [o.name, o.default]));
    const start = performance.now();
    try {
      rule.check({ mesh, options: { ...defaults, ...(setting?.options ?? {}) }, report: (input) => inputs.push({ rule, input }) });
    } catch (e) {
      // A rule bug must not take the run down: say which rule failed, keep the others' findings.
      process.stderr.write(`mesh-egress-lint: internal error in rule ${rule.id}: ${(e as Error).message}\n`);
    }
    ruleTimes[rule.id] = performance.now() - start;
  }
  const t3 = performance.now();

  const findings: Finding[] = [];
  const seen = new Set<string>();
  // Locate file by file, document by document (positions re-parse a document's text, which is
  // then cached briefly); context files are not located at all.
  const located = inputs
    .map((x, i) => ({ ...x, i, file: sourcePathOf(x.input) ?? '', docIndex: (x.input.resource?.doc ?? x.input.doc)?.index ?? -1 }))
    .filter((x) => reported.has(x.file))
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.docIndex - b.docIndex || a.i - b.i));
  for (const { rule, input } of located) {
    const f = toFinding(rule, input, severities[rule.id] as Severity);
    if (!f) continue;
    const key = `${f.file}\0${f.line}\0${f.column}\0${f.ruleId}\0${f.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    findings.push(f);
  }
  findings.sort(compareFindings);
  const t4 = performance.now();

  const reportedFiles = main.files;
  const summary: Summary = {
    files: reportedFiles.length,
    documents: reportedFiles.reduce((n, f) => n + f.documentCount, 0),
    resources: resources.filter((r) => reported.has(r.doc.file.path)).length,
    skipped: reportedFiles.filter((f) => f.skipped).length,
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
    infos: findings.filter((f) => f.severity === 'info').length,
  };
  return {
    findings,
    summary,
    rules,
    severities,
    timings: {
      load: t1 - t0 - mainParseMs,
      parse: parseMs,
      model: t2 - t1,
      rules: ruleTimes,
      locate: t4 - t3,
      parsing: { fast: files.filter((f) => f.parser === 'fast').length, full: files.filter((f) => f.parser === 'full').length, threads },
    },
    files,
    pathErrors: main.pathErrors,
    templates: main.templates.map((file) => ({ file })),
    mesh,
  };
}

function sourcePathOf(input: FindingInput): string | undefined {
  return input.resource?.doc.file.path ?? input.doc?.file.path ?? input.file?.path;
}

function toFinding(rule: Rule, input: FindingInput, configured: Severity): Finding | undefined {
  const doc = input.resource?.doc ?? input.doc;
  const file = doc?.file ?? input.file;
  if (!file) return undefined;
  const range = input.range ?? (doc ? doc.locate(input.path ?? [], input.target) : { line: 1, column: 1, endLine: 1, endColumn: 1 });
  // A rule's own severity choice (e.g. REGISTRY_ONLY-dependent) applies unless configuration changed the rule's severity.
  const severity = configured !== rule.severity ? configured : (input.severity ?? configured);
  const r = input.resource;
  return {
    ruleId: rule.id,
    severity,
    message: input.message,
    file: file.displayPath,
    ...range,
    resource: r ? { apiVersion: r.apiVersion, kind: r.kind, namespace: r.namespace, name: r.name } : undefined,
    path: input.path ?? [],
  };
}

export function compareFindings(a: Finding, b: Finding): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.line !== b.line) return a.line - b.line;
  if (a.column !== b.column) return a.column - b.column;
  if (a.ruleId !== b.ruleId) return a.ruleId < b.ruleId ? -1 : 1;
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}

export function atOrAbove(severity: Severity, threshold: Severity): boolean {
  return SEVERITY_RANK[severity] >= SEVERITY_RANK[threshold];
}
