import { describe, expect, it } from 'vitest';
import { AddressSet, DEFAULT_INTERNAL_RANGES, captureEscapes, checkCaptureAnnotation, type CaptureAnnotation, type ParsedCapture } from '../src/model/capture.js';
import { lintYaml } from './helpers.js';

function parsed(values: Partial<Record<CaptureAnnotation, string>>): Partial<Record<CaptureAnnotation, ParsedCapture>> {
  const out: Partial<Record<CaptureAnnotation, ParsedCapture>> = {};
  for (const [k, v] of Object.entries(values) as [CaptureAnnotation, string][]) {
    const c = checkCaptureAnnotation(k, v);
    if (!c.ok) throw new Error(`${k}=${v}: ${c.problem}`);
    out[k] = c.value;
  }
  return out;
}

const internal = AddressSet.parse(DEFAULT_INTERNAL_RANGES);

describe('checkCaptureAnnotation (istio pkg/kube/inject/validate.go)', () => {
  it.each([
    ['includeOutboundIPRanges', '*'],
    ['includeOutboundIPRanges', ''],
    ['includeOutboundIPRanges', '10.0.0.0/8,172.16.0.0/12'],
    ['includeOutboundIPRanges', '10.0.0.1/8'], // host bits set: netip.ParsePrefix accepts it
    ['excludeOutboundIPRanges', 'fd00::/8,10.96.0.1/32'],
    ['excludeOutboundIPRanges', '::ffff:10.0.0.0/104'],
    ['excludeOutboundPorts', ' 5432, 6379 '],
    ['excludeOutboundPorts', '080'], // ParseUint base 10 reads 80
    ['includeOutboundPorts', '443,8000:9000'],
    ['includeOutboundPorts', ''],
  ] as const)('%s=%j is valid', (k, v) => {
    expect(checkCaptureAnnotation(k, v).ok).toBe(true);
  });

  it.each([
    ['includeOutboundIPRanges', '10.0.0.0/8, 172.16.0.0/12', /spaces/],
    ['includeOutboundIPRanges', '10.1.2.3', /address, not a CIDR \(write 10\.1\.2\.3\/32\)/],
    ['includeOutboundIPRanges', '2001:db8::1', /2001:db8::1\/128/],
    ['includeOutboundIPRanges', '*,10.0.0.0/8', /mixes/],
    ['includeOutboundIPRanges', '10.0.0.0/08', /not a CIDR/],
    ['includeOutboundIPRanges', '010.0.0.0/8', /not a CIDR/],
    ['includeOutboundIPRanges', 'fe80::/10%eth0', /not a CIDR/],
    ['excludeOutboundIPRanges', '*', /only valid in includeOutboundIPRanges/],
    ['excludeOutboundIPRanges', '10.0.0.0/8,', /stray comma/],
    ['excludeOutboundPorts', '80,,443', /stray comma/],
    ['excludeOutboundPorts', '8000:9000', /port range/],
    ['excludeOutboundPorts', '65536', /1-65535/],
    ['excludeOutboundPorts', '-1', /not a port number/],
    ['includeOutboundPorts', 'https', /not a port number/],
    ['includeOutboundPorts', '9000:8000', /range/],
    ['includeOutboundPorts', '0', /port 0/],
  ] as const)('%s=%j is invalid', (k, v, re) => {
    const c = checkCaptureAnnotation(k, v);
    expect(c.ok).toBe(false);
    if (!c.ok) expect(c.problem).toMatch(re);
  });

  it('says what happens: the injector rejects the pod, or istio-init fails for includeOutboundPorts', () => {
    const a = checkCaptureAnnotation('excludeOutboundPorts', 'x');
    const b = checkCaptureAnnotation('includeOutboundPorts', 'x');
    expect(!a.ok && a.effect).toMatch(/injector rejects/);
    expect(!b.ok && b.effect).toMatch(/istio-init/);
  });
});

describe('AddressSet', () => {
  it('subtracts and renders minimal CIDRs', () => {
    const s = AddressSet.parse(['10.0.0.0/8']).minus(AddressSet.parse(['10.0.0.0/9']));
    expect(s.cidrs()).toEqual(['10.128.0.0/9']);
    expect(AddressSet.parse(['10.0.0.0/24']).minus(AddressSet.parse(['10.0.0.1/32'])).cidrs()).toEqual(['10.0.0.0/32', '10.0.0.2/31', '10.0.0.4/30', '10.0.0.8/29', '10.0.0.16/28', '10.0.0.32/27', '10.0.0.64/26', '10.0.0.128/25']);
  });

  it('merges adjacent and overlapping ranges, per family', () => {
    const s = AddressSet.parse(['0.0.0.0/1', '128.0.0.0/1', '2001:db8::/33', '2001:db8:8000::/33']);
    expect(s.cidrs()).toEqual(['0.0.0.0/0', '2001:db8::/32']);
    expect(AddressSet.everything().minus(s).only('ipv4').empty).toBe(true);
  });

  it('ignores invalid entries', () => {
    expect(AddressSet.parse(['nonsense', '10.0.0.0/33']).empty).toBe(true);
  });
});

describe('captureEscapes (semantics §7)', () => {
  it('reports excluded ranges that hold public addresses, by their written text', () => {
    const e = captureEscapes(parsed({ excludeOutboundIPRanges: '10.96.0.0/12,52.94.0.0/16,169.254.169.254/32' }), internal);
    expect(e).toEqual([{ annotation: 'excludeOutboundIPRanges', what: 'traffic to 52.94.0.0/16', all: false }]);
  });

  it('knows when exclusions cover every address', () => {
    const e = captureEscapes(parsed({ excludeOutboundIPRanges: '0.0.0.0/1,128.0.0.0/1' }), internal);
    expect(e[0]!.all).toBe(true);
    expect(e[0]!.what).toMatch(/every address/);
  });

  it('reports every excluded port', () => {
    expect(captureEscapes(parsed({ excludeOutboundPorts: '5432,6379' }), internal)[0]!.what).toBe('TCP and UDP traffic to any address on ports 5432, 6379');
  });

  it('reports a narrow include list, naming small remainders exactly', () => {
    const covering = captureEscapes(parsed({ includeOutboundIPRanges: '0.0.0.0/1,128.0.0.0/2,192.0.0.0/3,224.0.0.0/3,8.8.8.0/24' }), internal);
    expect(covering).toEqual([]);
    const half = captureEscapes(parsed({ includeOutboundIPRanges: '0.0.0.0/1,192.0.0.0/2' }), internal);
    expect(half[0]!.what).toMatch(/^traffic to /);
    const clusterOnly = captureEscapes(parsed({ includeOutboundIPRanges: '10.0.0.0/8', includeOutboundPorts: '443' }), internal);
    expect(clusterOnly[0]!.what).toBe('traffic to every public address outside 10.0.0.0/8');
    expect(clusterOnly[0]!.except).toBe('port 443, which is captured everywhere');
  });

  it('treats a family absent from the include list as absent from the cluster', () => {
    expect(captureEscapes(parsed({ includeOutboundIPRanges: '0.0.0.0/0' }), internal)).toEqual([]);
    expect(captureEscapes(parsed({ includeOutboundIPRanges: '::/0' }), internal)).toEqual([]);
    expect(captureEscapes(parsed({ includeOutboundIPRanges: '0.0.0.0/0,2001:db8::/32' }), internal)).toHaveLength(1);
  });

  it('an empty include list turns capture off, `*` keeps it', () => {
    expect(captureEscapes(parsed({ includeOutboundIPRanges: '' }), internal)[0]!.all).toBe(true);
    expect(captureEscapes(parsed({ includeOutboundIPRanges: '*' }), internal)).toEqual([]);
  });
});

describe('capture-bypasses-egress-policy severity', () => {
  const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  namespace: shop
spec:
  selector:
    matchLabels: {app: app}
  template:
    metadata:
      labels: {app: app}
      annotations:
        traffic.sidecar.istio.io/excludeOutboundPorts: "5432"
    spec:
      containers:
      - name: app
        image: example/app:1.0
`;
  const finding = (r: Awaited<ReturnType<typeof lintYaml>>) => r.findings.find((f) => f.ruleId === 'capture-bypasses-egress-policy');

  it('is a warning under ALLOW_ANY', async () => {
    expect(finding(await lintYaml({ 'd.yaml': deployment }))?.severity).toBe('warning');
  });

  it('is an error under REGISTRY_ONLY, naming who set it', async () => {
    const f = finding(await lintYaml({ 'd.yaml': deployment }, { meshConfig: { mode: 'REGISTRY_ONLY', label: 'mesh.yaml' } }));
    expect(f?.severity).toBe('error');
    expect(f?.message).toMatch(/REGISTRY_ONLY \(set by mesh\.yaml\)/);
  });

  it('follows the workload Sidecar over the mesh mode', async () => {
    const sidecar = `apiVersion: networking.istio.io/v1
kind: Sidecar
metadata:
  name: default
  namespace: shop
spec:
  outboundTrafficPolicy:
    mode: REGISTRY_ONLY
`;
    const f = finding(await lintYaml({ 'd.yaml': deployment, 's.yaml': sidecar }));
    expect(f?.severity).toBe('error');
    expect(f?.message).toMatch(/Sidecar shop\/default/);
  });
});
