// The Gateway API schemas and their CEL rules: every rule of the CRDs is either evaluated
// (src/schema/cel.ts parses it) or listed as unchecked on the rule page; the evaluator follows CEL's
// semantics on the constructs the CRDs use; defaults are applied before the rules run.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { CelError, evaluateCel, parseCel, type CelValue } from '../src/schema/cel.js';
import { celProgram } from '../src/schema/cel-check.js';
import { schemaIssues } from '../src/schema/validate.js';
import { lintYaml } from './helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, '..');
const CRDS = path.resolve(ROOT, '../shared/reference/gateway-api-crds.yaml');

interface Index {
  schemas: { file: string; kind: string; versions: string[] }[];
  uncheckedCel: { kind: string; path: string; rule: string; why: string }[];
}
const index = JSON.parse(readFileSync(path.join(ROOT, 'schemas/gateway-api-index.json'), 'utf8')) as Index;

/** All `x-cel` rules of a JSON value. */
function celRules(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => celRules(n, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'x-cel') for (const r of v as { rule: string }[]) out.push(r.rule);
      else celRules(v, out);
    }
  }
  return out;
}

/** All CEL rules of the spec of every served version of the Gateway API CRDs. */
function crdSpecRules(): Set<string> {
  const rules = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === 'x-kubernetes-validations') for (const r of v as { rule: string }[]) rules.add(r.rule);
        else walk(v);
      }
    }
  };
  for (const d of parseAllDocuments(readFileSync(CRDS, 'utf8'))) {
    const crd = d.toJS() as { kind?: string; spec: { versions: { served: boolean; schema: { openAPIV3Schema: { properties: { spec: unknown } } } }[] } };
    if (crd?.kind !== 'CustomResourceDefinition') continue;
    for (const v of crd.spec.versions) if (v.served) walk(v.schema.openAPIV3Schema.properties.spec);
  }
  return rules;
}

describe('Gateway API schemas from the CRDs', () => {
  const files = readdirSync(path.join(ROOT, 'schemas')).filter((f) => /^gateway-api-.*\.schema\.json$/.test(f));
  const checked = new Set(files.flatMap((f) => celRules(JSON.parse(readFileSync(path.join(ROOT, 'schemas', f), 'utf8')))));

  it('has one schema per kind and group of served versions, listed in the index', () => {
    expect(files.sort()).toEqual(index.schemas.map((s) => `${s.file}.schema.json`).sort());
    const kinds = new Set(index.schemas.map((s) => s.kind));
    for (const k of ['Gateway', 'GatewayClass', 'HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute', 'UDPRoute', 'ReferenceGrant', 'BackendTLSPolicy', 'ListenerSet']) expect(kinds).toContain(k);
  });

  it('parses every CEL rule it keeps', () => {
    const unparsed = [...checked].filter((r) => celProgram(r) === null);
    expect(unparsed).toEqual([]);
  });

  it('keeps or lists every CEL rule of the CRDs', () => {
    const unchecked = new Set(index.uncheckedCel.map((u) => u.rule));
    const missing = [...crdSpecRules()].filter((r) => !checked.has(r) && !unchecked.has(r));
    expect(missing).toEqual([]);
    expect(checked.size).toBeGreaterThan(80);
  });

  it('names every unchecked rule on the schema-violation page', () => {
    const page = readFileSync(path.join(ROOT, 'docs/rules/schema-violation.md'), 'utf8');
    for (const u of index.uncheckedCel) expect(page).toContain(`\`${u.path}\``);
  });
});

describe('CEL evaluator', () => {
  const ev = (rule: string, self: unknown): boolean => evaluateCel(parseCel(rule), self as CelValue);

  it('has() and absent fields', () => {
    expect(ev('has(self.a)', { a: 1 })).toBe(true);
    expect(ev('has(self.a)', {})).toBe(false);
    expect(() => ev('self.a == 1', {})).toThrow(CelError);
  });

  it('&& and || absorb an error when the other side decides', () => {
    expect(ev('self.missing == 1 && false', {})).toBe(false);
    expect(ev('self.missing == 1 || true', {})).toBe(true);
    expect(() => ev('self.missing == 1 && true', {})).toThrow(CelError);
  });

  it('macros over lists and maps', () => {
    expect(ev('self.all(x, x > 0)', [1, 2])).toBe(true);
    expect(ev('self.exists_one(x, x == 1)', [1, 1])).toBe(false);
    expect(ev("self.filter(f, f.type == 'A').size() <= 1", [{ type: 'A' }, { type: 'B' }])).toBe(true);
    expect(ev('self.all(key, !key.contains("*"))', { a: '1', 'b*': '2' })).toBe(false);
    expect(ev("'*' in self && self.size() > 1", ['*', 'GET'])).toBe(true);
  });

  it('escaped keyword fields, raw strings, (?i), isIP, durations, split and substring', () => {
    expect(ev("self.__namespace__ == 'ns'", { namespace: 'ns' })).toBe(true);
    expect(ev('self.matches(r"""^(\\*\\.)?[a-z]+$""")', '*.abc')).toBe(true);
    expect(ev('self.matches(r"""^(?i)[a-z]+$""")', 'ABC')).toBe(true);
    expect(ev('self.matches(r"""(?i)^[a-z]+$""")', 'ABC')).toBe(true);
    expect(ev('self.all(h, !isIP(h))', ['example.com', '2001:db8::1'])).toBe(false);
    expect(ev("duration(self.a) > duration(self.b)", { a: '1m', b: '59s' })).toBe(true);
    expect(ev("duration(self) != duration('0s')", '0s')).toBe(false);
    expect(ev('self.split("/")[0].size() < 4', 'abc/defgh')).toBe(true);
    expect(ev("self.startsWith('*.') && self.substring(2) == 'a.b'", '*.a.b')).toBe(true);
  });

  it('refuses what it does not support instead of guessing', () => {
    expect(() => parseCel('self.optMap(x)')).not.toThrow();
    expect(() => ev('self.optMap(x)', {})).toThrow(CelError);
    expect(() => parseCel('self.a ?? 1')).toThrow(CelError);
  });
});

describe('CEL rules on resources', () => {
  const route = (backendRef: Record<string, unknown>) => ({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'r' },
    spec: { parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [backendRef] }] },
  });
  const issues = (raw: Record<string, unknown>) => {
    const [group, version] = String(raw.apiVersion).split('/');
    return schemaIssues({ raw, group, version, kind: raw.kind } as never).map((i) => i.message);
  };

  it('reads the defaults first: a backendRef without kind is a Service and needs a port', () => {
    expect(issues(route({ name: 'svc' }))).toEqual([expect.stringContaining('a reference to a Service needs a port')]);
    expect(issues(route({ name: 'svc', port: 80 }))).toEqual([]);
    // A Hostname backend of Istio is not a Service: no port is required by the rule.
    expect(issues(route({ group: 'networking.istio.io', kind: 'Hostname', name: 'api.example.com' }))).toEqual([]);
  });

  it('does not run rules where the schema check already failed', () => {
    const bad = route({ name: 'svc', weight: 'heavy' });
    const found = issues(bad);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/weight must be an integer/);
  });

  it('skips the rules of a list longer than the schema allows (no quadratic work)', () => {
    const listeners = Array.from({ length: 5000 }, (_, i) => ({ name: 'same', port: 1 + (i % 60000), protocol: 'HTTP' }));
    const gw = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'g' }, spec: { gatewayClassName: 'istio', listeners } };
    const t = Date.now();
    const found = issues(gw);
    expect(Date.now() - t).toBeLessThan(5000);
    expect(found.some((m) => /at most 64/.test(m))).toBe(true);
    expect(found.some((m) => /same name/.test(m))).toBe(false);
  });

  it('is reported with file and line by the linter', async () => {
    const result = await lintYaml({
      'gw.yaml': `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: g
spec:
  gatewayClassName: istio
  listeners:
  - name: tcp
    port: 3306
    protocol: TCP
    hostname: db.example.com
`,
    });
    const f = result.findings.find((x) => x.ruleId === 'schema-violation');
    expect(f?.message).toContain('a TCP or UDP listener cannot have a hostname');
    expect(f?.line).toBe(7);
  });
});
