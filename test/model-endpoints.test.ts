import { describe, expect, it } from 'vitest';
import { endpointAddressProblem, endpointSetOf, likelyServicePort } from '../src/model/endpoints.js';
import { parseIpStrict, parsePrefixStrict, specialAddressReason } from '../src/model/ip.js';
import { serviceInfo } from '../src/model/kinds.js';
import { toResource } from '../src/model/resource.js';
import type { ParsedDocument } from '../src/types.js';

function resource(value: unknown) {
  const doc = { file: { path: 'x.yaml', displayPath: 'x.yaml' }, index: 0, value, basePath: [], locate: () => ({ line: 1, column: 1, endLine: 1, endColumn: 1 }), range: { line: 1, column: 1, endLine: 1, endColumn: 1 } } as ParsedDocument;
  return toResource(doc, 'default')!;
}

describe('strict IP parsing (Go net/netip)', () => {
  it.each(['10.0.0.1', '0.0.0.0', '255.255.255.255', '2001:db8::1', '::ffff:10.0.0.1', '::'])('%s parses', (s) => expect(parseIpStrict(s)).toBeDefined());
  it.each(['010.0.0.1', '10.0.0', '127.1', '3232235521', '0x7f.0.0.1', '256.0.0.1', 'fe80::1%eth0', '', ' 10.0.0.1', 'host'])('%j does not parse', (s) => expect(parseIpStrict(s)).toBeUndefined());
  it('prefixes', () => {
    expect(parsePrefixStrict('10.0.0.1/8')?.[1]).toBe(8);
    expect(parsePrefixStrict('::/0')?.[1]).toBe(0);
    for (const bad of ['10.0.0.0', '10.0.0.0/33', '10.0.0.0/08', '10.0.0.0/+8', '2001:db8::/129', ' 10.0.0.0/8', '*']) expect(parsePrefixStrict(bad)).toBeUndefined();
  });
});

describe('specialAddressReason (Kubernetes ValidateNonSpecialIP)', () => {
  it.each([
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['127.0.0.53', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['224.0.0.251', 'link-local multicast'],
    ['ff02::1', 'link-local multicast'],
    ['ff12::1', 'link-local multicast'],
  ])('%s is %s', (ip, what) => expect(specialAddressReason(ip)).toMatch(new RegExp(`^an? ${what}|^the ${what}`)));
  it.each(['0.1.2.3', '224.0.1.1', 'ff05::1', '10.0.0.1', '100.64.0.1', '2001:db8::1'])('%s is allowed', (ip) => expect(specialAddressReason(ip)).toBeUndefined());
});

describe('endpointAddressProblem', () => {
  it.each([
    [42, /string/],
    ['', /empty/],
    [' 10.0.0.1', /spaces/],
    ['10.0.0.0/24', /CIDR/],
    ['10.0.0.1:443', /port/],
    ['[2001:db8::1]:443', /port/],
    ['db.example.com', /host name/],
    ['fe80::1%eth0', /zone/],
    ['127.0.0.1', /loopback/],
    ['not an ip', /not an IP/],
  ])('%j: %s', (v, re) => {
    const p = endpointAddressProblem(v);
    expect(p?.reason).toMatch(re);
    expect(p?.refused).toBe(true);
  });

  it('leading zeros are a warning-worthy ambiguity, not a refusal', () => {
    expect(endpointAddressProblem('010.0.0.1')).toMatchObject({ refused: false });
  });

  it('checks the slice address family', () => {
    expect(endpointAddressProblem('2001:db8::1', 'IPv4')?.reason).toMatch(/IPv6 address in an EndpointSlice of addressType IPv4/);
    expect(endpointAddressProblem('10.0.0.1', 'IPv6')?.reason).toMatch(/IPv4 address/);
    expect(endpointAddressProblem('10.0.0.1', 'IPv4')).toBeUndefined();
    expect(endpointAddressProblem('2001:db8::1')).toBeUndefined();
  });
});

describe('endpointSetOf', () => {
  it('reads legacy Endpoints: name link, subsets ports and both address lists', () => {
    const s = endpointSetOf(
      resource({
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: { name: 'db', annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': 'x' } },
        subsets: [{ addresses: [{ ip: '10.0.0.1' }], notReadyAddresses: [{ ip: '10.0.0.2' }], ports: [{ name: 'tcp', port: 5432 }, { port: 5433 }] }],
      }),
    );
    expect(s).toMatchObject({ kind: 'Endpoints', serviceName: 'db', controllerMade: true, linkPath: ['metadata', 'name'] });
    expect(s.addresses.map((a) => a.path)).toEqual([
      ['subsets', 0, 'addresses', 0, 'ip'],
      ['subsets', 0, 'notReadyAddresses', 0, 'ip'],
    ]);
    expect(s.portGroups[0]).toEqual([
      { name: 'tcp', port: 5432, reportPath: ['subsets', 0, 'ports', 0, 'name'] },
      { name: undefined, port: 5433, reportPath: ['subsets', 0, 'ports', 1] },
    ]);
  });

  it('reads slices: label link, controller ownership, FQDN slices ignored', () => {
    const mk = (labels: Record<string, string>, addressType = 'IPv4') =>
      endpointSetOf(resource({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 's', labels }, addressType, ports: [{ name: 'https', port: 443 }], endpoints: [{ addresses: ['10.0.0.1'] }] }));
    expect(mk({ 'kubernetes.io/service-name': 'api' })).toMatchObject({ serviceName: 'api', controllerMade: false, ignoredBecause: undefined });
    expect(mk({ 'kubernetes.io/service-name': 'api', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' }).controllerMade).toBe(true);
    expect(mk({ 'kubernetes.io/service-name': 'api', 'endpointslice.kubernetes.io/managed-by': 'endpointslicemirroring-controller.k8s.io' }).controllerMade).toBe(true);
    expect(mk({ 'kubernetes.io/service-name': 'api', 'endpointslice.kubernetes.io/managed-by': 'me' }).controllerMade).toBe(false);
    expect(mk({}).serviceName).toBeUndefined();
    expect(mk({ 'kubernetes.io/service-name': 'api' }, 'FQDN').ignoredBecause).toMatch(/FQDN/);
  });

  it('skip-mirror Endpoints never reach Istio', () => {
    const s = endpointSetOf(resource({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'db', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } }, subsets: [] }));
    expect(s.ignoredBecause).toMatch(/skip-mirror/);
  });
});

describe('likelyServicePort', () => {
  const svc = serviceInfo(
    resource({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'x' },
      spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'https', port: 443 }] },
    }),
  );
  it('matches by targetPort, then by port number', () => {
    expect(likelyServicePort(svc, { port: 8080, reportPath: [] })?.name).toBe('http');
    expect(likelyServicePort(svc, { port: 443, reportPath: [] })?.name).toBe('https');
    expect(likelyServicePort(svc, { port: 9999, reportPath: [] })).toBeUndefined();
  });
});

describe('endpoints-for-selector-service severity', () => {
  it('is an error for Endpoints (overwritten) and a warning for slices (merged)', async () => {
    const { lintYaml } = await import('./helpers.js');
    const r = await lintYaml({
      'a.yaml': `apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  selector: {app: api}
  ports: [{name: http, port: 80}]
---
apiVersion: v1
kind: Endpoints
metadata: {name: api}
subsets: [{addresses: [{ip: 203.0.113.1}], ports: [{name: http, port: 80}]}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: api-vm, labels: {kubernetes.io/service-name: api}}
addressType: IPv4
ports: [{name: http, port: 80}]
endpoints: [{addresses: [203.0.113.2]}]
`,
    });
    const got = r.findings.filter((f) => f.ruleId === 'endpoints-for-selector-service').map((f) => [f.resource?.kind, f.severity]);
    expect(got).toEqual([
      ['Endpoints', 'error'],
      ['EndpointSlice', 'warning'],
    ]);
  });
});
