import { describe, expect, it } from 'vitest';
import { expandClusterLocal, isExternalHost, looksClusterLocal, registryProblems, registrySeverity } from '../src/model/external-hosts.js';
import { ignoredPolicyKeys } from '../src/model/mesh-layers.js';
import { lintYaml } from './helpers.js';

const deployment = (ns: string, url: string, labels = 'app: web') => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ${ns}}
spec:
  selector: {matchLabels: {${labels}}}
  template:
    metadata: {labels: {${labels}}}
    spec:
      containers:
      - name: app
        image: web
        env:
        - {name: URL, value: "${url}"}
`;
const registryOnly = `
apiVersion: v1
kind: ConfigMap
metadata: {name: istio, namespace: istio-system}
data:
  mesh: |
    outboundTrafficPolicy: {mode: REGISTRY_ONLY}
`;
const vs = `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: partner, namespace: shop}
spec:
  hosts: [api.partner.io]
  http:
  - route:
    - destination: {host: api.partner.io}
`;

describe('which hosts are external', () => {
  it('reads cluster-local names and public names', async () => {
    const { mesh } = await lintYaml({ 'a.yaml': deployment('shop', 'http://x') });
    expect(looksClusterLocal(mesh, 'orders')).toBe(true);
    expect(looksClusterLocal(mesh, 'orders.shop')).toBe(true);
    expect(looksClusterLocal(mesh, 'orders.billing')).toBe(true); // not a public TLD: a namespace the input does not show
    expect(looksClusterLocal(mesh, 'orders.shop.svc')).toBe(true);
    expect(looksClusterLocal(mesh, 'orders.shop.svc.cluster.local')).toBe(true);
    expect(looksClusterLocal(mesh, 'stripe.com')).toBe(false);
    expect(looksClusterLocal(mesh, 'bbc.co.uk')).toBe(false);
    expect(looksClusterLocal(mesh, 'example.de')).toBe(false);
    expect(looksClusterLocal(mesh, 'db.prod.internal')).toBe(false);
    expect(looksClusterLocal(mesh, '*.local')).toBe(true);
    expect(looksClusterLocal(mesh, '*.svc.cluster.local')).toBe(true);
    expect(looksClusterLocal(mesh, '*.shop.svc.cluster.local')).toBe(true);
    expect(looksClusterLocal(mesh, '*.com')).toBe(false);
    expect(looksClusterLocal(mesh, '*.example.com')).toBe(false);
    expect(isExternalHost(mesh, 'api.stripe.com')).toBe(true);
    expect(isExternalHost(mesh, '*.wikipedia.org')).toBe(true);
    expect(isExternalHost(mesh, '*')).toBe(false);
    expect(isExternalHost(mesh, '<my-hostname>')).toBe(false);
    expect(isExternalHost(mesh, '8.8.8.8')).toBe(true);
    expect(isExternalHost(mesh, '203.0.113.7')).toBe(true);
    expect(isExternalHost(mesh, '10.0.0.7')).toBe(false);
    expect(isExternalHost(mesh, '169.254.169.254')).toBe(false);
    expect(isExternalHost(mesh, 'fd00::1')).toBe(false);
  });

  it('expands cluster-local forms', () => {
    expect(expandClusterLocal('orders', 'shop')).toBe('orders.shop.svc.cluster.local');
    expect(expandClusterLocal('orders.billing', 'shop')).toBe('orders.billing.svc.cluster.local');
    expect(expandClusterLocal('orders.billing.svc', 'shop')).toBe('orders.billing.svc.cluster.local');
    expect(expandClusterLocal('orders.billing.svc.cluster.local', 'shop')).toBe('orders.billing.svc.cluster.local');
  });
});

describe('registry problems and their severity', () => {
  it('is an error under REGISTRY_ONLY, naming the source of the policy', async () => {
    const r = await lintYaml({ 'm.yaml': registryOnly, 'd.yaml': deployment('shop', 'https://api.partner.io/x'), 'v.yaml': vs });
    const f = r.findings.filter((x) => x.ruleId === 'missing-service-entry');
    expect(f.map((x) => x.severity)).toEqual(['error', 'error', 'error']);
    expect(f[0]!.message).toContain('set by ConfigMap istio-system/istio (data.mesh)');
    expect(f[0]!.message).toContain('env URL of Deployment shop/web');
  });

  it('under ALLOW_ANY warns for configuration and is silent for workload URLs', async () => {
    const r = await lintYaml({ 'd.yaml': deployment('shop', 'https://api.partner.io/x'), 'v.yaml': vs });
    const f = r.findings.filter((x) => x.ruleId === 'missing-service-entry');
    expect(f).toHaveLength(2);
    expect(f.every((x) => x.severity === 'warning' && x.file.endsWith('v.yaml'))).toBe(true);
    const problems = registryProblems(r.mesh);
    expect(problems.map((p) => registrySeverity(p))).toEqual(['warning', 'warning', undefined]);
  });

  it('keeps the consumer that fares worst when a ConfigMap is loaded by several pods', async () => {
    const cm = `
apiVersion: v1
kind: ConfigMap
metadata: {name: env, namespace: shop}
data: {API: "https://api.partner.io/v1"}
`;
    const pod = (name: string, labels: string) => `
apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: shop, labels: {${labels}}}
spec:
  containers:
  - name: app
    image: x
    envFrom: [{configMapRef: {name: env}}]
`;
    const sidecar = `
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: strict, namespace: shop}
spec:
  workloadSelector: {labels: {app: b}}
  outboundTrafficPolicy: {mode: REGISTRY_ONLY}
`;
    const r = await lintYaml({ 'cm.yaml': cm, 'a.yaml': pod('a', 'app: a'), 'b.yaml': pod('b', 'app: b'), 's.yaml': sidecar });
    const f = r.findings.filter((x) => x.ruleId === 'missing-service-entry');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ severity: 'error', file: 'cm.yaml' });
    expect(f[0]!.message).toContain('loaded by Pod shop/b');
    expect(f[0]!.message).toContain('set by Sidecar shop/strict');
  });

  it('service-entry-not-exported follows the same severity', async () => {
    const se = `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: partner, namespace: infra}
spec:
  hosts: [api.partner.io]
  exportTo: ["."]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: DNS
`;
    const allowAny = await lintYaml({ 's.yaml': se, 'd.yaml': deployment('shop', 'https://api.partner.io/x'), 'v.yaml': vs });
    expect(allowAny.findings.filter((x) => x.ruleId === 'service-entry-not-exported').map((x) => `${x.file}:${x.severity}`)).toEqual(['v.yaml:warning', 'v.yaml:warning']);
    const strict = await lintYaml({ 'm.yaml': registryOnly, 's.yaml': se, 'd.yaml': deployment('shop', 'https://api.partner.io/x') });
    const f = strict.findings.filter((x) => x.ruleId === 'service-entry-not-exported');
    expect(f.map((x) => x.severity)).toEqual(['error']);
    expect(f[0]!.message).toContain('ServiceEntry infra/partner (exportTo: ["."])');
    expect(strict.findings.filter((x) => x.ruleId === 'missing-service-entry')).toEqual([]);
  });
});

describe('mesh config layers', () => {
  it('flags keys Istio ignores', () => {
    expect(ignoredPolicyKeys({ outBoundTrafficPolicy: { mode: 'REGISTRY_ONLY' } })).toEqual([
      { path: ['outBoundTrafficPolicy'], key: 'outBoundTrafficPolicy', suggestion: 'outboundTrafficPolicy', lostMode: 'REGISTRY_ONLY' },
    ]);
    expect(ignoredPolicyKeys({ outboundTrafficPolicy: { mod: 'REGISTRY_ONLY' } })).toEqual([{ path: ['outboundTrafficPolicy', 'mod'], key: 'mod', suggestion: 'mode', lostMode: 'REGISTRY_ONLY' }]);
    expect(ignoredPolicyKeys({ outboundTrafficPolicy: { mode: 'REGISTRY_ONLY', egressProxy: { host: 'x' } } })).toEqual([]);
    expect(ignoredPolicyKeys({ outbound_traffic_policy: { mode: 'REGISTRY_ONLY' }, accessLogFile: '/dev/stdout', enableTracing: true })).toEqual([]);
    expect(ignoredPolicyKeys('not an object')).toEqual([]);
  });

  it('reads one layer per field source of an IstioOperator', async () => {
    const iop = `
apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
metadata: {name: x, namespace: istio-system}
spec:
  revision: canary
  meshConfig: {rootNamespace: istio-config, outboundTrafficPolicy: {mode: REGISTRY_ONLY}}
  values:
    meshConfig: {outboundTrafficPolicy: {mode: ALLOW_ANY}}
    global: {outboundTrafficPolicy: {mode: ALLOW_ANY}}
`;
    const { mesh } = await lintYaml({ 'i.yaml': iop });
    expect(mesh.meshLayers.map((l) => [l.rank, l.revision, l.mode, l.rootNamespace, l.modePath?.join('.')])).toEqual([
      [2, 'canary', 'REGISTRY_ONLY', 'istio-config', 'spec.meshConfig.outboundTrafficPolicy.mode'],
      [1, 'canary', 'ALLOW_ANY', undefined, 'spec.values.meshConfig.outboundTrafficPolicy.mode'],
      [0, 'canary', 'ALLOW_ANY', undefined, 'spec.values.global.outboundTrafficPolicy.mode'],
    ]);
  });
});
