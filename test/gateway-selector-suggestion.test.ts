// gateway-selector-no-workload names the input's gateway proxies and their labels, closest first,
// instead of repeating the selector it found wanting.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintYaml } from './helpers.js';

const fixture = (p: string) => readFileSync(path.join(__dirname, 'fixtures', p), 'utf8');

describe('gateway-selector-no-workload suggestion', () => {
  it('names the gateway Deployment and the labels to select it by', async () => {
    const r = await lintYaml({
      'gw.yaml': fixture('egress-gateway-loop/istio-task/egress.yaml'),
      'pods.yaml': fixture('egress-gateway-loop/custom-gateway/custom-gateway.yaml'),
    });
    const f = r.findings.filter((x) => x.ruleId === 'gateway-selector-no-workload');
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toContain('Deployment egress/partner-egress (istio=partner-egressgateway, app=partner-egress)');
    expect(f[0]!.message).not.toContain('uses istio=egressgateway');
  });

  it('puts the proxy sharing most of the selector first', async () => {
    const pod = (name: string, labels: string) =>
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: gw\n  labels:\n${labels}  annotations:\n    inject.istio.io/templates: gateway\nspec:\n  containers:\n  - name: istio-proxy\n    image: auto\n`;
    const r = await lintYaml({
      'pods.yaml': [pod('a', '    istio: ingressgateway\n'), pod('b', '    istio: egressgateway\n    app: egress-b\n')].join('---\n'),
      'gw.yaml': 'apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: g\n  namespace: gw\nspec:\n  selector:\n    istio: egressgateway\n    app: egress-typo\n  servers:\n  - port:\n      number: 80\n      name: http\n      protocol: HTTP\n    hosts:\n    - example.com\n',
    });
    const f = r.findings.filter((x) => x.ruleId === 'gateway-selector-no-workload');
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toMatch(/labels: Pod gw\/b \(istio=egressgateway, app=egress-b\), Pod gw\/a \(istio=ingressgateway\)\./);
  });
});
