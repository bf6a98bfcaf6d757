// Inline suppressions, each with a required reason:
//   # mesh-egress-lint-disable-next-line <rule-id>[,<rule-id>] -- <reason>   findings starting on the next line
//                                                                              that is not blank or a comment
//   # mesh-egress-lint-disable <rule-id>[,<rule-id>] -- <reason>             findings in this `---` document
//   metadata.annotations["mesh-egress-lint.io/ignore"]: "<rule-id>,<rule-id>"  findings of this resource
//   (optional metadata.annotations["mesh-egress-lint.io/ignore-reason"])
// `*` stands for every rule. Directives that are malformed, name an unknown rule, have no reason or
// suppress nothing are reported as findings of the built-in id `invalid-suppression`
// (like ESLint's --report-unused-disable-directives, which reports outside the rule catalog).
import { yaml } from '../util/lazy.js';
import type { LoadedFile } from '../load/index.js';
import type { FieldPath, Finding, Range, Resource } from '../types.js';
import { pushTo } from '../util/collections.js';
import { closestName, didYouMean } from '../util/suggest.js';

export const SUPPRESSION_RULE_ID = 'invalid-suppression';
export const IGNORE_ANNOTATION = 'mesh-egress-lint.io/ignore';
export const IGNORE_REASON_ANNOTATION = 'mesh-egress-lint.io/ignore-reason';
const ANNOTATIONS = [IGNORE_ANNOTATION, IGNORE_REASON_ANNOTATION];
const DIRECTIVE_NAMES = ['disable-next-line', 'disable'] as const;
const ALL = '*';

type Scope =
  | { kind: 'next-line'; line: number }
  | { kind: 'document'; firstLine: number; lastLine: number }
  | { kind: 'annotation'; resource: Resource };

interface Directive {
  file: string;
  scope: Scope;
  /** Known rule ids (or `*`) this directive applies to. */
  ids: string[];
  /** Ids that suppressed at least one finding. */
  used: Set<string>;
  /** Where problems with the directive are reported. */
  range: Range;
  resource?: Resource;
  path: FieldPath;
  /** How the directive is named in messages. */
  label: string;
}

export interface SuppressionOptions {
  /** Every rule id of the catalog (implemented or not): other ids are unknown. */
  knownRuleIds: readonly string[];
  /** Ids of rules that ran: an unused suppression of any other known id is not reported. */
  activeRuleIds: ReadonlySet<string>;
}

export interface SuppressionOutcome {
  /** Findings not suppressed, in their original order. */
  kept: Finding[];
  suppressed: number;
  /** Findings about the directives themselves (rule id `invalid-suppression`). */
  problems: Finding[];
}

/**
 * Applies the directives found in `files` (the reported files) and the ignore annotation of
 * `resources` (the resources of those files) to `findings`.
 */
export function applySuppressions(findings: readonly Finding[], files: readonly LoadedFile[], resources: readonly Resource[], opts: SuppressionOptions): SuppressionOutcome {
  const problems: Finding[] = [];
  const directives: Directive[] = [];
  for (const f of files) directives.push(...commentDirectives(f, opts, problems));
  for (const r of resources) directives.push(...annotationDirectives(r, opts, problems));

  const byFile = new Map<string, Directive[]>();
  for (const d of directives) pushTo(byFile, d.file, d);

  const kept: Finding[] = [];
  let suppressed = 0;
  for (const finding of findings) {
    let hidden = false;
    for (const d of byFile.get(finding.file) ?? []) {
      if (!covers(d.scope, finding)) continue;
      const id = d.ids.includes(finding.ruleId) ? finding.ruleId : d.ids.includes(ALL) ? ALL : undefined;
      if (id === undefined) continue;
      d.used.add(id);
      hidden = true;
    }
    if (hidden) suppressed++;
    else kept.push(finding);
  }

  for (const d of directives) {
    for (const id of d.ids) {
      if (d.used.has(id) || (id !== ALL && !opts.activeRuleIds.has(id))) continue;
      const what = id === ALL ? 'every rule ("*")' : `"${id}"`;
      problems.push(problem(d, `This ${d.label} of ${what} suppresses nothing: remove it${d.ids.length > 1 ? ' (or the id)' : ''}.`));
    }
  }
  return { kept, suppressed, problems };
}

function covers(scope: Scope, f: Finding): boolean {
  switch (scope.kind) {
    case 'next-line':
      return f.line === scope.line;
    case 'document':
      return f.line >= scope.firstLine && f.line <= scope.lastLine;
    case 'annotation': {
      const r = scope.resource;
      return f.resource !== undefined && f.resource.kind === r.kind && f.resource.name === r.name && f.resource.namespace === r.namespace && f.resource.apiVersion === r.apiVersion;
    }
  }
}

// ── comments ────────────────────────────────────────────────────────────────────────────────────

interface Comment {
  offset: number;
  source: string;
  /** Index of the `---` document the comment is in. */
  doc: number;
}

const DIRECTIVE = /^#\s*mesh-egress-lint-([A-Za-z-]*)(.*)$/;

function commentDirectives(file: LoadedFile, opts: SuppressionOptions, problems: Finding[]): Directive[] {
  const text = file.text;
  if (text === undefined || !text.includes('mesh-egress-lint-')) return [];
  const lines = lineStarts(text);
  const { comments, docStarts } = scanComments(text);
  const docLines = docStarts.map((offset, i) => ({
    firstLine: i === 0 ? 1 : lineOf(lines, offset),
    lastLine: i + 1 < docStarts.length ? lineOf(lines, docStarts[i + 1]!) - 1 : Number.MAX_SAFE_INTEGER,
  }));
  const out: Directive[] = [];
  for (const c of comments) {
    const m = DIRECTIVE.exec(c.source);
    if (!m) continue;
    const line = lineOf(lines, c.offset);
    const column = c.offset - lines[line - 1]! + 1;
    const range: Range = { line, column, endLine: line, endColumn: column + c.source.length };
    const name = m[1]!;
    const base = { file: file.file.displayPath, range, path: [] as FieldPath };
    if (!(DIRECTIVE_NAMES as readonly string[]).includes(name)) {
      // `# mesh-egress-lint-disable-line`, `-disable-nextline`, …: a directive that does nothing.
      const hint = closestName(name, DIRECTIVE_NAMES);
      problems.push(
        problem(
          base,
          `Unknown directive "mesh-egress-lint-${name}"${hint ? `; did you mean "mesh-egress-lint-${hint}"?` : '.'} It suppresses nothing (known: mesh-egress-lint-disable-next-line, mesh-egress-lint-disable).`,
        ),
      );
      continue;
    }
    const label = `# mesh-egress-lint-${name}`;
    const scope: Scope =
      name === 'disable-next-line'
        ? { kind: 'next-line', line: nextContentLine(text, lines, line) }
        : { kind: 'document', ...(docLines[c.doc] ?? { firstLine: 1, lastLine: Number.MAX_SAFE_INTEGER }) };
    const { ids, reason } = splitDirective(m[2]!);
    const d = validated({ ...base, scope, label, used: new Set() }, ids, reason, opts, problems, 'comment');
    if (d) out.push(d);
  }
  return out;
}

/** `a,b c -- why` → ids [a, b, c], reason "why"; no ` -- ` → no reason. */
function splitDirective(rest: string): { ids: string[]; reason?: string } {
  const sep = /(?:^|\s)--(?:\s|$)/.exec(rest);
  const idText = sep ? rest.slice(0, sep.index) : rest;
  const reason = sep ? rest.slice(sep.index + sep[0].length).trim() : undefined;
  return { ids: splitIds(idText), reason };
}

function splitIds(s: string): string[] {
  return s.split(/[\s,]+/).filter((x) => x !== '');
}

/** Checks ids and reason; reports what is wrong; returns the directive when it can apply. */
function validated(
  d: Omit<Directive, 'ids'>,
  ids: string[],
  reason: string | undefined,
  opts: SuppressionOptions,
  problems: Finding[],
  form: 'comment' | 'annotation',
): Directive | undefined {
  if (ids.length === 0) {
    problems.push(
      problem(
        d,
        form === 'comment'
          ? `This ${d.label} names no rule id; write "${d.label} <rule-id>[,<rule-id>] -- <reason>" ("*" for every rule). It suppresses nothing.`
          : `The ${IGNORE_ANNOTATION} annotation names no rule id; list rule ids separated by commas ("*" for every rule). It suppresses nothing.`,
      ),
    );
    return undefined;
  }
  const known: string[] = [];
  for (const id of ids) {
    if (id === ALL || opts.knownRuleIds.includes(id)) {
      if (!known.includes(id)) known.push(id);
      continue;
    }
    problems.push(problem(d, `Unknown rule id "${id}" in this ${d.label}${didYouMean(id, opts.knownRuleIds, '.')} It suppresses nothing for that id.`));
  }
  if (form === 'comment' && (reason === undefined || reason === '')) {
    problems.push(problem(d, `This ${d.label} has no reason, so it suppresses nothing: add " -- <why the finding is acceptable>" after the rule ids.`));
    return undefined;
  }
  if (known.length === 0) return undefined;
  return { ...d, ids: known };
}

/**
 * Every comment of the text with the index of its `---` document, and each document's start
 * offset. Comments are taken from the YAML concrete syntax tree, so a `#` inside a block scalar or
 * a quoted string is not a comment.
 */
function scanComments(text: string): { comments: Comment[]; docStarts: number[] } {
  const comments: Comment[] = [];
  const docStarts: number[] = [];
  let pending: { offset: number; source: string }[] = [];
  const collect = (node: unknown, sink: { offset: number; source: string }[]): void => {
    if (Array.isArray(node)) {
      for (const x of node) collect(x, sink);
      return;
    }
    if (!node || typeof node !== 'object') return;
    const t = node as { type?: unknown; offset?: unknown; source?: unknown };
    if (t.type === 'comment' && typeof t.offset === 'number' && typeof t.source === 'string') {
      sink.push({ offset: t.offset, source: t.source });
      return;
    }
    for (const [k, v] of Object.entries(node)) if (k !== 'source' && v && typeof v === 'object') collect(v, sink);
  };
  for (const token of new (yaml().Parser)().parse(text)) {
    if (token.type === 'document') {
      const doc = docStarts.length;
      docStarts.push(token.offset);
      // Comments between documents (after `...`, before `%YAML`) belong to the next document.
      for (const c of pending) comments.push({ ...c, doc });
      pending = [];
      const inside: { offset: number; source: string }[] = [];
      collect(token, inside);
      for (const c of inside) comments.push({ ...c, doc });
    } else collect(token, pending);
  }
  const last = Math.max(0, docStarts.length - 1);
  for (const c of pending) comments.push({ ...c, doc: last });
  if (docStarts.length === 0) docStarts.push(0);
  return { comments, docStarts };
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

/** 1-based line of an offset. */
function lineOf(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/** The first line after `line` that is neither blank nor only a comment. */
function nextContentLine(text: string, starts: number[], line: number): number {
  for (let l = line + 1; l <= starts.length; l++) {
    const end = l < starts.length ? starts[l]! : text.length;
    if (!/^\s*(#.*)?$/.test(text.slice(starts[l - 1]!, end).replace(/\r?\n$/, ''))) return l;
  }
  return line + 1;
}

// ── annotations ─────────────────────────────────────────────────────────────────────────────────

function annotationDirectives(r: Resource, opts: SuppressionOptions, problems: Finding[]): Directive[] {
  const out: Directive[] = [];
  for (const key of Object.keys(r.annotations)) {
    if (!key.startsWith('mesh-egress-lint.io/') || ANNOTATIONS.includes(key)) continue;
    const path = ['metadata', 'annotations', key];
    problems.push(
      problem(
        { file: r.doc.file.displayPath, range: r.doc.locate(path, 'key'), resource: r, path },
        `Unknown annotation "${key}"${didYouMean(key, ANNOTATIONS, '.')} It suppresses nothing (known: ${ANNOTATIONS.join(', ')}).`,
      ),
    );
  }
  const value = r.annotations[IGNORE_ANNOTATION];
  if (value === undefined) {
    if (r.annotations[IGNORE_REASON_ANNOTATION] !== undefined) {
      const path = ['metadata', 'annotations', IGNORE_REASON_ANNOTATION];
      problems.push(
        problem({ file: r.doc.file.displayPath, range: r.doc.locate(path, 'key'), resource: r, path }, `The ${IGNORE_REASON_ANNOTATION} annotation has no ${IGNORE_ANNOTATION} annotation beside it, so it suppresses nothing.`),
      );
    }
    return out;
  }
  const path = ['metadata', 'annotations', IGNORE_ANNOTATION];
  const d = validated(
    {
      file: r.doc.file.displayPath,
      scope: { kind: 'annotation', resource: r },
      used: new Set(),
      range: r.doc.locate(path),
      resource: r,
      path,
      label: `${IGNORE_ANNOTATION} annotation`,
    },
    splitIds(value),
    r.annotations[IGNORE_REASON_ANNOTATION],
    opts,
    problems,
    'annotation',
  );
  if (d) out.push(d);
  return out;
}

// ── findings about directives ──────────────────────────────────────────────────────────────────

function problem(d: { file: string; range: Range; resource?: Resource; path: FieldPath }, message: string): Finding {
  const r = d.resource;
  return {
    ruleId: SUPPRESSION_RULE_ID,
    severity: 'warning',
    message,
    file: d.file,
    ...d.range,
    resource: r ? { apiVersion: r.apiVersion, kind: r.kind, namespace: r.namespace, name: r.name } : undefined,
    path: d.path,
  };
}
