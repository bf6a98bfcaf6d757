import { describe, expect, it } from 'vitest';
import { coveringWildcards, exportedTo, hostCovers, hostsOverlap, isClusterLocalHost, toFqdn } from '../src/model/hosts.js';
import { resolveGatewayRef } from '../src/model/kinds.js';
import { lintYaml } from './helpers.js';

describe('hosts', () => {
  it('expands short names in the resource namespace only', () => {
    expect(toFqdn('reviews', 'shop')).toBe('reviews.shop.svc.cluster.local');
    expect(toFqdn('reviews.shop', 'x')).toBe('reviews.shop');
    expect(toFqdn('*.example.com', 'x')).toBe('*.example.com');
    expect(toFqdn('API.Example.com', 'x')).toBe('api.example.com');
  });

  it('matches wildcards one way', () => {
    expect(hostCovers('*.example.com', 'a.example.com')).toBe(true);
    expect(hostCovers('*.example.com', 'a.b.example.com')).toBe(true);
    expect(hostCovers('*.example.com', 'example.com')).toBe(false);
    expect(hostCovers('a.example.com', '*.example.com')).toBe(false);
    expect(hostCovers('*', 'anything.io')).toBe(true);
    expect(hostCovers('*.local', 'my-svc.default.svc.cluster.local')).toBe(true);
    expect(hostCovers('*.local', 'httpbin.org')).toBe(false);
    expect(hostCovers('*.com', '*.example.com')).toBe(true);
    expect(hostsOverlap('a.example.com', '*.example.com')).toBe(true);
  });

  it('lists covering wildcards most specific first', () => {
    expect(coveringWildcards('a.b.example.com')).toEqual(['*.b.example.com', '*.example.com', '*.com', '*']);
  });

  it('treats short names, name.ns of a known namespace and the cluster domain as cluster-local', () => {
    const ns = new Set(['shop']);
    expect(isClusterLocalHost('reviews', ns)).toBe(true);
    expect(isClusterLocalHost('reviews.shop', ns)).toBe(true);
    expect(isClusterLocalHost('reviews.shop.svc', ns)).toBe(true);
    expect(isClusterLocalHost('x.y.svc.cluster.local', ns)).toBe(true);
    expect(isClusterLocalHost('httpbin.org', ns)).toBe(false);
    expect(isClusterLocalHost('*.local', ns)).toBe(true);
    expect(isClusterLocalHost('*.svc.cluster.local', ns)).toBe(true);
    expect(isClusterLocalHost('dummy.local', ns)).toBe(true);
    expect(isClusterLocalHost('*.example.com', ns)).toBe(false);
  });

  it('reads exportTo like Istio', () => {
    expect(exportedTo(undefined, 'a', 'b')).toBe(true);
    expect(exportedTo([], 'a', 'b')).toBe(true);
    expect(exportedTo(['.'], 'a', 'a')).toBe(true);
    expect(exportedTo(['.'], 'a', 'b')).toBe(false);
    expect(exportedTo(['b', 'c'], 'a', 'b')).toBe(true);
    expect(exportedTo(['~'], 'a', 'a')).toBe(false);
    expect(exportedTo(['*'], 'a', 'z')).toBe(true);
  });

  it('resolves gateway reference forms', () => {
    expect(resolveGatewayRef('mesh', 'x')).toEqual({ mesh: true, raw: 'mesh' });
    expect(resolveGatewayRef('egress', 'shop')).toMatchObject({ namespace: 'shop', name: 'egress' });
    expect(resolveGatewayRef('istio-system/egress', 'shop')).toMatchObject({ namespace: 'istio-system', name: 'egress' });
    expect(resolveGatewayRef('egress.istio-system.svc.cluster.local', 'shop')).toMatchObject({ namespace: 'istio-system', name: 'egress' });
  });
});

const cm = (mode: string, name = 'istio', ns = 'istio-system') => `apiVersion: v1
kind: ConfigMap
metadata: {name: ${name}, namespace: ${ns}}
data:
  mesh: |
    outboundTrafficPolicy:
      mode: ${mode}
`;
const iop = (mode: string, where = 'meshConfig') => `apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
metadata: {name: cp, namespace: istio-system}
spec:
  ${where === 'meshConfig' ? 'meshConfig' : 'values:\n    meshConfig'}:
    ${where === 'meshConfig' ? '' : '  '}outboundTrafficPolicy: {mode: ${mode}}
`;
const sidecar = (ns: string, mode?: string, selector?: string) => `apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: sc-${ns}${selector ? '-sel' : ''}, namespace: ${ns}}
spec:
${selector ? `  workloadSelector: {labels: {app: ${selector}}}\n` : ''}${mode ? `  outboundTrafficPolicy: {mode: ${mode}}\n` : '  egress: [{hosts: ["./*"]}]\n'}`;

describe('effective outbound policy', () => {
  it('defaults to ALLOW_ANY', async () => {
    const { mesh } = await lintYaml({ 'a.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n' });
    expect(mesh.effectivePolicy('shop')).toMatchObject({ mode: 'ALLOW_ANY' });
  });

  it('reads the ConfigMap mesh key, and prefers it to an IstioOperator', async () => {
    const { mesh } = await lintYaml({ 'a.yaml': cm('REGISTRY_ONLY'), 'b.yaml': iop('ALLOW_ANY') });
    expect(mesh.effectivePolicy('shop')).toMatchObject({ mode: 'REGISTRY_ONLY', setBy: 'ConfigMap istio-system/istio (data.mesh)' });
  });

  it('reads IstioOperator spec.meshConfig over spec.values.meshConfig', async () => {
    const { mesh } = await lintYaml({ 'a.yaml': iop('REGISTRY_ONLY') });
    expect(mesh.meshPolicy()).toMatchObject({ mode: 'REGISTRY_ONLY', path: ['spec', 'meshConfig', 'outboundTrafficPolicy', 'mode'] });
    const v = await lintYaml({ 'a.yaml': iop('REGISTRY_ONLY', 'values') });
    expect(v.mesh.meshPolicy()).toMatchObject({ mode: 'REGISTRY_ONLY', path: ['spec', 'values', 'meshConfig', 'outboundTrafficPolicy', 'mode'] });
  });

  it('lets --mesh-config win over the input', async () => {
    const { mesh } = await lintYaml({ 'a.yaml': cm('ALLOW_ANY') }, { meshConfig: { mode: 'REGISTRY_ONLY', label: '--mesh-config m.yaml' } });
    expect(mesh.effectivePolicy('x')).toMatchObject({ mode: 'REGISTRY_ONLY', setBy: '--mesh-config m.yaml' });
  });

  it('applies selector Sidecar, then namespace Sidecar, then root Sidecar only for namespaces without one', async () => {
    const { mesh } = await lintYaml({
      'a.yaml': [cm('ALLOW_ANY'), sidecar('istio-system', 'REGISTRY_ONLY'), sidecar('shop', undefined), sidecar('shop', 'REGISTRY_ONLY', 'pay'), sidecar('blog', 'ALLOW_ANY')].join('---\n'),
    });
    // A namespace without a Sidecar gets the root Sidecar.
    expect(mesh.effectivePolicy('other')).toMatchObject({ mode: 'REGISTRY_ONLY', setBy: 'Sidecar istio-system/sc-istio-system' });
    // The namespace Sidecar sets no mode: the mesh value applies, not the root Sidecar's.
    expect(mesh.effectivePolicy('shop')).toMatchObject({ mode: 'ALLOW_ANY', setBy: 'ConfigMap istio-system/istio (data.mesh)' });
    expect(mesh.effectivePolicy('shop', { app: 'pay' })).toMatchObject({ mode: 'REGISTRY_ONLY', setBy: 'Sidecar shop/sc-shop-sel' });
    expect(mesh.effectivePolicy('blog')).toMatchObject({ mode: 'ALLOW_ANY', setBy: 'Sidecar blog/sc-blog' });
  });

  it('follows revisions: istio-<rev> ConfigMap for namespaces labelled istio.io/rev', async () => {
    const { mesh } = await lintYaml({
      'a.yaml': [cm('ALLOW_ANY'), cm('REGISTRY_ONLY', 'istio-canary'), 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {istio.io/rev: canary}}\n'].join('---\n'),
    });
    expect(mesh.effectivePolicy('shop').mode).toBe('REGISTRY_ONLY');
    expect(mesh.effectivePolicy('blog').mode).toBe('ALLOW_ANY');
  });
});

const se = (name: string, ns: string, host: string, extra = '') => `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: ${name}, namespace: ${ns}}
spec:
  hosts: ["${host}"]
  ports: [{number: 443, name: tls, protocol: TLS}]
${extra}`;

describe('registry lookup', () => {
  it('finds exact and wildcard entries, honours exportTo and Sidecar imports', async () => {
    const { mesh } = await lintYaml({
      'a.yaml': [
        se('wild', 'ops', '*.example.com'),
        se('private', 'ops', 'api.private.io', '  exportTo: ["."]\n'),
        sidecar('locked'),
        'apiVersion: v1\nkind: Service\nmetadata: {name: db, namespace: data}\nspec: {ports: [{port: 5432}]}\n',
      ].join('---\n'),
    });
    expect(mesh.registryLookup('a.example.com', 'shop').status).toBe('registered');
    expect(mesh.registryLookup('example.com', 'shop').status).toBe('missing');
    expect(mesh.registryLookup('api.private.io', 'ops').status).toBe('registered');
    expect(mesh.registryLookup('api.private.io', 'shop').status).toBe('not-exported');
    expect(mesh.registryLookup('a.example.com', 'locked').status).toBe('not-imported');
    expect(mesh.registryLookup('db.data.svc.cluster.local', 'shop').status).toBe('kubernetes-service');
  });

  it('matches IP literals against ServiceEntry address ranges', async () => {
    const { mesh } = await lintYaml({ 'a.yaml': se('range', 'ops', 'db.internal', '  addresses: ["192.0.2.0/24"]\n') });
    expect(mesh.registryLookup('192.0.2.15', 'shop').status).toBe('registered');
    expect(mesh.registryLookup('198.51.100.1', 'shop').status).toBe('missing');
  });
});

describe('IstioOperator gateways', () => {
  it('models egress gateway components and the demo profile as workloads with Services', async () => {
    const { mesh } = await lintYaml({
      'a.yaml': `apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
metadata: {name: cp, namespace: istio-system}
spec:
  profile: demo
  components:
    egressGateways:
    - name: httpbin-egress
      namespace: httpbin
      enabled: true
      label: {custom-egress: httpbin-egress}
`,
    });
    const egress = mesh.workloadsMatching({ istio: 'egressgateway' });
    expect(egress.map((w) => `${w.namespace}/${w.fromOperator?.name}`).sort()).toEqual(['httpbin/httpbin-egress', 'istio-system/istio-egressgateway']);
    expect(mesh.serviceByHost('httpbin-egress.httpbin.svc.cluster.local')?.ports.map((p) => p.number)).toEqual([80, 443]);
  });
});
