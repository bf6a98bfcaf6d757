// Real manifests written by others (../shared/corpus): every file is read without a crash, no error
// is raised on a configuration the corpus README marks correct (NO), and the defects it marks YES that
// fall under a rule are reported. Each doc's files are linted together, the way the source applied
// them; a file applied with `kubectl apply -n NS` gets that namespace.
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { lintPaths } from './helpers.js';

const CORPUS = path.resolve(__dirname, '..', '..', 'shared', 'corpus');
const IO = path.join(CORPUS, 'istio-io');
const SAMPLES = path.join(CORPUS, 'istio-samples');

/** A corpus file, optionally applied into a namespace (`kubectl apply -n`). */
type Entry = string | { file: string; ns: string };

interface Group {
  name: string;
  files: Entry[];
  /** Files the README marks NO (correct): no finding of severity error in them. */
  clean: string[];
  /** Defects the README marks YES that a rule covers: [file, rule id]. */
  defects?: [string, string][];
  istioVersion?: string;
}

const GROUPS: Group[] = [
  { name: 'egress control', files: ['tasks-egress-control__1', 'tasks-egress-control__2', 'tasks-egress-control__3', 'tasks-egress-control__4'], clean: ['tasks-egress-control__2', 'tasks-egress-control__3', 'tasks-egress-control__4'] },
  {
    name: 'egress gateway, HTTP',
    files: ['tasks-egress-gateway__1', 'tasks-egress-gateway__2', 'tasks-egress-gateway__3', 'tasks-egress-gateway__4'],
    // __3 and __4 are MAYBE alone; together with __2 they are the task's working configuration.
    clean: ['tasks-egress-gateway__2', 'tasks-egress-gateway__3', 'tasks-egress-gateway__4'],
  },
  { name: 'egress gateway, HTTPS passthrough', files: ['tasks-egress-gateway__5', 'tasks-egress-gateway__6'], clean: ['tasks-egress-gateway__5', 'tasks-egress-gateway__6'] },
  {
    name: 'egress gateway, client namespace test-egress',
    files: ['tasks-egress-gateway__5', 'tasks-egress-gateway__6', { file: 'tasks-egress-gateway__7', ns: 'test-egress' }, { file: 'tasks-egress-gateway__8', ns: 'test-egress' }],
    clean: ['tasks-egress-gateway__5', 'tasks-egress-gateway__6', 'tasks-egress-gateway__8'],
  },
  {
    name: 'egress gateway TLS origination',
    files: ['tasks-egress-gateway-tls-origination__1', 'tasks-egress-gateway-tls-origination__2', 'tasks-egress-gateway-tls-origination__3'],
    clean: ['tasks-egress-gateway-tls-origination__1', 'tasks-egress-gateway-tls-origination__3'],
  },
  {
    name: 'egress gateway mutual TLS origination',
    files: ['tasks-egress-gateway-tls-origination__4', 'tasks-egress-gateway-tls-origination__5', 'tasks-egress-gateway-tls-origination__6', 'tasks-egress-gateway-tls-origination__7', 'tasks-egress-gateway-tls-origination__8'],
    clean: ['tasks-egress-gateway-tls-origination__5'],
  },
  { name: 'TLS origination', files: ['tasks-egress-tls-origination__1', 'tasks-egress-tls-origination__2'], clean: ['tasks-egress-tls-origination__1', 'tasks-egress-tls-origination__2'] },
  { name: 'TLS origination, mutual (credentialName with workloadSelector)', files: ['tasks-egress-tls-origination__3', 'tasks-egress-tls-origination__4'], clean: ['tasks-egress-tls-origination__4'] },
  {
    name: 'SDS origination via gateway (root-namespace DR __4)',
    files: ['tasks-egress-gateway-tls-origination-sds__1', 'tasks-egress-gateway-tls-origination-sds__2', 'tasks-egress-gateway-tls-origination-sds__3', { file: 'tasks-egress-gateway-tls-origination-sds__4', ns: 'istio-system' }],
    clean: ['tasks-egress-gateway-tls-origination-sds__2'],
  },
  {
    name: 'SDS origination via gateway (root-namespace DR __5)',
    files: ['tasks-egress-gateway-tls-origination-sds__1', 'tasks-egress-gateway-tls-origination-sds__2', 'tasks-egress-gateway-tls-origination-sds__3', { file: 'tasks-egress-gateway-tls-origination-sds__5', ns: 'istio-system' }],
    clean: ['tasks-egress-gateway-tls-origination-sds__2'],
  },
  { name: 'Kubernetes ExternalName Service', files: ['tasks-egress-kubernetes-services__1', 'tasks-egress-kubernetes-services__2'], clean: ['tasks-egress-kubernetes-services__1'] },
  {
    name: 'Kubernetes ExternalName Service, Istio 1.20',
    files: ['tasks-egress-kubernetes-services__1', 'tasks-egress-kubernetes-services__2'],
    clean: ['tasks-egress-kubernetes-services__1', 'tasks-egress-kubernetes-services__2'],
    istioVersion: '1.20',
  },
  {
    name: 'Kubernetes selectorless Service with Endpoints',
    files: ['tasks-egress-kubernetes-services__3', 'tasks-egress-kubernetes-services__4', 'tasks-egress-kubernetes-services__5'],
    clean: ['tasks-egress-kubernetes-services__3', 'tasks-egress-kubernetes-services__4', 'tasks-egress-kubernetes-services__5'],
  },
  { name: 'wildcard hosts, direct', files: ['tasks-wildcard-egress-hosts__1'], clean: ['tasks-wildcard-egress-hosts__1'] },
  {
    name: 'wildcard hosts, single host via gateway',
    files: ['tasks-wildcard-egress-hosts__1', 'tasks-wildcard-egress-hosts__2', 'tasks-wildcard-egress-hosts__3'],
    clean: ['tasks-wildcard-egress-hosts__1', 'tasks-wildcard-egress-hosts__3'],
  },
  {
    name: 'wildcard hosts, SNI proxy (legacy)',
    files: ['tasks-wildcard-egress-hosts__4', 'tasks-wildcard-egress-hosts__5', 'tasks-wildcard-egress-hosts__6', 'tasks-wildcard-egress-hosts__7', 'tasks-wildcard-egress-hosts__8'],
    clean: ['tasks-wildcard-egress-hosts__6', 'tasks-wildcard-egress-hosts__7'],
    defects: [['tasks-wildcard-egress-hosts__8', 'gateway-route-protocol-mismatch']],
  },
  { name: 'HTTP proxy', files: ['tasks-http-proxy__1', 'tasks-http-proxy__2'], clean: ['tasks-http-proxy__2'] },
  {
    name: 'egress proxy',
    files: ['tasks-egress-proxy__1', 'tasks-egress-proxy__2', 'tasks-egress-proxy__3', 'tasks-egress-proxy__4'],
    clean: ['tasks-egress-proxy__2', 'tasks-egress-proxy__3'],
    defects: [['tasks-egress-proxy__4', 'schema-violation']],
  },
  { name: 'egress HTTPS blog, sni_hosts', files: ['blog-2018-egress-https__1'], clean: [], defects: [['blog-2018-egress-https__1', 'schema-violation']] },
  { name: 'egress HTTPS blog, origination', files: ['blog-2018-egress-https__2'], clean: ['blog-2018-egress-https__2'] },
  { name: 'egress TCP blog', files: ['blog-2018-egress-tcp__1'], clean: [] },
  { name: 'mongo, direct', files: ['blog-2018-egress-mongo__1'], clean: ['blog-2018-egress-mongo__1'] },
  { name: 'mongo, via gateway', files: ['blog-2018-egress-mongo__1', 'blog-2018-egress-mongo__2'], clean: ['blog-2018-egress-mongo__1'] },
  { name: 'mongo, TLS', files: ['blog-2018-egress-mongo__4', 'blog-2018-egress-mongo__5'], clean: ['blog-2018-egress-mongo__4', 'blog-2018-egress-mongo__5'] },
  {
    name: 'mongo, TLS via gateway (sni_hosts)',
    files: ['blog-2018-egress-mongo__4', 'blog-2018-egress-mongo__6', 'blog-2018-egress-mongo__7'],
    clean: ['blog-2018-egress-mongo__4'],
    defects: [
      ['blog-2018-egress-mongo__6', 'schema-violation'],
      ['blog-2018-egress-mongo__7', 'schema-violation'],
    ],
  },
  {
    name: 'mongo, wildcard',
    files: ['blog-2018-egress-mongo__8', 'blog-2018-egress-mongo__9', 'blog-2018-egress-mongo__10', 'blog-2018-egress-mongo__11', 'blog-2018-egress-mongo__12'],
    clean: ['blog-2018-egress-mongo__9'],
    defects: [['blog-2018-egress-mongo__12', 'schema-violation']],
  },
  {
    name: 'on-demand egress gateways',
    files: [
      'blog-2020-on-demand-egress-gateways__1',
      'blog-2020-on-demand-egress-gateways__2',
      'blog-2020-on-demand-egress-gateways__3',
      'blog-2020-on-demand-egress-gateways__4',
      'blog-2020-on-demand-egress-gateways__5',
      'blog-2020-on-demand-egress-gateways__6',
      'blog-2020-on-demand-egress-gateways__7',
      'blog-2020-on-demand-egress-gateways__8',
      'blog-2020-on-demand-egress-gateways__9',
    ],
    clean: ['blog-2020-on-demand-egress-gateways__8'],
    defects: [
      ['blog-2020-on-demand-egress-gateways__1', 'schema-violation'],
      ['blog-2020-on-demand-egress-gateways__4', 'schema-violation'],
      ['blog-2020-on-demand-egress-gateways__5', 'schema-violation'],
      ['blog-2020-on-demand-egress-gateways__6', 'schema-violation'],
    ],
  },
  {
    name: 'legacy services via egress gateways',
    files: ['blog-2020-proxying-legacy-services-using-egress-gateways__1', 'blog-2020-proxying-legacy-services-using-egress-gateways__2'],
    clean: ['blog-2020-proxying-legacy-services-using-egress-gateways__1'],
  },
  { name: 'egress policies, per-namespace SE', files: ['blog-2022-egress-policies__1', { file: 'blog-2022-egress-policies__1', ns: 'otherns' }, 'blog-2022-egress-policies__2'], clean: ['blog-2022-egress-policies__1', 'blog-2022-egress-policies__2'] },
  { name: 'egress policies, gateway for google', files: [{ file: 'blog-2022-egress-policies__3', ns: 'istio-system' }], clean: [] },
  { name: 'egress policies, gateway for yahoo', files: [{ file: 'blog-2022-egress-policies__4', ns: 'istio-system' }], clean: [] },
  { name: 'egress policies, SNI passthrough (google)', files: ['blog-2022-egress-policies__10'], clean: ['blog-2022-egress-policies__10'] },
  { name: 'egress policies, SNI passthrough (yahoo)', files: ['blog-2022-egress-policies__11'], clean: ['blog-2022-egress-policies__11'] },
  { name: 'egress SNI blog', files: ['blog-2023-egress-sni__1', 'blog-2023-egress-sni__2'], clean: [] },
  {
    name: 'external locality failover',
    files: ['blog-2021-external-locality-failover__1', 'blog-2021-external-locality-failover__2'],
    clean: ['blog-2021-external-locality-failover__1', 'blog-2021-external-locality-failover__2'],
  },
  { name: 'external locality failover, TLS', files: ['blog-2021-external-locality-failover__4', 'blog-2021-external-locality-failover__5'], clean: [] },
  { name: 'DNS proxy blog', files: ['blog-2020-dns-proxy__1'], clean: [], defects: [['blog-2020-dns-proxy__1', 'schema-violation']] },
  { name: 'Gateway API egress gateway', files: ['tasks-egress-gateway__5', 'tasks-egress-gateway-gtwapi__1', 'tasks-egress-gateway-gtwapi__2'], clean: ['tasks-egress-gateway-gtwapi__1', 'tasks-egress-gateway__5'] },
];

const SAMPLE_GROUPS: Group[] = [
  { name: 'sample: Google APIs egress rule', files: ['samples/bookinfo/networking/egress-rule-google-apis.yaml'], clean: ['samples/bookinfo/networking/egress-rule-google-apis.yaml'] },
  { name: 'sample: local ext-authz', files: ['samples/extauthz/local-ext-authz.yaml'], clean: ['samples/extauthz/local-ext-authz.yaml'] },
  { name: 'sample: github', files: ['samples/external/github.yaml'], clean: ['samples/external/github.yaml'] },
  { name: 'sample: pypi', files: ['samples/external/pypi.yaml'], clean: ['samples/external/pypi.yaml'] },
  { name: 'sample: aptget', files: ['samples/external/aptget.yaml'], clean: [] },
];

const scratch = mkdtempSync(path.join(tmpdir(), 'mel-corpus-'));

/** A copy of a file applied into a namespace: metadata.namespace added where it is absent. */
function inNamespace(abs: string, ns: string): string {
  const text = readFileSync(abs, 'utf8');
  const out = text.replace(/^metadata:[ \t]*\r?\n((?:[ \t]+.*\r?\n)*)/gm, (block, body: string) => {
    if (/^[ \t]+namespace:/m.test(body)) return block;
    const indent = /^([ \t]+)/.exec(body)?.[1] ?? '  ';
    return `metadata:\n${indent}namespace: ${ns}\n${body}`;
  });
  const p = path.join(scratch, `${ns}--${path.basename(abs)}`);
  writeFileSync(p, out);
  return p;
}

function resolveEntries(base: string, entries: Entry[]): { paths: string[]; byName: Map<string, string[]> } {
  const byName = new Map<string, string[]>();
  const paths = entries.map((e) => {
    const name = typeof e === 'string' ? e : e.file;
    const abs = path.join(base, name.endsWith('.yaml') ? name : `${name}.yaml`);
    const p = typeof e === 'string' ? abs : inNamespace(abs, e.ns);
    byName.set(name, [...(byName.get(name) ?? []), p]);
    return p;
  });
  return { paths, byName };
}

const available = existsSync(IO);

describe.runIf(available)('shared corpus', () => {
  it('reads every file without a crash, accounting for each', async () => {
    const stderr = vi.spyOn(process.stderr, 'write');
    const result = await lintPaths([CORPUS], { cwd: CORPUS });
    const internal = stderr.mock.calls.map((c) => String(c[0])).filter((s) => s.includes('internal error'));
    stderr.mockRestore();
    expect(internal).toEqual([]);
    const count = (dir: string): number => readdirSync(dir, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? count(path.join(dir, e.name)) : /\.(ya?ml|json)$/.test(e.name) ? 1 : 0), 0);
    expect(result.summary.files).toBe(count(CORPUS));
    // Fragments and Helm values are reported as such, once per file.
    for (const f of ['tasks-egress-control__1', 'tasks-egress-gateway__1', 'blog-2020-on-demand-egress-gateways__3', 'blog-2018-egress-mongo__8', 'tasks-wildcard-egress-hosts__5']) {
      const notes = result.findings.filter((x) => x.file === `istio-io/${f}.yaml` && x.ruleId === 'not-a-manifest');
      expect(notes, f).toHaveLength(1);
    }
    // The Gateway API Gateway is not an Istio Gateway.
    expect(result.mesh.gateways.map((g) => g.resource.doc.file.displayPath)).not.toContain('istio-io/tasks-egress-gateway-gtwapi__1.yaml');
  });

  const run = (base: string, groups: Group[]) =>
    it.each(groups.map((g) => [g.name, g] as const))('%s', async (_name, g) => {
      const { paths, byName } = resolveEntries(base, g.files);
      const result = await lintPaths(paths, { cwd: base, istioVersion: g.istioVersion });
      const fileOf = (f: { file: string }) => path.resolve(base, f.file);
      for (const name of g.clean) {
        const files = new Set(byName.get(name) ?? []);
        const errors = result.findings.filter((f) => f.severity === 'error' && files.has(fileOf(f)));
        expect(
          errors.map((e) => `${e.ruleId} ${path.basename(e.file)}:${e.line} ${e.message}`),
          `${name} is marked correct`,
        ).toEqual([]);
      }
      for (const [name, ruleId] of g.defects ?? []) {
        const files = new Set(byName.get(name) ?? []);
        expect(
          result.findings.some((f) => f.ruleId === ruleId && files.has(fileOf(f))),
          `${name}: expected ${ruleId}; got ${result.findings.map((f) => `${f.ruleId}@${path.basename(f.file)}:${f.line}`).join(', ')}`,
        ).toBe(true);
      }
    });

  describe('istio.io docs', () => run(IO, GROUPS));
  describe('istio samples', () => run(SAMPLES, SAMPLE_GROUPS));
});
