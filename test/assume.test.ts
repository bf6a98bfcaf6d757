// `assume:` in .mesh-egress-lint.yaml: resources that exist outside the linted files count as
// present for gateway-not-found, unknown-destination-host and missing-service-entry; anything else
// still is reported, and a bad entry is a located config error.
import { describe, expect, it } from 'vitest';
import { runCli, tempTree } from './helpers.js';

const MANIFESTS = `apiVersion: v1
kind: ConfigMap
metadata:
  name: istio
  namespace: istio-system
data:
  mesh: |
    outboundTrafficPolicy:
      mode: REGISTRY_ONLY
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: partner
  namespace: shop
spec:
  hosts:
  - api.partner.example
  gateways:
  - platform/shared-egress
  - mesh
  http:
  - match:
    - gateways: [mesh]
    route:
    - destination:
        host: ledger.payments.svc.cluster.local
  - match:
    - gateways: [platform/shared-egress]
    route:
    - destination:
        host: api.partner.example
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: checkout
  namespace: shop
spec:
  selector:
    matchLabels: {app: checkout}
  template:
    metadata:
      labels: {app: checkout}
    spec:
      containers:
      - name: app
        image: checkout:1
        env:
        - name: PARTNER
          value: https://api.partner.example/v1
        - name: MAPS
          value: https://tiles.maps.example/v1
`;

async function rules(config: string | undefined): Promise<{ code: number; ids: string[]; stderr: string }> {
  const dir = tempTree({ 'k8s/all.yaml': MANIFESTS, ...(config === undefined ? {} : { '.mesh-egress-lint.yaml': config }) });
  const r = await runCli(['k8s', '--format', 'json', '--fail-on', 'never'], dir);
  if (r.code === 2) return { code: 2, ids: [], stderr: r.stderr };
  const report = JSON.parse(r.stdout) as { findings: { ruleId: string; line: number }[] };
  return { code: r.code, ids: report.findings.map((f) => `${f.ruleId}@${f.line}`).sort(), stderr: r.stderr };
}

describe('assume: in the config file', () => {
  it('without it, the references to resources kept elsewhere are reported', async () => {
    const { ids } = await rules(undefined);
    expect(ids).toEqual(expect.arrayContaining(['missing-service-entry@18', 'gateway-not-found@20', 'unknown-destination-host@27', 'missing-service-entry@51', 'missing-service-entry@53']));
  });

  it('with the gateway, the Service and one host assumed, only the other host is reported', async () => {
    const { ids } = await rules('assume:\n  gateways: [platform/shared-egress]\n  services: [payments/ledger]\n  hosts: ["*.partner.example"]\n');
    expect(ids.filter((i) => /^(gateway-not-found|unknown-destination-host|missing-service-entry)@/.test(i))).toEqual(['missing-service-entry@53']);
  });

  it('rejects an entry that is not namespace/name, with its position', async () => {
    const r = await rules('assume:\n  gateways: [shared-egress]\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\.mesh-egress-lint\.yaml:2:14: .*assume\.gateways entry "shared-egress" must be namespace\/name/);
  });

  it('rejects an unknown key with a suggestion', async () => {
    const r = await rules('assume:\n  host: [api.partner.example]\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown key of assume "host".*hosts/);
  });
});
