// Gateway API routes and their parents as Istio accepts them (src/model/gateway-api.ts).
import { describe, expect, it } from 'vitest';
import { gatewayApiModel } from '../src/model/gateway-api.js';
import { lintYaml } from './helpers.js';

const gateway = (name: string, className: string, listeners: string, annotations = '{}') =>
  `apiVersion: gateway.networking.k8s.io/v1beta1\nkind: Gateway\nmetadata:\n  name: ${name}\n  namespace: egress\n  annotations: ${annotations}\nspec:\n  gatewayClassName: ${className}\n  listeners:\n${listeners}`;
const listener = (name: string, port: number, protocol: string, extra = '') => `  - name: ${name}\n    port: ${port}\n    protocol: ${protocol}\n${extra}`;
const route = (kind: string, ns: string, parentRefs: string, hostnames = '', apiVersion = 'gateway.networking.k8s.io/v1') =>
  `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: r\n  namespace: ${ns}\nspec:\n  parentRefs:\n${parentRefs}${hostnames ? `  hostnames: ${hostnames}\n` : ''}`;

async function modelOf(docs: string[]) {
  const { mesh } = await lintYaml({ 'a.yaml': docs.join('---\n') });
  return gatewayApiModel(mesh);
}

async function parentProblems(docs: string[]) {
  const m = await modelOf(docs);
  return m.routes.flatMap((r) => m.parents(r).map((p) => p.problem?.kind ?? `accepted:${p.accepted.map((l) => l.name).join(',')}`));
}

describe('Gateway API gateways', () => {
  it('gives class istio a <name>-istio Service with the listeners ports, and no Service to waypoints or remote gateways', async () => {
    const m = await modelOf([
      gateway('cnn', 'istio', listener('http', 80, 'HTTP') + listener('tls', 443, 'TLS') + listener('http2', 80, 'HTTP'), '{"networking.istio.io/service-type": ClusterIP}'),
      gateway('renamed', 'istio', listener('http', 8080, 'HTTP'), '{"gateway.istio.io/name-override": egress-proxy}'),
      gateway('waypoint', 'istio-waypoint', listener('mesh', 15008, 'HBONE')),
      gateway('remote', 'istio-remote', listener('http', 80, 'HTTP')),
      gateway('foreign', 'other', listener('http', 80, 'HTTP')),
    ]);
    expect(m.gateway('egress', 'cnn')?.generatedService).toEqual({ name: 'cnn-istio', namespace: 'egress', fqdn: 'cnn-istio.egress.svc.cluster.local', ports: [80, 443], type: 'ClusterIP' });
    expect(m.gatewayOfService('egress', 'egress-proxy')?.name).toBe('renamed');
    expect(m.gateway('egress', 'waypoint')?.generatedService).toBeUndefined();
    expect(m.gateway('egress', 'remote')).toMatchObject({ istio: true, generatedService: undefined });
    expect(m.gateway('egress', 'foreign')?.istio).toBe(false);
    expect(m.serviceExists('egress', 'cnn-istio')).toBe(true);
    expect(m.serviceExists('egress', 'cnn')).toBe(false);
  });

  it('reads a custom GatewayClass of Istio’s controller like istio', async () => {
    const m = await modelOf([
      'apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata:\n  name: egress-class\nspec:\n  controllerName: istio.io/gateway-controller\n',
      gateway('cnn', 'egress-class', listener('http', 80, 'HTTP')),
    ]);
    expect(m.gateway('egress', 'cnn')?.generatedService?.name).toBe('cnn-egress-class');
  });
});

describe('route parents (conversion.go referenceAllowed)', () => {
  const gw = gateway('cnn', 'istio', listener('http', 80, 'HTTP', '    hostname: edition.cnn.com\n') + listener('tls', 443, 'TLS', '    hostname: edition.cnn.com\n    tls:\n      mode: Passthrough\n    allowedRoutes:\n      namespaces:\n        from: All\n'));

  it('matches sectionName and port before hostnames, then namespaces and kinds', async () => {
    expect(await parentProblems([gw, route('HTTPRoute', 'egress', '  - name: cnn\n', '[edition.cnn.com]')])).toEqual(['accepted:http']);
    expect(await parentProblems([gw, route('HTTPRoute', 'egress', '  - name: cnn\n    sectionName: tls\n', '[edition.cnn.com]')])).toEqual(['not-allowed']);
    expect(await parentProblems([gw, route('HTTPRoute', 'egress', '  - name: cnn\n    sectionName: http\n    port: 443\n', '[www.cnn.com]')])).toEqual(['no-listener']);
    expect(await parentProblems([gw, route('HTTPRoute', 'egress', '  - name: cnn\n', '[www.cnn.com]')])).toEqual(['no-hostname']);
    expect(await parentProblems([gw, route('HTTPRoute', 'egress', '  - name: cnn\n', '["*.cnn.com"]')])).toEqual(['accepted:http']);
    // From another namespace: the http listener admits its own namespace only (Same), the tls one All.
    expect(await parentProblems([gw, route('HTTPRoute', 'shop', '  - name: cnn\n    namespace: egress\n')])).toEqual(['not-allowed']);
    expect(await parentProblems([gw, route('TLSRoute', 'shop', '  - name: cnn\n    namespace: egress\n', '', 'gateway.networking.k8s.io/v1alpha2')])).toEqual(['accepted:tls']);
    // Any served version is read alike.
    expect(await parentProblems([gw, route('TLSRoute', 'shop', '  - name: cnn\n    namespace: egress\n', '', 'gateway.networking.k8s.io/v1alpha3')])).toEqual(['accepted:tls']);
  });

  it('resolves Service and ServiceEntry parents and ignores kinds Istio does not handle', async () => {
    const se = 'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: cnn\n  namespace: egress\nspec:\n  hosts: [edition.cnn.com]\n';
    expect(
      await parentProblems([
        gw,
        se,
        route('HTTPRoute', 'egress', '  - kind: ServiceEntry\n    group: networking.istio.io\n    name: cnn\n  - kind: ServiceEntry\n    group: networking.istio.io\n    name: cnn2\n  - kind: Service\n    group: ""\n    name: cnn-istio\n  - kind: Service\n    group: ""\n    name: nope\n  - kind: Backend\n    group: example.com\n    name: x\n'),
      ]),
    ).toEqual(['accepted:', 'not-found', 'accepted:', 'not-found']);
  });

  it('leaves Gateways of other controllers to them', async () => {
    expect(await parentProblems([gateway('cnn', 'other', listener('http', 80, 'HTTP')), route('HTTPRoute', 'egress', '  - name: cnn\n    sectionName: nope\n')])).toEqual([]);
  });
});

describe('backends (conversion.go buildDestination)', () => {
  it('needs a ReferenceGrant from the route kind and namespace for a Service of another namespace', async () => {
    const r = route('HTTPRoute', 'egress', '  - name: cnn\n') + 'spec2: {}\n';
    const m = await modelOf([
      r.replace('spec2: {}\n', '') + '  rules:\n  - backendRefs:\n    - name: a\n      namespace: ext\n      port: 80\n    - name: b\n      namespace: ext\n      port: 80\n    - name: c\n      port: 80\n    - kind: Hostname\n      group: networking.istio.io\n      name: edition.cnn.com\n      port: 80\n',
      'apiVersion: gateway.networking.k8s.io/v1beta1\nkind: ReferenceGrant\nmetadata:\n  name: g\n  namespace: ext\nspec:\n  from:\n  - group: gateway.networking.k8s.io\n    kind: HTTPRoute\n    namespace: egress\n  to:\n  - group: ""\n    kind: Service\n    name: a\n',
    ]);
    const rt = m.routes[0]!;
    expect(rt.backendRefs.map((b) => [b.type, b.namespace, m.backendGranted(rt, b)])).toEqual([
      ['service', 'ext', true],
      ['service', 'ext', false],
      ['service', 'egress', true],
      ['hostname', 'egress', true],
    ]);
  });
});

describe('ListenerSet ports on the generated Service', () => {
  // deploymentcontroller.go configureIstioGateway: the listeners of admitted ListenerSets go to
  // extractServicePorts after the Gateway's own; a port already there is not added again.
  const listenerSet = (name: string, ns: string, listeners: string) =>
    `apiVersion: gateway.networking.k8s.io/v1\nkind: ListenerSet\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  parentRef:\n    name: cnn\n    namespace: egress\n  listeners:\n${listeners}`;
  const admitting = (from: string) =>
    `apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata:\n  name: cnn\n  namespace: egress\nspec:\n  gatewayClassName: istio\n  allowedListeners:\n    namespaces:\n      from: ${from}\n  listeners:\n${listener('http', 80, 'HTTP')}`;

  it('adds the ports of the ListenerSets the Gateway admits, once each, after its own', async () => {
    const m = await modelOf([admitting('All'), listenerSet('extra', 'team', listener('tls', 443, 'TLS', '    tls:\n      mode: Passthrough\n') + listener('http-again', 80, 'HTTP')), listenerSet('more', 'egress', listener('alt', 8080, 'HTTP'))]);
    expect(m.gateway('egress', 'cnn')?.generatedService?.ports).toEqual([80, 443, 8080]);
  });

  it('leaves out the ports of a ListenerSet the Gateway does not admit', async () => {
    const m = await modelOf([admitting('Same'), listenerSet('extra', 'team', listener('tls', 443, 'TLS', '    tls:\n      mode: Passthrough\n')), listenerSet('more', 'egress', listener('alt', 8080, 'HTTP'))]);
    expect(m.gateway('egress', 'cnn')?.generatedService?.ports).toEqual([80, 8080]);
    expect(m.listenerSets.find((l) => l.name === 'extra')?.detached).toBe('not-allowed');
  });
});
