// Baseline files: `--write-baseline FILE` records today's findings, `--baseline FILE` reports only
// the findings it does not record. An entry is (file, fingerprint) with a count, so that two equal
// findings in one file are two entries' worth and a third one is new. The fingerprint is the
// logical one of SARIF (rule, resource, field path; no line numbers), so unrelated edits keep old
// findings hidden. Files are written relative to the baseline file's folder, so the baseline works
// from any working directory. The output is sorted and has no timestamp: the same findings give
// the same bytes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { readSettingsFile } from '../load/read.js';
import path from 'node:path';
import { findingFingerprint } from '../report/fingerprint.js';
import type { Finding } from '../types.js';

export const BASELINE_VERSION = 1;

export class BaselineError extends Error {}

export interface BaselineEntry {
  /** Relative to the baseline file's folder, '/' separators ('<stdin>' for standard input). */
  file: string;
  ruleId: string;
  fingerprint: string;
  /** How many findings share this file and fingerprint. */
  count: number;
  /** `Kind namespace/name`, for people reading the file; not used for matching. */
  resource?: string;
}

export interface Baseline {
  version: typeof BASELINE_VERSION;
  tool: 'mesh-egress-lint';
  findings: BaselineEntry[];
}

/** Where a finding's file and fingerprint are recorded, seen from the baseline file. */
function entryOf(f: Finding, cwd: string, baselineFile: string): BaselineEntry {
  const file = f.file === '<stdin>' ? f.file : path.relative(path.dirname(baselineFile), path.resolve(cwd, f.file)).split(path.sep).join('/');
  // Resource-less findings (syntax errors) fingerprint their file: use the baseline-relative one.
  const fingerprint = findingFingerprint({ ...f, file });
  const r = f.resource;
  const entry: BaselineEntry = { file, ruleId: f.ruleId, fingerprint, count: 1 };
  if (r) entry.resource = r.namespace ? `${r.kind} ${r.namespace}/${r.name}` : `${r.kind} ${r.name}`;
  return entry;
}

function keyOf(e: { file: string; fingerprint: string }): string {
  return `${e.file}\0${e.fingerprint}`;
}

/** The baseline of `findings` (paths resolved from `cwd`) for a baseline file at `baselineFile` (absolute). */
export function createBaseline(findings: readonly Finding[], cwd: string, baselineFile: string): Baseline {
  const byKey = new Map<string, BaselineEntry>();
  for (const f of findings) {
    const e = entryOf(f, cwd, baselineFile);
    const seen = byKey.get(keyOf(e));
    if (seen) seen.count++;
    else byKey.set(keyOf(e), e);
  }
  const entries = [...byKey.values()].sort(
    (a, b) => cmp(a.file, b.file) || cmp(a.ruleId, b.ruleId) || cmp(a.resource ?? '', b.resource ?? '') || cmp(a.fingerprint, b.fingerprint),
  );
  return { version: BASELINE_VERSION, tool: 'mesh-egress-lint', findings: entries };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function serializeBaseline(b: Baseline): string {
  // Key order fixed for stable diffs.
  const findings = b.findings.map((e) => {
    const out: Record<string, unknown> = { file: e.file, ruleId: e.ruleId };
    if (e.resource !== undefined) out.resource = e.resource;
    out.fingerprint = e.fingerprint;
    out.count = e.count;
    return out;
  });
  return `${JSON.stringify({ version: b.version, tool: b.tool, findings }, null, 2)}\n`;
}

export function writeBaseline(b: Baseline, file: string, label: string): void {
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, serializeBaseline(b));
  } catch (e) {
    throw new BaselineError(`cannot write baseline ${label}: ${(e as Error).message}`);
  }
}

export function readBaseline(file: string, label: string): Baseline {
  const read = readSettingsFile(file);
  if ('error' in read) throw new BaselineError(`cannot read baseline ${label}: ${read.error === 'no such file' ? 'no such file (create it with --write-baseline)' : read.error}`);
  const text = read.text;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new BaselineError(`baseline ${label} is not valid JSON: ${(e as Error).message}`);
  }
  const o = raw as { version?: unknown; findings?: unknown };
  if (!o || typeof o !== 'object' || Array.isArray(o)) throw new BaselineError(`baseline ${label} is not a mesh-egress-lint baseline (expected a JSON object)`);
  if (o.version !== BASELINE_VERSION) {
    throw new BaselineError(`baseline ${label} has version ${JSON.stringify(o.version)}; this mesh-egress-lint reads version ${BASELINE_VERSION} (rewrite it with --write-baseline)`);
  }
  if (!Array.isArray(o.findings)) throw new BaselineError(`baseline ${label} has no "findings" list`);
  const findings: BaselineEntry[] = o.findings.map((e: unknown, i: number) => {
    const x = e as Partial<BaselineEntry> | null;
    if (!x || typeof x.file !== 'string' || typeof x.fingerprint !== 'string') throw new BaselineError(`baseline ${label}: entry ${i + 1} needs "file" and "fingerprint" strings`);
    const count = x.count === undefined ? 1 : x.count;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) throw new BaselineError(`baseline ${label}: entry ${i + 1} has a "count" that is not a positive integer`);
    return { file: x.file, ruleId: typeof x.ruleId === 'string' ? x.ruleId : '', fingerprint: x.fingerprint, count, resource: x.resource };
  });
  return { version: BASELINE_VERSION, tool: 'mesh-egress-lint', findings };
}

export interface BaselineOutcome {
  /** Findings the baseline does not record, in their original order. */
  kept: Finding[];
  /** Findings hidden by the baseline. */
  hidden: number;
  /** Recorded findings that no longer occur (fixed since the baseline was written). */
  stale: number;
}

/** Hides the findings recorded in `baseline`, up to each entry's count. */
export function filterByBaseline(findings: readonly Finding[], baseline: Baseline, cwd: string, baselineFile: string): BaselineOutcome {
  const budget = new Map<string, number>();
  for (const e of baseline.findings) budget.set(keyOf(e), (budget.get(keyOf(e)) ?? 0) + e.count);
  const kept: Finding[] = [];
  let hidden = 0;
  for (const f of findings) {
    const key = keyOf(entryOf(f, cwd, baselineFile));
    const left = budget.get(key) ?? 0;
    if (left > 0) {
      budget.set(key, left - 1);
      hidden++;
    } else kept.push(f);
  }
  let stale = 0;
  for (const n of budget.values()) stale += n;
  return { kept, hidden, stale };
}
