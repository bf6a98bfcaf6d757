// The data plane of each workload (src/model/data-plane.ts): sidecar injection first, then ambient
// redirection, then nothing; and the outbound policy each data plane applies (src/model/policy.ts).
import { describe, expect, it } from 'vitest';
import { dataPlaneOf, namespaceDataPlane } from '../src/model/data-plane.js';
import { modeEnforced, workloadPolicy } from '../src/model/policy.js';
import { lintYaml } from './helpers.js';

const namespace = (name: string, labels: Record<string, string>) =>
  `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n  labels: ${JSON.stringify(labels)}\n`;
const pod = (ns: string, name: string, labels: Record<string, string> = {}, spec = '') =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n  labels: ${JSON.stringify(labels)}\nspec:\n  containers:\n  - name: app\n    image: app${spec}\n`;

async function planes(docs: string[]): Promise<Record<string, string>> {
  const { mesh } = await lintYaml({ 'a.yaml': docs.join('---\n') });
  const out: Record<string, string> = {};
  for (const w of mesh.workloads) out[`${w.namespace}/${w.resource.name}`] = dataPlaneOf(mesh, w).kind;
  return out;
}

describe('data plane of a workload', () => {
  it('follows sidecar injection labels of the namespace and the pod', async () => {
    expect(
      await planes([
        namespace('inj', { 'istio-injection': 'enabled' }),
        namespace('rev', { 'istio.io/rev': 'canary' }),
        namespace('inj-off', { 'istio-injection': 'disabled' }),
        namespace('plain', {}),
        pod('inj', 'a'),
        pod('inj', 'opt-out', { 'sidecar.istio.io/inject': 'false' }),
        pod('rev', 'b'),
        pod('inj-off', 'c', { 'sidecar.istio.io/inject': 'true' }),
        pod('plain', 'd'),
        pod('plain', 'e', { 'sidecar.istio.io/inject': 'true' }),
        pod('plain', 'f', { 'istio.io/rev': 'stable' }),
        pod('unseen', 'g'),
        pod('inj', 'host', {}, '\n  hostNetwork: true'),
      ]),
    ).toEqual({
      'inj/a': 'sidecar',
      'inj/opt-out': 'none',
      'rev/b': 'sidecar',
      'inj-off/c': 'none',
      'plain/d': 'none',
      'plain/e': 'sidecar',
      'plain/f': 'sidecar',
      'unseen/g': 'sidecar',
      'inj/host': 'none',
    });
  });

  it('puts pods in ambient mode by namespace or pod label, after sidecar injection, with `none` opting out', async () => {
    expect(
      await planes([
        namespace('amb', { 'istio.io/dataplane-mode': 'ambient' }),
        namespace('both', { 'istio.io/dataplane-mode': 'ambient', 'istio-injection': 'enabled' }),
        namespace('plain', {}),
        pod('amb', 'a'),
        pod('amb', 'out', { 'istio.io/dataplane-mode': 'none' }),
        pod('amb', 'injected', { 'sidecar.istio.io/inject': 'true' }),
        pod('amb', 'host', {}, '\n  hostNetwork: true'),
        pod('both', 'b'),
        pod('both', 'no-sidecar', { 'sidecar.istio.io/inject': 'false' }),
        pod('plain', 'c', { 'istio.io/dataplane-mode': 'ambient' }),
        pod('unseen', 'd', { 'istio.io/dataplane-mode': 'ambient' }),
      ]),
    ).toEqual({
      'amb/a': 'ambient',
      'amb/out': 'none',
      'amb/injected': 'sidecar',
      'amb/host': 'none',
      'both/b': 'sidecar',
      'both/no-sidecar': 'ambient',
      'plain/c': 'ambient',
      'unseen/d': 'ambient',
    });
  });

  it('names the containers the sidecar does not capture: UID or GID 1337, the container setting over the pod one', async () => {
    const { mesh } = await lintYaml({
      'a.yaml': [
        pod('x', 'uid', {}, '\n    securityContext: {runAsUser: 1337}'),
        pod('x', 'pod-uid', {}, '\n  securityContext: {runAsUser: 1337}'),
        pod('x', 'overridden', {}, '\n    securityContext: {runAsUser: 1000}\n  securityContext: {runAsUser: 1337}'),
        pod('x', 'gid', {}, '\n    securityContext: {runAsGroup: 1337}'),
        pod('x', 'other', {}, '\n    securityContext: {runAsUser: 1338}'),
      ].join('---\n'),
    });
    const out: Record<string, string[]> = {};
    for (const w of mesh.workloads) out[w.resource.name] = dataPlaneOf(mesh, w).uncaptured.map((u) => `${u.container.name} ${u.field} ${u.path.join('.')}`);
    expect(out).toEqual({
      uid: ['app runAsUser spec.containers.0.securityContext.runAsUser'],
      'pod-uid': ['app runAsUser spec.securityContext.runAsUser'],
      overridden: [],
      gid: ['app runAsGroup spec.containers.0.securityContext.runAsGroup'],
      other: [],
    });
  });

  it('gives namespaces a data plane for configuration references', async () => {
    const { mesh } = await lintYaml({ 'a.yaml': [namespace('amb', { 'istio.io/dataplane-mode': 'ambient' }), namespace('both', { 'istio.io/dataplane-mode': 'ambient', 'istio.io/rev': 'x' })].join('---\n') });
    expect(['amb', 'both', 'unseen'].map((ns) => namespaceDataPlane(mesh, ns).kind)).toEqual(['ambient', 'sidecar', 'sidecar']);
  });
});

describe('outbound policy by data plane', () => {
  it('applies REGISTRY_ONLY through sidecars only; ambient keeps the mesh mode for messages', async () => {
    const { mesh } = await lintYaml({
      'a.yaml': [
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: istio, namespace: istio-system}\ndata:\n  mesh: "outboundTrafficPolicy: {mode: REGISTRY_ONLY}"\n',
        namespace('amb', { 'istio.io/dataplane-mode': 'ambient' }),
        'apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata: {name: default, namespace: amb}\nspec:\n  outboundTrafficPolicy: {mode: ALLOW_ANY}\n',
        pod('amb', 'a'),
        pod('shop', 'b'),
      ].join('---\n'),
    });
    const byName = Object.fromEntries(mesh.workloads.map((w) => [w.resource.name, workloadPolicy(mesh, w)]));
    expect([byName.a!.mode, modeEnforced(byName.a!), byName.a!.dataPlane?.kind]).toEqual(['REGISTRY_ONLY', false, 'ambient']);
    expect([byName.b!.mode, modeEnforced(byName.b!), byName.b!.dataPlane?.kind]).toEqual(['REGISTRY_ONLY', true, 'sidecar']);
  });
});
