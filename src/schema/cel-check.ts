// Applies the CEL validation rules of a CRD schema to a resource, as the API server does after its
// schema checks: first the defaults of the schema are filled in (the API server defaults before it
// validates, and rules read defaulted fields such as a backendRef's `kind: Service`), then every rule
// is evaluated with `self` bound to its node (k8s.io/apiextensions-apiserver pkg/apiserver/schema/cel
// validation.go). Also the `x-kubernetes-list-type: map` keys, which the API server keeps unique.
//
// The tree comes from scripts/build-schemas.mjs (`celTrees`). Rules are skipped where the schema
// check already failed (the value is not of the shape the rule expects) and on a node larger than
// the schema allows (the API server refuses it for its size before any rule runs), so the cost stays
// linear in the input.
import { CelError, evaluateCel, parseCel, type CelProgram, type CelValue } from './cel.js';
import { formatPath } from '../model/resource.js';

export interface CelTreeNode {
  p?: Record<string, CelTreeNode>;
  i?: CelTreeNode;
  a?: CelTreeNode;
  r?: string;
  d?: unknown;
  c?: [string, string][];
  k?: string[];
  m?: number;
}

export interface CelTree {
  root: CelTreeNode;
  defs: Record<string, CelTreeNode>;
}

export interface CelIssue {
  path: (string | number)[];
  message: string;
  /** 'rule': a CEL rule failed; 'keys': a list map repeats its keys. */
  source: 'rule' | 'keys';
}

type Path = (string | number)[];

const programs = new Map<string, CelProgram | null>();

/** The parsed rule, or null when it is outside the supported subset (then it is not checked). */
export function celProgram(rule: string): CelProgram | null {
  let p = programs.get(rule);
  if (p === undefined) {
    try {
      p = parseCel(rule);
    } catch {
      p = null;
    }
    programs.set(rule, p);
  }
  return p;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const has = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

function resolve(node: CelTreeNode | undefined, tree: CelTree): CelTreeNode | undefined {
  let n = node;
  for (let guard = 0; n?.r !== undefined && guard < 50; guard++) n = tree.defs[n.r];
  return n;
}

const clone = (v: unknown): unknown => (v !== null && typeof v === 'object' ? (JSON.parse(JSON.stringify(v)) as unknown) : v);

/** A copy of the value with the schema's defaults filled in (structural defaulting). */
function withDefaults(value: unknown, node: CelTreeNode | undefined, tree: CelTree, depth: number): unknown {
  const n = resolve(node, tree);
  if (!n || depth > 100) return value;
  if (Array.isArray(value)) {
    if (!n.i) return value;
    // Copy on write: most values need no default and are returned as they are.
    let out: unknown[] | undefined;
    value.forEach((v, i) => {
      const d = withDefaults(v, n.i, tree, depth + 1);
      if (d !== v) (out ??= value.slice())[i] = d;
    });
    return out ?? value;
  }
  if (!isObject(value)) return value;
  if (!n.p && !n.a) return value;
  let out: Record<string, unknown> | undefined;
  const set = (k: string, v: unknown) => {
    if (!out) {
      out = Object.create(null) as Record<string, unknown>;
      for (const [key, val] of Object.entries(value)) out[key] = val;
    }
    out[k] = v;
  };
  if (n.p) {
    for (const k in n.p) {
      const child = n.p[k]!;
      const present = has(value, k);
      let v = present ? value[k] : undefined;
      if (!present) {
        const c = resolve(child, tree);
        if (c?.d === undefined) continue;
        v = clone(c.d);
      }
      const d = withDefaults(v, child, tree, depth + 1);
      if (!present || d !== v) set(k, d);
    }
  }
  if (n.a) {
    for (const k of Object.keys(value)) {
      if (n.p && has(n.p, k)) continue;
      const d = withDefaults(value[k], n.a, tree, depth + 1);
      if (d !== value[k]) set(k, d);
    }
  }
  return out ?? value;
}

function sizeOf(v: unknown): number {
  if (typeof v === 'string') return v.length;
  if (Array.isArray(v)) return v.length;
  if (isObject(v)) return Object.keys(v).length;
  return 0;
}

const pointerKey = (path: Path): string => path.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/**
 * CEL and list-key issues of a value. `failed` holds the pointer keys (see pointerKey) of every node
 * at or above a schema error: rules there are not evaluated.
 */
export function celIssues(tree: CelTree, data: unknown, failed: ReadonlySet<string>): CelIssue[] {
  const issues: CelIssue[] = [];
  const value = withDefaults(data, tree.root, tree, 0);
  const visit = (v: unknown, node: CelTreeNode | undefined, path: Path, depth: number): void => {
    const n = resolve(node, tree);
    if (!n || v === undefined || depth > 100) return;
    const skip = (failed.size > 0 && failed.has(pointerKey(path))) || (n.m !== undefined && sizeOf(v) > n.m);
    if (!skip) {
      for (const [rule, message] of n.c ?? []) {
        const program = celProgram(rule);
        if (!program) continue;
        let ok = true;
        try {
          ok = evaluateCel(program, v as CelValue);
        } catch (e) {
          if (!(e instanceof CelError)) throw e;
        }
        if (!ok) issues.push({ path, source: 'rule', message: `${path.length ? formatPath(path) : 'the resource'}: ${message}` });
      }
      if (n.k && Array.isArray(v)) duplicateKeys(v, n.k, path, issues);
    }
    if (Array.isArray(v)) {
      if (n.i) v.forEach((item, i) => visit(item, n.i, [...path, i], depth + 1));
    } else if (isObject(v)) {
      for (const [k, child] of Object.entries(n.p ?? {})) if (has(v, k)) visit(v[k], child, [...path, k], depth + 1);
      if (n.a) for (const k of Object.keys(v)) if (!(n.p && has(n.p, k))) visit(v[k], n.a, [...path, k], depth + 1);
    }
  };
  visit(value, tree.root, [], 0);
  return issues;
}

/** `x-kubernetes-list-type: map`: two items with the same key values are refused ("Duplicate value"). */
function duplicateKeys(items: unknown[], keys: string[], path: Path, issues: CelIssue[]): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    if (!isObject(item)) return;
    const id = JSON.stringify(keys.map((k) => item[k] ?? null));
    if (seen.has(id)) {
      const what = keys.map((k) => `${k} ${JSON.stringify(item[k] ?? null)}`).join(', ');
      issues.push({ path: [...path, i], source: 'keys', message: `${formatPath([...path, i])}: another item of ${formatPath(path)} already has ${what}` });
    }
    seen.add(id);
  });
}
