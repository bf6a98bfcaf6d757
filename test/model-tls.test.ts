// DestinationRule lookup and client TLS (semantics §3.3, §5) and the non-mTLS destinations of model/tls.ts.
import { describe, expect, it } from 'vitest';
import type { Mesh } from '../src/model/mesh.js';
import { clientNamespacesOf, nonMtlsDestinationFor, nonMtlsDestinations, requiresIstioCertificate } from '../src/model/tls.js';
import { lintYaml } from './helpers.js';

async function meshOf(yaml: string, istioVersion?: string): Promise<Mesh> {
  return (await lintYaml({ 'in.yaml': yaml }, istioVersion ? { istioVersion } : {})).mesh;
}

const dr = (name: string, ns: string, host: string, extra = '', mode = 'DISABLE') => `---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ${name}, namespace: ${ns}}
spec:
  host: "${host}"
${extra}  trafficPolicy:
    tls: {mode: ${mode}}
`;
const se = (name: string, ns: string, host: string, extra = '') => `---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: ${name}, namespace: ${ns}}
spec:
  hosts: ["${host}"]
  ports: [{number: 443, name: https, protocol: HTTPS}]
  resolution: DNS
${extra}`;

function pick(mesh: Mesh, host: string, client: string, labels?: Record<string, string>): string | undefined {
  const l = mesh.destinationRuleFor(host, client, labels);
  return l ? `${l.level}:${l.rules.map((r) => `${r.namespace}/${r.resource.name}`).join('+')}` : undefined;
}

describe('destinationRuleFor: levels', () => {
  it('prefers the client namespace, then the service namespace, then the root namespace', async () => {
    const mesh = await meshOf(se('api', 'svc', 'api.example.com') + dr('c', 'client', 'api.example.com') + dr('s', 'svc', 'api.example.com') + dr('r', 'istio-system', 'api.example.com'));
    expect(pick(mesh, 'api.example.com', 'client')).toBe('client:client/c');
    expect(pick(mesh, 'api.example.com', 'other')).toBe('service:svc/s');
    const noSvcRule = await meshOf(se('api', 'svc', 'api.example.com') + dr('r', 'istio-system', 'api.example.com'));
    expect(pick(noSvcRule, 'api.example.com', 'other')).toBe('root:istio-system/r');
  });

  it('lets a wildcard in the client namespace beat an exact rule in the root namespace', async () => {
    const mesh = await meshOf(dr('wild', 'client', '*') + dr('exact', 'istio-system', 'api.example.com'));
    expect(pick(mesh, 'api.example.com', 'client')).toBe('client:client/wild');
    expect(pick(mesh, 'api.example.com', 'elsewhere')).toBe('root:istio-system/exact');
  });

  it('honours exportTo at the service and root levels', async () => {
    const mesh = await meshOf(
      se('api', 'svc', 'api.example.com') +
        dr('private', 'svc', 'api.example.com', '  exportTo: ["."]\n') +
        dr('listed', 'istio-system', 'api.example.com', '  exportTo: [team-a]\n'),
    );
    expect(pick(mesh, 'api.example.com', 'svc')).toBe('client:svc/private');
    expect(pick(mesh, 'api.example.com', 'team-a')).toBe('root:istio-system/listed');
    expect(pick(mesh, 'api.example.com', 'team-b')).toBeUndefined();
  });

  it('uses a Kubernetes Service namespace as the service level and expands short hosts in the rule namespace', async () => {
    const mesh = await meshOf(`apiVersion: v1
kind: Service
metadata: {name: db, namespace: data}
spec:
  ports: [{port: 5432, name: tcp}]
${dr('db', 'data', 'db')}${dr('db', 'apps', 'db')}`);
    expect(pick(mesh, 'db.data.svc.cluster.local', 'web')).toBe('service:data/db');
    // apps/db names db.apps.svc.cluster.local, so clients in apps fall through to the service level.
    expect(pick(mesh, 'db.data.svc.cluster.local', 'apps')).toBe('service:data/db');
    expect(pick(mesh, 'db.apps.svc.cluster.local', 'apps')).toBe('client:apps/db');
  });

  it('looks only at private rules first for a proxy in the root namespace', async () => {
    const mesh = await meshOf(se('api', 'svc', 'api.example.com') + dr('mesh', 'istio-system', '*.example.com') + dr('svc', 'svc', 'api.example.com'));
    // An egress gateway in istio-system: the service namespace's exact rule beats the root's public wildcard.
    expect(pick(mesh, 'api.example.com', 'istio-system')).toBe('service:svc/svc');
    expect(pick(mesh, 'other.example.com', 'istio-system')).toBe('root:istio-system/mesh');
    const priv = await meshOf(se('api', 'svc', 'api.example.com') + dr('gw-only', 'istio-system', '*.example.com', '  exportTo: ["."]\n') + dr('svc', 'svc', 'api.example.com'));
    expect(pick(priv, 'api.example.com', 'istio-system')).toBe('client:istio-system/gw-only');
    expect(pick(priv, 'api.example.com', 'web')).toBe('service:svc/svc');
  });

  it('applies workloadSelector rules only to the workloads they select, in their namespace', async () => {
    const mesh = await meshOf(dr('sel', 'web', 'api.example.com', '  workloadSelector: {matchLabels: {app: curl}}\n') + dr('ns', 'web', 'api.example.com'));
    expect(pick(mesh, 'api.example.com', 'web', { app: 'curl' })).toBe('client:web/sel+web/ns');
    expect(pick(mesh, 'api.example.com', 'web', { app: 'other' })).toBe('client:web/ns');
    expect(pick(mesh, 'api.example.com', 'web')).toBe('client:web/ns');
  });
});

describe('destinationRuleFor: hosts within a level', () => {
  it('prefers an exact host, then the longest wildcard', async () => {
    const mesh = await meshOf(dr('star', 'web', '*') + dr('local', 'web', '*.local') + dr('svc', 'web', '*.svc.cluster.local') + dr('exact', 'web', 'a.b.svc.cluster.local'));
    expect(pick(mesh, 'a.b.svc.cluster.local', 'web')).toBe('client:web/exact');
    expect(pick(mesh, 'x.b.svc.cluster.local', 'web')).toBe('client:web/svc');
    expect(pick(mesh, 'foo.local', 'web')).toBe('client:web/local');
    expect(pick(mesh, 'httpbin.org', 'web')).toBe('client:web/star');
  });

  it('merges same-host rules of one level; *.local does not cover external names', async () => {
    const mesh = await meshOf(dr('one', 'web', 'api.example.com') + dr('two', 'web', 'api.example.com') + dr('local', 'istio-system', '*.local'));
    expect(pick(mesh, 'api.example.com', 'web')).toBe('client:web/one+web/two');
    expect(pick(mesh, 'httpbin.org', 'web')).toBeUndefined();
  });
});

describe('clientTls', () => {
  const yaml = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: api, namespace: web}
spec:
  host: api.example.com
  trafficPolicy:
    tls: {mode: ISTIO_MUTUAL}
    portLevelSettings:
    - port: {number: 80}
      tls: {mode: SIMPLE}
    - port: {number: 8080}
      loadBalancer: {simple: ROUND_ROBIN}
  subsets:
  - name: own-tls
    trafficPolicy:
      tls: {mode: DISABLE}
  - name: port-only
    trafficPolicy:
      portLevelSettings:
      - port: {number: 443}
        tls: {mode: MUTUAL, credentialName: cert}
  - name: no-policy
`;
  const modeAt = async (port?: number, subset?: string) => {
    const mesh = await meshOf(yaml);
    const lookup = mesh.destinationRuleFor('api.example.com', 'web')!;
    const tls = mesh.clientTls(lookup, port, subset);
    return tls ? `${tls.mode}@${tls.path.join('.')}` : undefined;
  };

  it('lets a port-level setting replace the top level, and falls back to it elsewhere', async () => {
    expect(await modeAt(80)).toBe('SIMPLE@spec.trafficPolicy.portLevelSettings.0.tls');
    expect(await modeAt(443)).toBe('ISTIO_MUTUAL@spec.trafficPolicy.tls');
    expect(await modeAt(undefined)).toBe('ISTIO_MUTUAL@spec.trafficPolicy.tls');
    // A port-level entry without tls does not inherit the top-level tls (Istio's GetPortLevelTrafficPolicy).
    expect(await modeAt(8080)).toBeUndefined();
  });

  it('lets a subset override the top level and its port settings', async () => {
    expect(await modeAt(80, 'own-tls')).toBe('DISABLE@spec.subsets.0.trafficPolicy.tls');
    expect(await modeAt(443, 'port-only')).toBe('MUTUAL@spec.subsets.1.trafficPolicy.portLevelSettings.0.tls');
    expect(await modeAt(80, 'port-only')).toBe('SIMPLE@spec.trafficPolicy.portLevelSettings.0.tls');
    expect(await modeAt(443, 'no-policy')).toBe('ISTIO_MUTUAL@spec.trafficPolicy.tls');
  });

  it('treats ISTIO_MUTUAL and certificate-less MUTUAL as needing an Istio certificate', async () => {
    const mesh = await meshOf(yaml);
    const lookup = mesh.destinationRuleFor('api.example.com', 'web')!;
    expect(requiresIstioCertificate(mesh.clientTls(lookup, 443)!)).toBe(true);
    expect(requiresIstioCertificate(mesh.clientTls(lookup, 443, 'port-only')!)).toBe(false);
    expect(requiresIstioCertificate(mesh.clientTls(lookup, 80)!)).toBe(false);
  });
});

describe('non-mTLS destinations', () => {
  const input = `apiVersion: v1
kind: Service
metadata: {name: ext-name}
spec: {type: ExternalName, externalName: httpbin.org}
---
apiVersion: v1
kind: Service
metadata: {name: manual}
spec: {ports: [{port: 443, name: tls}]}
---
apiVersion: v1
kind: Service
metadata: {name: app}
spec: {selector: {app: app}, ports: [{port: 80, name: http}]}
${se('ext', 'default', '*.wikipedia.org')}${se('vm', 'default', 'vm.internal', '  location: MESH_INTERNAL\n')}${se('private', 'team', 'private.example.com', '  exportTo: ["."]\n')}---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: web}
spec:
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx}]}
`;

  it('lists external entries, selectorless Services, and ExternalName Services only before 1.21', async () => {
    const now = await meshOf(input);
    expect(nonMtlsDestinations(now).map((d) => `${d.kind}:${d.host}`)).toEqual([
      'selectorless-service:manual.default.svc.cluster.local',
      'service-entry:*.wikipedia.org',
      'service-entry:private.example.com',
    ]);
    const old = await meshOf(input, '1.20');
    expect(nonMtlsDestinations(old).map((d) => d.kind)).toContain('external-name');
  });

  it('finds the entry of a host a wildcard covers', async () => {
    const mesh = await meshOf(input);
    expect(nonMtlsDestinationFor(mesh, 'en.wikipedia.org')).toMatchObject({ kind: 'service-entry', host: 'en.wikipedia.org' });
    expect(nonMtlsDestinationFor(mesh, 'app.default.svc.cluster.local')).toBeUndefined();
  });

  it('picks client namespaces: declaring, workload and default namespaces the host is exported to', async () => {
    // web holds a rule covering the host, so its lookup differs from default's.
    const mesh = await meshOf(input + dr('local', 'web', '*.local'));
    const byHost = (h: string) => nonMtlsDestinations(mesh).find((d) => d.host === h)!;
    expect(clientNamespacesOf(mesh, byHost('manual.default.svc.cluster.local'))).toEqual(['default', 'web']);
    expect(clientNamespacesOf(mesh, byHost('private.example.com'))).toEqual(['team']);
  });

  it('keeps one of the namespaces whose lookups cannot differ', async () => {
    const mesh = await meshOf(input);
    const manual = nonMtlsDestinations(mesh).find((d) => d.host === 'manual.default.svc.cluster.local')!;
    // Neither default nor web holds a rule for the host or is named in an exportTo: one lookup is enough.
    expect(clientNamespacesOf(mesh, manual)).toEqual(['default']);
  });
});
