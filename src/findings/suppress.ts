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
  for (const f of files) for (const d of commentDirectives(f, opts, problems)) directives.push(d);
  for (const r of resources) for (const d of annotationDirectives(r, opts, problems)) directives.push(d);

  // Indexed by what they cover, so that matching costs one lookup per finding however many
  // directives a file holds.
  const scopes = new Map<string, DirectiveGroup>();
  const docLines = new Map<string, number[]>();
  for (const d of directives) {
    const key = scopeKey(d.file, d.scope);
    let group = scopes.get(key);
    if (!group) scopes.set(key, (group = new DirectiveGroup()));
    group.add(d);
    if (d.scope.kind === 'document') pushTo(docLines, d.file, d.scope.firstLine);
  }
  for (const starts of docLines.values()) starts.sort((a, b) => a - b);

  const kept: Finding[] = [];
  let suppressed = 0;
  for (const finding of findings) {
    let hidden = false;
    const keys = [`${finding.file}\0line\0${finding.line}`];
    const starts = docLines.get(finding.file);
    if (starts) {
      const first = lastAtMost(starts, finding.line);
      if (first !== undefined) keys.push(`${finding.file}\0doc\0${first}`);
    }
    if (finding.resource) keys.push(`${finding.file}\0res\0${resourceKey(finding.resource)}`);
    for (const key of keys) {
      const group = scopes.get(key);
      if (group?.covers(finding)) hidden = true;
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

/** The directives of one scope (a line, a document, a resource), by rule id. */
class DirectiveGroup {
  private readonly byId = new Map<string, Directive[]>();
  private readonly marked = new Set<string>();
  private document?: { firstLine: number; lastLine: number };

  add(d: Directive): void {
    if (d.scope.kind === 'document') this.document = d.scope;
    for (const id of d.ids) pushTo(this.byId, id, d);
  }

  /** Whether a directive of this group hides `f`; marks the directives that do as used (once). */
  covers(f: Finding): boolean {
    if (this.document && f.line > this.document.lastLine) return false;
    let hit = false;
    for (const id of [f.ruleId, ALL]) {
      const list = this.byId.get(id);
      if (!list) continue;
      hit = true;
      if (this.marked.has(id)) continue;
      this.marked.add(id);
      for (const d of list) d.used.add(id);
    }
    return hit;
  }
}

function scopeKey(file: string, scope: Scope): string {
  switch (scope.kind) {
    case 'next-line':
      return `${file}\0line\0${scope.line}`;
    case 'document':
      return `${file}\0doc\0${scope.firstLine}`;
    case 'annotation':
      return `${file}\0res\0${resourceKey(scope.resource)}`;
  }
}

function resourceKey(r: { apiVersion: string; kind: string; namespace?: string; name: string }): string {
  return `${r.apiVersion}\0${r.kind}\0${r.namespace ?? ''}\0${r.name}`;
}

/** The greatest element of the ascending `sorted` that is at most `n`. */
function lastAtMost(sorted: number[], n: number): number | undefined {
  let lo = 0;
  let hi = sorted.length - 1;
  let found: number | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= n) {
      found = sorted[mid];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
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
  let nextContent: Int32Array | undefined;
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
        ? { kind: 'next-line', line: (nextContent ??= nextContentLines(text, lines))[line]! }
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
  // Iterative: a document of thousands of nested `[` must not overflow the call stack.
  const collect = (root: unknown, sink: { offset: number; source: string }[]): void => {
    const stack: unknown[] = [root];
    while (stack.length > 0) {
      const node = stack.pop();
      if (Array.isArray(node)) {
        for (let i = node.length - 1; i >= 0; i--) stack.push(node[i]);
        continue;
      }
      if (!node || typeof node !== 'object') continue;
      const t = node as { type?: unknown; offset?: unknown; source?: unknown };
      if (t.type === 'comment' && typeof t.offset === 'number' && typeof t.source === 'string') {
        sink.push({ offset: t.offset, source: t.source });
        continue;
      }
      const children = Object.entries(node).filter(([k, v]) => k !== 'source' && v && typeof v === 'object');
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]![1]);
    }
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

/**
 * For each line (1-based index), the first line after it that is neither blank nor only a comment.
 * One pass from the end, so that thousands of consecutive directive lines cost linear time.
 */
function nextContentLines(text: string, starts: number[]): Int32Array {
  const next = new Int32Array(starts.length + 2);
  let following = starts.length + 1;
  for (let l = starts.length; l >= 1; l--) {
    next[l] = following;
    const end = l < starts.length ? starts[l]! : text.length;
    if (!/^\s*(#.*)?$/.test(text.slice(starts[l - 1]!, end).replace(/\r?\n$/, ''))) following = l;
  }
  return next;
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
