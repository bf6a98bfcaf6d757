// --context (and `context:` in the config): the context is loaded into the model, but only the
// files given on the command line are reported. This is what the pre-commit hook relies on.
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRules } from '../src/rules/index.js';
import { tempTree, runCli } from './helpers.js';

interface JsonReport {
  summary: Record<string, number>;
  findings: { ruleId: string; file: string; line: number }[];
}

async function run(argv: string[], cwd: string): Promise<{ code: number; report?: JsonReport; stderr: string }> {
  const r = await runCli([...argv, '--format', 'json'], cwd);
  return { code: r.code, report: r.stdout ? (JSON.parse(r.stdout) as JsonReport) : undefined, stderr: r.stderr };
}

/**
 * A cross-file fact: a VirtualService bound to a Gateway that only the context defines
 * (gateway-not-found fires without it). The context also holds files with findings of their own.
 */
const TREE = {
  'changed/vs.yaml': `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: api
  namespace: shop
spec:
  hosts: [api.example.com]
  gateways: [istio-system/egressgateway]
  tls:
  - match:
    - port: 443
      sniHosts: [api.example.com]
    route:
    - destination:
        host: api.example.com
        port: {number: 443}
`,
  'tree/gateway.yaml': `apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: egressgateway
  namespace: istio-system
spec:
  selector: {istio: egressgateway}
  servers:
  - port: {number: 443, name: tls, protocol: TLS}
    hosts: [api.example.com]
    tls: {mode: PASSTHROUGH}
`,
  // Findings that must never be reported: a syntax error, a dangling gateway, an unused directive.
  'tree/broken.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n',
  'tree/other-vs.yaml': `# mesh-egress-lint-disable gateway-conflict -- suppresses nothing, but this file is context
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: other
  namespace: shop
spec:
  hosts: [other.example.com]
  gateways: [istio-system/missing-gateway]
  tls:
  - match:
    - port: 443
      sniHosts: [other.example.com]
    route:
    - destination:
        host: other.example.com
        port: {number: 443}
`,
};

describe('--context', () => {
  let implemented = false;
  beforeAll(async () => {
    implemented = (await loadRules()).some((r) => r.id === 'gateway-not-found');
  });

  it('uses facts from the context and reports only the files on the command line', async ({ skip }) => {
    if (!implemented) skip();
    const dir = tempTree(TREE);
    const alone = await run(['changed'], dir);
    expect(alone.report!.findings.filter((f) => f.ruleId === 'gateway-not-found').map((f) => `${f.file}:${f.line}`)).toEqual(['changed/vs.yaml:8']);

    const withContext = await run(['changed', '--context', 'tree'], dir);
    const r = withContext.report!;
    expect(r.findings.filter((f) => f.ruleId === 'gateway-not-found')).toEqual([]);
    expect(r.findings.every((f) => f.file.startsWith('changed/'))).toBe(true);
    expect(r.summary).toMatchObject({ files: 1, documents: 1, resources: 1 });
  });

  it('reports only the named files when the context is the whole tree (the pre-commit form)', async ({ skip }) => {
    if (!implemented) skip();
    const dir = tempTree(TREE);
    const { report } = await run(['--context', '.', 'changed/vs.yaml'], dir);
    expect(report!.findings.filter((f) => f.ruleId === 'gateway-not-found')).toEqual([]);
    expect(report!.findings.every((f) => f.file === 'changed/vs.yaml')).toBe(true);
    expect(report!.summary.files).toBe(1);
    // A context file named on the command line is reported.
    const both = await run(['--context', '.', 'changed/vs.yaml', 'tree/broken.yaml', 'tree/other-vs.yaml'], dir);
    const files = new Set(both.report!.findings.map((f) => `${f.ruleId}@${f.file}`));
    expect(files).toContain('yaml-syntax@tree/broken.yaml');
    expect(files).toContain('gateway-not-found@tree/other-vs.yaml');
    expect(files).toContain('invalid-suppression@tree/other-vs.yaml');
  });

  it('reads context: from the config file, relative to it', async ({ skip }) => {
    if (!implemented) skip();
    const dir = tempTree({ ...TREE, '.mesh-egress-lint.yaml': 'context: [tree]\n' });
    const { report } = await run(['vs.yaml'], path.join(dir, 'changed'));
    expect(report!.findings.filter((f) => f.ruleId === 'gateway-not-found')).toEqual([]);
    expect(report!.findings.every((f) => f.file === 'vs.yaml')).toBe(true);
  });

  it('exits 0 when every named file is under ignorePaths (a commit touching only ignored files)', async () => {
    const dir = tempTree({ ...TREE, '.mesh-egress-lint.yaml': 'ignorePaths: [vendor]\n', 'vendor/x.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: a, name: b}\n' });
    const r = await run(['--context', '.', 'vendor/x.yaml'], dir);
    expect(r.code).toBe(0);
    expect(r.report!.findings).toEqual([]);
    expect(r.report!.summary.files).toBe(0);
    // Without --context, an empty input stays a usage error.
    expect((await run(['vendor/x.yaml'], dir)).code).toBe(2);
  });

  it('exits 2 when a --context path does not exist', async () => {
    const dir = tempTree(TREE);
    const r = await run(['changed', '--context', 'nowhere'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('mesh-egress-lint: --context nowhere: no such file or directory\n');
  });
});
