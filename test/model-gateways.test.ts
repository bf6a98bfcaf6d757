import { describe, expect, it } from 'vitest';
import { closestGateway, gatewayNameIndex, isGatewayWorkload, selectorKey, serverAdmitsHost } from '../src/model/gateways.js';
import { editDistance as levenshtein } from '../src/util/suggest.js';
import { resolveGatewayRef, type GatewayInfo, type Workload } from '../src/model/kinds.js';
import { lintYaml } from './helpers.js';

const gw = (namespace: string, name: string) => ({ namespace, name }) as GatewayInfo;
const wl = (labels: Record<string, string>, extra: Partial<Workload> = {}) =>
  ({ labels, annotations: {}, containers: [], namespace: 'x', ...extra }) as unknown as Workload;

describe('gateway references (semantics §6)', () => {
  it('resolves every form like resolveGatewayName', () => {
    expect(resolveGatewayRef('./egress', 'shop')).toMatchObject({ namespace: 'shop', name: 'egress' });
    expect(resolveGatewayRef('egress.istio-system', 'shop')).toMatchObject({ namespace: 'istio-system', name: 'egress' });
    // `/name` is not `./name`: Istio keeps it as written, so it never resolves.
    expect(resolveGatewayRef('/egress', 'shop')).toMatchObject({ namespace: '', name: 'egress' });
  });

  it('suggests the closest Gateway deterministically', () => {
    const all = gatewayNameIndex([gw('shop', 'egress-gateway'), gw('istio-system', 'istio-egressgateway'), gw('b', 'zzz'), gw('a', 'zzz')]);
    expect(closestGateway({ namespace: 'shop', name: 'egress-gatewy' }, all)).toBe('shop/egress-gateway');
    expect(closestGateway({ namespace: 'shop', name: 'istio-egressgateway' }, all)).toBe('istio-system/istio-egressgateway');
    expect(closestGateway({ namespace: 'c', name: 'zzz' }, all)).toBe('a/zzz');
    expect(closestGateway({ namespace: 'shop', name: 'completely-different' }, all)).toBeUndefined();
    // A typo of a Gateway in another namespace is found too (small inputs).
    expect(closestGateway({ namespace: 'shop', name: 'istio-egresgateway' }, all)).toBe('istio-system/istio-egressgateway');
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('', 'abc')).toBe(3);
    expect(levenshtein('abcdefgh', 'zzzzzzzz', 2)).toBe(3);
  });
});

describe('gateway workloads', () => {
  it('recognises gateway proxies, not sidecars', () => {
    expect(isGatewayWorkload(wl({ istio: 'egressgateway' }))).toBe(true);
    expect(isGatewayWorkload(wl({ app: 'istio-ingressgateway' }))).toBe(true);
    expect(isGatewayWorkload(wl({ istio: 'my-egress' }, { annotations: { 'inject.istio.io/templates': 'gateway' } }))).toBe(true);
    expect(isGatewayWorkload(wl({ app: 'proxy' }, { containers: [{ name: 'istio-proxy', value: { args: ['proxy', 'router'] }, path: [] }] }))).toBe(true);
    expect(isGatewayWorkload(wl({ 'gateway.networking.k8s.io/gateway-name': 'cnn' }))).toBe(true);
    expect(isGatewayWorkload(wl({ app: 'httpbin' }))).toBe(false);
    expect(isGatewayWorkload(wl({ app: 'curl' }, { annotations: { 'inject.istio.io/templates': 'sidecar' } }))).toBe(false);
  });

  it('writes selectors canonically', () => {
    expect(selectorKey({ istio: 'egressgateway', app: 'x' })).toBe('app=x,istio=egressgateway');
    expect(selectorKey(undefined)).toBe('');
  });
});

describe('server hosts', () => {
  const h = (namespace: string, host: string) => ({ namespace, host, raw: host, path: [] });
  const serverHostAdmits = (host: ReturnType<typeof h>, vsNamespace: string, vsHost: string) => serverAdmitsHost({ hosts: [host] }, vsNamespace, vsHost);
  it('honours namespace parts and one-way wildcards', () => {
    expect(serverHostAdmits(h('*', '*.example.com'), 'shop', 'a.example.com')).toBe(true);
    expect(serverHostAdmits(h('*', '*.example.com'), 'shop', 'example.com')).toBe(false);
    expect(serverHostAdmits(h('*', 'a.example.com'), 'shop', '*.example.com')).toBe(true);
    expect(serverHostAdmits(h('*', '*'), 'shop', 'anything.org')).toBe(true);
    expect(serverHostAdmits(h('shop', 'a.example.com'), 'shop', 'a.example.com')).toBe(true);
    expect(serverHostAdmits(h('web', 'a.example.com'), 'shop', 'a.example.com')).toBe(false);
    expect(serverHostAdmits(h('*', 'httpbin'), 'default', 'httpbin.default.svc.cluster.local')).toBe(false);
  });
});

const gateway = (name: string, selector: string, host = 'edition.cnn.com') => `---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: ${name}
spec:
  selector: {${selector}}
  servers:
  - port: {number: 443, name: tls, protocol: TLS}
    hosts: [${host}]
    tls: {mode: PASSTHROUGH}
`;

describe('gateway rules end to end', () => {
  it('says once, as info, that selectors were not checked when no gateway proxy is in the input', async () => {
    const r = await lintYaml({ 'a.yaml': gateway('a', 'istio: egressgateway') + gateway('b', 'istio: other', 'b.example.com') });
    const f = r.findings.filter((x) => x.ruleId === 'gateway-selector-no-workload');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ severity: 'info', line: 7 });
  });

  it('warns per Gateway once a gateway proxy is in the input', async () => {
    const iop = `apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nmetadata: {name: i, namespace: istio-system}\nspec: {profile: demo}\n`;
    const r = await lintYaml({ 'a.yaml': iop + gateway('a', 'istio: egressgateway') + gateway('b', 'istio: other', 'b.example.com') });
    const f = r.findings.filter((x) => x.ruleId === 'gateway-selector-no-workload');
    expect(f.map((x) => [x.severity, x.message.startsWith('Selector istio=other')])).toEqual([['warning', true]]);
  });

  it('mentions a Gateway API Gateway of the same name', async () => {
    const r = await lintYaml({
      'a.yaml': `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: cnn}
spec: {gatewayClassName: istio, listeners: [{name: http, port: 80, protocol: HTTP}]}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs}
spec:
  hosts: [edition.cnn.com]
  gateways: [cnn]
  http: [{route: [{destination: {host: edition.cnn.com}}]}]
`,
    });
    const f = r.findings.filter((x) => x.ruleId === 'gateway-not-found');
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toContain('gateway.networking.k8s.io Gateway');
  });

  it('names every earlier conflicting Gateway, sorted', async () => {
    const r = await lintYaml({ 'a.yaml': gateway('z', 'istio: egressgateway') + gateway('a', 'istio: egressgateway') + gateway('m', 'istio: egressgateway') });
    const f = r.findings.filter((x) => x.ruleId === 'gateway-conflict');
    expect(f).toHaveLength(2);
    expect(f[1]!.message).toContain('Gateway default/a, Gateway default/z');
  });
});
