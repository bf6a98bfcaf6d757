import { describe, expect, it } from 'vitest';
import {
  HostIndex,
  egressGatewayService,
  gatewayServerRouteKind,
  gatewaySelectsService,
  isEgressGateway,
  routeIndex,
  ruleClients,
  serviceTarget,
} from '../src/model/egress.js';
import { gatewayModel, isEgressGatewayWorkload, isGatewayWorkload } from '../src/model/gateways.js';
import type { GatewayInfo, GatewayServer, Protocol } from '../src/model/kinds.js';
import type { Mesh } from '../src/model/mesh.js';
import { lintYaml } from './helpers.js';

const deployment = (name: string, ns: string, labels: Record<string, string>, annotations = '') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${ns}}
spec:
  selector: {matchLabels: ${JSON.stringify(labels)}}
  template:
    metadata:
      labels: ${JSON.stringify(labels)}
${annotations ? `      annotations: ${annotations}\n` : ''}    spec: {containers: [{name: c, image: auto}]}
`;
const service = (name: string, ns: string, selector: Record<string, string>) => `apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: ${ns}}
spec: {selector: ${JSON.stringify(selector)}, ports: [{name: tls, port: 443}]}
`;
const gateway = (name: string, ns: string, selector?: Record<string, string>) => `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: ${name}, namespace: ${ns}}
spec:
${selector ? `  selector: ${JSON.stringify(selector)}\n` : ''}  servers: [{port: {number: 443, name: tls, protocol: TLS}, hosts: ["*"], tls: {mode: PASSTHROUGH}}]
`;

const gatewayWorkloads = (mesh: Mesh, gw: GatewayInfo) => gatewayModel(mesh).workloadsOf(gw);

const server = (protocol: string, tlsMode?: string): GatewayServer => ({
  index: 0,
  path: ['spec', 'servers', 0],
  port: { number: 443, name: 'p', protocol: protocol as Protocol },
  hosts: [],
  tlsMode,
});

describe('gateway server route kind (semantics §5 table)', () => {
  it('maps protocol and TLS mode to the VirtualService block', () => {
    expect(gatewayServerRouteKind(server('HTTP'))).toBe('http');
    expect(gatewayServerRouteKind(server('HTTPS', 'SIMPLE'))).toBe('http');
    expect(gatewayServerRouteKind(server('HTTPS', 'ISTIO_MUTUAL'))).toBe('http');
    expect(gatewayServerRouteKind(server('HTTPS', 'PASSTHROUGH'))).toBe('tls');
    expect(gatewayServerRouteKind(server('TLS', 'AUTO_PASSTHROUGH'))).toBe('tls');
    expect(gatewayServerRouteKind(server('TLS', 'MUTUAL'))).toBe('tcp');
    expect(gatewayServerRouteKind(server('TCP'))).toBe('tcp');
    expect(gatewayServerRouteKind(server('MONGO'))).toBe('tcp');
    // Cannot be told: no TLS mode on HTTPS/TLS, unknown protocol.
    expect(gatewayServerRouteKind(server('HTTPS'))).toBeUndefined();
    expect(gatewayServerRouteKind(server('UNKNOWN'))).toBeUndefined();
  });
});

describe('HostIndex', () => {
  it('answers overlap both ways without scanning, in insertion order', () => {
    const idx = new HostIndex<string>();
    idx.add('a.example.com', 'exact');
    idx.add('*.example.com', 'wild');
    idx.add('b.other.io', 'other');
    idx.add('*', 'all');
    expect(idx.overlapping('a.example.com')).toEqual(['exact', 'wild', 'all']);
    expect(idx.overlapping('c.example.com')).toEqual(['wild', 'all']);
    expect(idx.overlapping('*.example.com')).toEqual(['exact', 'wild', 'all']);
    expect(idx.overlapping('example.com')).toEqual(['all']);
    expect(idx.overlapping('B.Other.IO')).toEqual(['other', 'all']);
  });
});

describe('egress gateway detection', () => {
  it('recognises gateway and egress gateway workloads', async () => {
    const { mesh } = await lintYaml({
      'a.yaml': [
        deployment('egw', 'istio-egress', { istio: 'egressgateway' }, '{inject.istio.io/templates: gateway}'),
        deployment('igw', 'istio-system', { istio: 'ingressgateway' }),
        deployment('app', 'shop', { app: 'shop' }),
      ].join('---\n'),
    });
    const [egw, igw, app] = mesh.workloads;
    expect([egw, igw, app].map((w) => isGatewayWorkload(w!))).toEqual([true, true, false]);
    expect([egw, igw, app].map((w) => isEgressGatewayWorkload(w!))).toEqual([true, false, false]);
  });

  it('links Services, pods and Gateways', async () => {
    const { mesh } = await lintYaml({
      'a.yaml': [
        deployment('egw', 'istio-egress', { istio: 'egressgateway' }),
        service('egressgateway', 'istio-egress', { istio: 'egressgateway' }),
        service('plain', 'shop', { app: 'shop' }),
        gateway('egress', 'istio-system', { istio: 'egressgateway' }),
        gateway('ingress', 'istio-system', { istio: 'ingressgateway' }),
        gateway('any', 'istio-system'),
      ].join('---\n'),
    });
    const target = egressGatewayService(mesh, 'egressgateway.istio-egress.svc.cluster.local')!;
    expect(target.workloads).toHaveLength(1);
    expect(egressGatewayService(mesh, 'plain.shop.svc.cluster.local')).toBeUndefined();
    const [egress, ingress, any] = mesh.gateways;
    expect(gatewaySelectsService(egress!, target)).toBe(true);
    expect(gatewaySelectsService(ingress!, target)).toBe(false);
    expect(gatewaySelectsService(any!, target)).toBe(true); // no selector: every gateway workload
    expect(isEgressGateway(mesh, egress!)).toBe(true);
    expect(isEgressGateway(mesh, ingress!)).toBe(false);
    expect(gatewayWorkloads(mesh, egress!).map((w) => w.namespace)).toEqual(['istio-egress']);
  });

  it('uses the chart labels for an egress gateway Service known only by name', async () => {
    const { mesh } = await lintYaml({
      'a.yaml': [gateway('sni', 'istio-system', { istio: 'egressgateway-with-sni-proxy' }), gateway('ingress', 'istio-system', { istio: 'ingressgateway' }), gateway('custom', 'istio-system', { app: 'proxy' })].join('---\n'),
    });
    const t = serviceTarget(mesh, 'istio-egressgateway-with-sni-proxy.istio-system.svc.cluster.local')!;
    expect(t).toMatchObject({ egress: true, labels: { app: 'istio-egressgateway-with-sni-proxy', istio: 'egressgateway-with-sni-proxy' } });
    const [sni, ingress, custom] = mesh.gateways;
    expect(gatewaySelectsService(sni!, t)).toBe(true);
    expect(gatewaySelectsService(ingress!, t)).toBe(false);
    expect(gatewaySelectsService(custom!, t)).toBe(false);
    expect(serviceTarget(mesh, 'reviews.shop.svc.cluster.local')).toBeUndefined();
  });

  it('adds the chart pod labels to IstioOperator gateways', async () => {
    const { mesh } = await lintYaml({
      'a.yaml': [
        `apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
metadata: {name: egress, namespace: istio-system}
spec:
  profile: empty
  components:
    egressGateways: [{name: httpbin-egress, namespace: httpbin, enabled: true, label: {istio: egressgateway}}]
`,
        gateway('by-name', 'httpbin', { istio: 'egressgateway', 'service.istio.io/canonical-name': 'httpbin-egress' }),
      ].join('---\n'),
    });
    const gw = mesh.gateways[0]!;
    expect(gatewayWorkloads(mesh, gw)).toHaveLength(1);
    expect(gatewaySelectsService(gw, egressGatewayService(mesh, 'httpbin-egress.httpbin.svc.cluster.local')!)).toBe(true);
  });
});

describe('rule clients and route index', () => {
  it('finds sidecar namespaces from exportTo and gateway pods from the selector', async () => {
    const { mesh } = await lintYaml({
      'a.yaml': [
        deployment('egw', 'istio-egress', { istio: 'egressgateway' }),
        gateway('egress', 'istio-system', { istio: 'egressgateway' }),
        gateway('nopods', 'istio-system', { istio: 'other' }),
        `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs, namespace: shop}
spec:
  hosts: [api.example.com]
  exportTo: [".", blog]
  gateways: [mesh, istio-system/egress, istio-system/nopods, istio-system/missing]
  http:
  - match: [{gateways: [mesh]}]
    route: [{destination: {host: istio-egressgateway.istio-system.svc.cluster.local}}]
  - match: [{gateways: [istio-system/egress]}]
    route: [{destination: {host: api.example.com}}]
    mirror: {host: audit.example.com}
`,
      ].join('---\n'),
    });
    const vs = mesh.virtualServices[0]!;
    const clients = ruleClients(mesh, vs, vs.gateways.map((g) => g.ref));
    expect(clients.map((c) => c.namespace)).toEqual(['shop', 'blog', 'istio-egress', 'istio-system']);
    expect(clients[2]!.labels).toEqual({ istio: 'egressgateway' });

    const idx = routeIndex(mesh);
    expect(routeIndex(mesh)).toBe(idx);
    expect(idx.meshRules.overlapping('api.example.com').map((m) => m.rule.index)).toEqual([0]);
    expect(idx.gatewayRules.overlapping('*.example.com').map((g) => `${g.rule.index}:${g.ref.name}:${g.gateway ? 'known' : 'missing'}`)).toEqual(['1:egress:known']);
    expect(idx.destinationsOf(vs, vs.rules[1]!).map((d) => d.host)).toEqual(['api.example.com']); // mirrors are not routes
  });
});
