// The Gateway API tabs of istio.io's egress gateway and egress gateway TLS origination tasks
// (test/corpus/istio-io/egress-gateway and egress-gateway-tls-origination, whose READMEs give the
// source and commit): each section's blocks, linted together the way the page
// applies them, are clean; a variant of one block with one realistic mistake gives exactly the
// findings that mistake causes, at the line of the mistake.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusPage, lineOf, replaceOnce } from './corpus-helpers.js';
import { lintYaml } from './helpers.js';

const DIR = path.resolve(__dirname, 'corpus', 'istio-io', 'egress-gateway');
const read = (n: number) => readFileSync(path.join(DIR, `egress-gateway__${n}.yaml`), 'utf8');
const file = (n: number) => `egress-gateway__${n}.yaml`;

const HTTP = [1, 2, 3];
const HTTPS = [4, 5];

async function findings(blocks: number[], edit?: { block: number; text: string }, drop?: number) {
  const files: Record<string, string> = {};
  for (const n of blocks) if (n !== drop) files[file(n)] = edit?.block === n ? edit.text : read(n);
  const result = await lintYaml(files);
  return result.findings.map((f) => `${f.ruleId} ${path.basename(f.file)}:${f.line}`).sort();
}

describe('istio.io egress gateway task, Gateway API tab', () => {
  it('the HTTP section (__1 + __2 + __3) lints clean', async () => {
    expect(await findings(HTTP)).toEqual([]);
  });

  it('the HTTPS section (__4 + __5) lints clean', async () => {
    expect(await findings(HTTPS)).toEqual([]);
  });

  it('forgetting the ServiceEntry: the mesh route has no parent and the gateway forwards to an unknown host', async () => {
    const t = read(3);
    expect(await findings(HTTP, undefined, 1)).toEqual(
      [`gateway-api-parent-not-found ${file(3)}:${lineOf(t, 'name: cnn', 1)}`, `gateway-api-hostname-backend-unregistered ${file(3)}:${lineOf(t, 'name: edition.cnn.com')}`].sort(),
    );
  });

  it('the forward route naming the generated Service instead of the Gateway', async () => {
    const t = replaceOnce(read(3), '  - name: cnn-egress-gateway\n', '  - name: cnn-egress-gateway-istio\n');
    expect(await findings(HTTP, { block: 3, text: t })).toEqual(
      [
        `gateway-api-parent-not-found ${file(3)}:${lineOf(t, '- name: cnn-egress-gateway-istio', 2)}`,
        `gateway-api-egress-route-incomplete ${file(3)}:${lineOf(t, '- name: cnn-egress-gateway-istio', 1)}`,
      ].sort(),
    );
  });

  it('the mesh route sending to a port the Gateway has no listener on', async () => {
    const t = replaceOnce(read(3), 'port: 80', 'port: 443');
    expect(await findings(HTTP, { block: 3, text: t })).toEqual([`gateway-api-egress-route-incomplete ${file(3)}:${lineOf(t, 'port: 443')}`]);
  });

  it('the forward route for another host than the listener', async () => {
    const t = replaceOnce(read(3), '  - edition.cnn.com\n', '  - www.cnn.com\n');
    expect(await findings(HTTP, { block: 3, text: t })).toEqual(
      [`gateway-api-hostname-mismatch ${file(3)}:${lineOf(t, '- www.cnn.com')}`, `gateway-api-egress-route-incomplete ${file(3)}:${lineOf(t, '- name: cnn-egress-gateway-istio')}`].sort(),
    );
  });

  it('the HTTPS forward route attached to a listener name the Gateway does not have', async () => {
    const t = replaceOnce(read(5), '  - name: cnn-egress-gateway\n', '  - name: cnn-egress-gateway\n    sectionName: https\n');
    expect(await findings(HTTPS, { block: 5, text: t })).toEqual(
      [`gateway-api-listener-not-found ${file(5)}:${lineOf(t, 'sectionName: https')}`, `gateway-api-egress-route-incomplete ${file(5)}:${lineOf(t, '- name: cnn-egress-gateway-istio')}`].sort(),
    );
  });

  it('the HTTPS Gateway applied in another namespace than its routes', async () => {
    const t = replaceOnce(read(5), '  name: cnn-egress-gateway\n', '  name: cnn-egress-gateway\n  namespace: istio-egress\n');
    // The forward route's parent is gone from its namespace, and the mesh route's backend
    // `cnn-egress-gateway-istio` is now generated in istio-egress, not in default.
    expect(await findings(HTTPS, { block: 5, text: t })).toEqual(
      [`gateway-api-parent-not-found ${file(5)}:${lineOf(t, '- name: cnn-egress-gateway', 1)}`, `gateway-api-backend-not-found ${file(5)}:${lineOf(t, '- name: cnn-egress-gateway-istio')}`].sort(),
    );
  });
});

describe('istio.io egress gateway TLS origination task, Gateway API tab', () => {
  const TLS_DIR = path.resolve(__dirname, 'corpus', 'istio-io', 'egress-gateway-tls-origination');
  const name = (n: number) => `egress-gateway-tls-origination__${n}.yaml`;
  const block = (n: number) => readFileSync(path.join(TLS_DIR, name(n)), 'utf8');
  async function lintSet(blocks: number[], edit?: { block: number; text: string }) {
    const files: Record<string, string> = {};
    for (const n of blocks) files[name(n)] = edit?.block === n ? edit.text : block(n);
    return (await lintYaml(files)).findings.map((f) => `${f.ruleId} ${path.basename(f.file)}:${f.line}`).sort();
  }
  const ORIGINATION = [1, 2, 3, 4];
  const MUTUAL = [5, 6, 7, 8];

  it('TLS origination (__1 to __4) lints clean', async () => {
    expect(await lintSet(ORIGINATION)).toEqual([]);
  });

  it('mutual TLS origination (__5 to __8), a mesh VirtualService to the Gateway API gateway, lints clean', async () => {
    expect(await lintSet(MUTUAL)).toEqual([]);
  });

  it('the mesh route sending to the upstream port 443 instead of the listener port 80', async () => {
    const t = replaceOnce(block(3), 'port: 80', 'port: 443');
    expect(await lintSet(ORIGINATION, { block: 3, text: t })).toEqual([`gateway-api-egress-route-incomplete ${name(3)}:${lineOf(t, 'port: 443')}`]);
  });

  it('the sni left out of the DestinationRule toward the gateway: the listener does not match the sidecar', async () => {
    const t = replaceOnce(block(2), '        sni: edition.cnn.com\n', '');
    expect(await lintSet(ORIGINATION, { block: 2, text: t })).toEqual([`gateway-api-tls-origination-incomplete ${name(2)}:${lineOf(t, 'mode: ISTIO_MUTUAL')}`]);
  });

  it('the DestinationRule toward the gateway named after the Gateway instead of its -istio Service', async () => {
    const t = replaceOnce(block(2), 'host: cnn-egress-gateway-istio.default.svc.cluster.local', 'host: cnn-egress-gateway.default.svc.cluster.local');
    expect(await lintSet(ORIGINATION, { block: 2, text: t })).toEqual([`gateway-api-tls-origination-incomplete ${name(3)}:${lineOf(block(3), '- name: cnn-egress-gateway-istio')}`]);
  });

  it('the upstream DestinationRule (__4) left out: the gateway sends plain HTTP to port 443', async () => {
    expect(await lintSet([1, 2, 3])).toEqual([`gateway-api-tls-origination-incomplete ${name(3)}:${lineOf(block(3), 'port: 443')}`]);
  });

  it('a BackendTLSPolicy on the ServiceEntry instead of the upstream DestinationRule: clean', async () => {
    const policy = `apiVersion: gateway.networking.k8s.io/v1
kind: BackendTLSPolicy
metadata:
  name: cnn-tls
spec:
  targetRefs:
  - group: networking.istio.io
    kind: ServiceEntry
    name: cnn
    sectionName: https
  validation:
    hostname: edition.cnn.com
    wellKnownCACertificates: System
`;
    expect(await lintSet(ORIGINATION, { block: 4, text: policy })).toEqual([]);
  });

  it('the ReferenceGrant left out: the forward route may not send to mesh-external', async () => {
    const t = block(7);
    const cut = t.slice(0, t.lastIndexOf('---\napiVersion: gateway.networking.k8s.io/v1beta1\nkind: ReferenceGrant'));
    expect(await lintSet(MUTUAL, { block: 7, text: cut })).toEqual([`gateway-api-backend-not-granted ${name(7)}:${lineOf(cut, 'namespace: mesh-external')}`]);
  });

  it('the forward route for a host the listener does not serve: the VirtualService hop is left without a route', async () => {
    const t = replaceOnce(block(7), '  - my-nginx.mesh-external.svc.cluster.local\n', '  - nginx.mesh-external.svc.cluster.local\n', 2);
    expect(await lintSet(MUTUAL, { block: 7, text: t })).toEqual(
      [
        `gateway-api-hostname-mismatch ${name(7)}:${lineOf(t, '- nginx.mesh-external.svc.cluster.local')}`,
        `egress-gateway-route-incomplete ${name(7)}:${lineOf(t, 'host: nginx-egressgateway-istio.default.svc.cluster.local')}`,
      ].sort(),
    );
  });
});

describe('istio.io wildcard egress hosts task, Gateway API tab', () => {
  // test/corpus/istio-io/wildcard-egress-hosts/README.md gives the source and commit. The task
  // runs with REGISTRY_ONLY ("Before you begin").
  const page = corpusPage('wildcard-egress-hosts');
  const lint = { meshConfig: { mode: 'REGISTRY_ONLY' as const, label: 'the task\'s istioctl install --set meshConfig.outboundTrafficPolicy.mode=REGISTRY_ONLY' } };
  const SINGLE_HOST = [1, 2];

  it('the single-hosting-server configuration (__1 + __2) lints clean', async () => {
    expect(await page.lintSet(SINGLE_HOST, { lint })).toEqual([]);
  });

  it('the ServiceEntry for www.wikipedia.org (__2) left out: the wildcard entry does not declare the forward route\'s Hostname backend', async () => {
    const t = page.read(1);
    expect(await page.lintSet([1], { lint })).toEqual([`gateway-api-hostname-backend-unregistered ${page.name(1)}:${lineOf(t, 'name: www.wikipedia.org')}`]);
  });

  it('the mesh route sending to the gateway on a port it has no listener on', async () => {
    const t = replaceOnce(page.read(1), '    - name: wikipedia-egress-gateway-istio\n      port: 443\n', '    - name: wikipedia-egress-gateway-istio\n      port: 8443\n');
    expect(await page.lintSet(SINGLE_HOST, { lint, edits: { 1: t } })).toEqual([`gateway-api-egress-route-incomplete ${page.name(1)}:${lineOf(t, 'port: 8443')}`]);
  });

  it('the forward route for another domain than the listener: the mesh route\'s hosts are forwarded by nothing', async () => {
    const t = replaceOnce(page.read(1), '  hostnames:\n  - "*.wikipedia.org"\n', '  hostnames:\n  - "*.wikipedia.com"\n');
    expect(await page.lintSet(SINGLE_HOST, { lint, edits: { 1: t } })).toEqual(
      [`gateway-api-hostname-mismatch ${page.name(1)}:${lineOf(t, '- "*.wikipedia.com"')}`, `gateway-api-egress-route-incomplete ${page.name(1)}:${lineOf(t, '- name: wikipedia-egress-gateway-istio')}`].sort(),
    );
  });

  it('the forward route applied in another namespace than the Gateway: its parent is looked up there', async () => {
    const t = replaceOnce(page.read(1), '  name: forward-wikipedia-from-egress-gateway\n', '  name: forward-wikipedia-from-egress-gateway\n  namespace: egress-routes\n');
    expect(await page.lintSet(SINGLE_HOST, { lint, edits: { 1: t } })).toEqual(
      [`gateway-api-parent-not-found ${page.name(1)}:${lineOf(t, '- name: wikipedia-egress-gateway')}`, `gateway-api-egress-route-incomplete ${page.name(1)}:${lineOf(t, '- name: wikipedia-egress-gateway-istio')}`].sort(),
    );
  });

  it('the forward route in another namespace naming the Gateway\'s: the listener admits routes of its own namespace only (from: Same)', async () => {
    let t = replaceOnce(page.read(1), '  name: forward-wikipedia-from-egress-gateway\n', '  name: forward-wikipedia-from-egress-gateway\n  namespace: egress-routes\n');
    t = replaceOnce(t, '  - name: wikipedia-egress-gateway\n', '  - name: wikipedia-egress-gateway\n    namespace: default\n');
    expect(await page.lintSet(SINGLE_HOST, { lint, edits: { 1: t } })).toEqual(
      [`gateway-api-route-not-allowed ${page.name(1)}:${lineOf(t, '- name: wikipedia-egress-gateway')}`, `gateway-api-egress-route-incomplete ${page.name(1)}:${lineOf(t, '- name: wikipedia-egress-gateway-istio')}`].sort(),
    );
  });
});
