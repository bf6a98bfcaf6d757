// Command-line behaviours around reporting: --quiet and the exit code, empty input, template files,
// unclosed quotes, and typos in a --mesh-config file.
import { describe, expect, it } from 'vitest';
import { runCli, tempTree } from './helpers.js';

const cli = (argv: string[], cwd: string, stdin = '') => runCli(argv, cwd, { stdin });

/** A selectorless Service without Endpoints: one service-without-endpoints warning. */
const WARNING_ONLY = `apiVersion: v1
kind: Service
metadata: {name: legacy-db, namespace: default}
spec:
  ports: [{port: 5432, name: tcp-db}]
`;

describe('--quiet', () => {
  it('hides warnings and does not count them for the exit code, as ESLint does', async () => {
    const dir = tempTree({ 'svc.yaml': WARNING_ONLY });
    const loud = await cli(['.', '--fail-on', 'warning', '--format', 'json'], dir);
    expect(JSON.parse(loud.stdout).findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(['service-without-endpoints']);
    expect(loud.code).toBe(1);
    const quiet = await cli(['.', '--fail-on', 'warning', '--format', 'json', '--quiet'], dir);
    expect(JSON.parse(quiet.stdout).findings).toEqual([]);
    expect(quiet.code).toBe(0);
  });

  it('still fails on errors', async () => {
    const dir = tempTree({ 'a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n' });
    expect((await cli(['.', '--quiet'], dir)).code).toBe(1);
  });
});

describe('nothing to lint', () => {
  it('empty standard input exits 2 like an empty directory', async () => {
    const dir = tempTree({ 'empty/.keep': '' });
    const emptyDir = await cli(['empty'], dir);
    expect(emptyDir.code).toBe(2);
    for (const input of ['', '\n  \n']) {
      const r = await cli(['-'], dir, input);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/nothing to lint: standard input is empty/);
    }
    // A stream with a manifest still lints.
    expect((await cli(['-'], dir, WARNING_ONLY)).code).toBe(0);
  });
});

describe('template files', () => {
  it('are named on standard error when a walk skips them, and linted when named', async () => {
    const dir = tempTree({ 'k8s/svc.yaml': WARNING_ONLY, 'k8s/se.yaml.tmpl': 'kind: ServiceEntry\nmetadata: {name: ${NAME}}\n', 'k8s/gw.template': 'x', 'k8s/notes.txt': 'x' });
    const r = await cli(['k8s', '--format', 'json'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^mesh-egress-lint: info: skipped k8s\/gw\.template: a template/),
      expect.stringMatching(/^mesh-egress-lint: info: skipped k8s\/se\.yaml\.tmpl: a template/),
    ]);
    expect(JSON.parse(r.stdout).summary.files).toBe(1); // stdout stays a clean report
    const named = await cli(['k8s/se.yaml.tmpl', '--format', 'json'], dir);
    expect(named.stderr).toBe('');
    expect(JSON.parse(named.stdout).summary.files).toBe(1);
  });
});

describe('an unclosed quote', () => {
  it('is reported at the opening quote, and the documents it swallowed are counted', async () => {
    const text = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: "legacy\nspec: {}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: b}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: c}\n';
    const dir = tempTree({ 'q.yaml': text });
    const r = await cli(['q.yaml', '--format', 'json'], dir);
    const [f, ...rest] = JSON.parse(r.stdout).findings;
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ ruleId: 'yaml-syntax', line: 4, column: 9, endLine: 4 });
    expect(f.line).toBeLessThanOrEqual(text.split('\n').length - 1);
    expect(f.message).toMatch(/Missing closing " quote/);
    expect(f.message).toMatch(/the 2 documents after the "---" lines in it were not linted/);
  });

  it('in a single-document file says how far the string runs', async () => {
    const dir = tempTree({ 'q.yaml': "apiVersion: v1\nkind: Service\nmetadata: {name: 'a}\n" });
    const f = JSON.parse((await cli(['q.yaml', '--format', 'json'], dir)).stdout).findings[0];
    expect(f).toMatchObject({ ruleId: 'yaml-syntax', line: 3, column: 18 });
    expect(f.message).toMatch(/^Missing closing ' quote: the string opened here runs to the end of the file \(1 line\)\.$/);
  });
});

describe('--mesh-config typos', () => {
  it('an unknown top-level field is a located error with a suggestion', async () => {
    const dir = tempTree({ 'svc.yaml': WARNING_ONLY, 'mesh.yaml': 'rootNamespace: istio-system\noutboundTraficPolicy:\n  mode: REGISTRY_ONLY\n' });
    const r = await cli(['svc.yaml', '--mesh-config', 'mesh.yaml'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^mesh\.yaml:2:1: unknown MeshConfig field "outboundTraficPolicy" .*did you mean "outboundTrafficPolicy"\?/);
  });

  it('accepts JSON and proto spellings of real fields, and checks a ConfigMap\'s mesh too', async () => {
    const dir = tempTree({
      'svc.yaml': WARNING_ONLY,
      'ok.yaml': 'outbound_traffic_policy: {mode: REGISTRY_ONLY}\nmeshMTLS: {minProtocolVersion: TLSV1_3}\naccessLogFile: /dev/stdout\ndefaultConfig: {holdApplicationUntilProxyStarts: true}\n',
      'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: istio}\ndata:\n  mesh: |\n    enableTracng: true\n',
    });
    expect((await cli(['svc.yaml', '--mesh-config', 'ok.yaml'], dir)).code).toBe(0);
    const cm = await cli(['svc.yaml', '--mesh-config', 'cm.yaml'], dir);
    expect(cm.code).toBe(2);
    expect(cm.stderr).toMatch(/cm\.yaml: unknown MeshConfig field "enableTracng".*did you mean "enableTracing"\?/);
  });
});
