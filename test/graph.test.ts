// The egress map (`mesh-egress-lint graph`): the JSON contract on every example set and the corpus
// (validated against schemas/egress-map.schema.json with ajv), the routes the model gives for the
// example set-ups, and the Mermaid and DOT pictures drawn from the same graph.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { runCli, tempTree } from './helpers.js';
import type { EgressMap, MapRoute } from '../src/graph/egress-map.js';
import { buildGraph } from '../src/graph/graph.js';

const ROOT = path.resolve(__dirname, '..');
const CORPUS = path.resolve(ROOT, '../shared/corpus');
const schema = JSON.parse(readFileSync(path.join(ROOT, 'schemas/egress-map.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema);

const exampleSets = readdirSync(path.join(ROOT, 'examples'), { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .flatMap((e) => ['good', 'broken'].map((v) => `examples/${e.name}/${v}`))
  .sort();
const corpusSets = existsSync(CORPUS)
  ? ['istio-io', 'istio-samples', 'gateway-api-ambient', '.'].map((d) => path.relative(ROOT, path.join(CORPUS, d)) || '.')
  : [];

async function graph(args: string[], cwd = ROOT): Promise<{ code: number; stdout: string; stderr: string }> {
  return runCli(['graph', ...args], cwd);
}

async function mapOf(dir: string, cwd = ROOT): Promise<EgressMap> {
  const r = await graph([dir, '--format', 'json'], cwd);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as EgressMap;
}

function route(map: EgressMap, id: string): MapRoute {
  const r = map.routes.find((x) => x.id === id);
  if (!r) throw new Error(`no route ${id}; routes: ${map.routes.map((x) => x.id).join(', ')}`);
  return r;
}

function rulesOn(map: EgressMap, r: MapRoute): string[] {
  return r.findings.map((id) => map.findings.find((f) => f.id === id)!.ruleId).sort();
}

/** Checks that hold for every map: schema, references between routes and findings, order, determinism. */
function checkContract(map: EgressMap): void {
  const ok = validate(map);
  expect(validate.errors ?? [], JSON.stringify(validate.errors?.slice(0, 3))).toEqual([]);
  expect(ok).toBe(true);
  const findingIds = new Set(map.findings.map((f) => f.id));
  for (const r of map.routes) {
    for (const id of r.findings) expect(findingIds.has(id)).toBe(true);
    // A route ends at the upstream, or where it stops: the refusing sidecar, a gateway without a route.
    if (r.hops[r.hops.length - 1]!.kind !== 'upstream') expect(['blocked', 'broken']).toContain(r.outcome);
    if (r.outcome === 'allowed') expect(r.findings.every((id) => map.findings.find((f) => f.id === id)!.severity !== 'error')).toBe(true);
  }
  expect(new Set(map.routes.map((r) => r.id)).size).toBe(map.routes.length);
  const keys = map.routes.map((r) => [r.client.namespace, r.client.kind, r.client.name, r.host]);
  for (let i = 1; i < keys.length; i++) expect(keys[i - 1]!.join('\0') <= keys[i]!.join('\0')).toBe(true);
  expect(map.summary.routes).toBe(map.routes.length);
  expect(map.summary.allowed + map.summary.blocked + map.summary.passthrough + map.summary.broken).toBe(map.routes.length);
}

describe.each([...exampleSets, ...corpusSets])('graph %s', (dir) => {
  it('json follows the schema and is the same on every run', async () => {
    const a = await graph([dir]);
    const b = await graph([dir, '--format', 'json']);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    checkContract(JSON.parse(a.stdout));
  });

  it('mermaid and dot draw every node and edge of the graph', async () => {
    const map = await mapOf(dir);
    const g = buildGraph(map);
    const mermaid = (await graph([dir, '--format', 'mermaid'])).stdout;
    const dot = (await graph([dir, '--format', 'dot'])).stdout;
    expect(mermaid.startsWith('flowchart LR\n')).toBe(true);
    expect(dot.startsWith('digraph egress {\n')).toBe(true);
    expect(dot.trimEnd().endsWith('}')).toBe(true);
    for (const n of g.nodes) {
      expect(mermaid).toMatch(new RegExp(`^  ${n.id}[([{]`, 'm'));
      expect(dot).toMatch(new RegExp(`^    ${n.id} \\[label=`, 'm'));
    }
    expect(mermaid.split('\n').filter((l) => /^ {2}n\d+ -(->|\.->)\|/.test(l))).toHaveLength(g.edges.length);
    expect(dot.split('\n').filter((l) => /^ {2}n\d+ -> n\d+ \[/.test(l))).toHaveLength(g.edges.length);
    expect(mermaid.split('\n').filter((l) => l.startsWith('  linkStyle ')).length).toBe(g.edges.filter((e) => e.outcome === 'broken' || e.outcome === 'blocked').length);
  });
});

describe('graph: routes of the example set-ups', () => {
  it('egress-gateway-per-upstream/good: sidecar → egress gateway (Istio mTLS) → httpbin.org:443 (TLS originated)', async () => {
    const map = await mapOf('examples/egress-gateway-per-upstream/good');
    const r = route(map, 'apps/Deployment/reporter->httpbin.org:80');
    expect(r.hops.map((h) => h.kind)).toEqual(['sidecar', 'egress-gateway', 'upstream']);
    expect(r.hops[1]!.gateway).toBe('httpbin/httpbin-egress');
    expect(r.hops.map((h) => h.tls?.mode)).toEqual(['istio-mutual', 'originate', undefined]);
    expect(r.hops[1]!.tls).toMatchObject({ setBy: 'DestinationRule httpbin/httpbin-org-tls spec.trafficPolicy.portLevelSettings[0].tls', file: 'examples/egress-gateway-per-upstream/good/httpbin-upstream.yaml' });
    expect(r.hops[2]).toMatchObject({ to: 'httpbin.org', port: 443 });
    expect(r.policy).toMatchObject({ mode: 'REGISTRY_ONLY', setBy: 'IstioOperator istio-system/control-plane spec.meshConfig', enforced: true, file: 'examples/egress-gateway-per-upstream/good/istio-operator.yaml' });
    expect(r).toMatchObject({ outcome: 'allowed', source: 'reference', registry: 'registered', findings: [] });
    expect(r.references).toEqual([{ what: 'env UPSTREAM_URL of Deployment apps/reporter', file: 'examples/egress-gateway-per-upstream/good/client.yaml', line: 24 }]);
    // The ServiceEntry is exported everywhere from httpbin: port 443, which no workload names and no
    // VirtualService sends to the gateway, is a route of the mesh-wide group, straight out.
    expect(map.routes.map((x) => x.id)).toEqual(['*/Namespace/*->httpbin.org:443', 'apps/Deployment/reporter->httpbin.org:80']);
    expect(route(map, '*/Namespace/*->httpbin.org:443').hops.map((h) => `${h.kind}>${h.to ?? ''}`)).toEqual(['sidecar>httpbin.org', 'upstream>httpbin.org']);
    expect(map.groups).toEqual([{ namespace: '*', name: '*', dataPlane: 'sidecar', clients: [{ kind: 'Deployment', namespace: 'apps', name: 'reporter', file: 'examples/egress-gateway-per-upstream/good/client.yaml', line: 12 }] }]);
    expect(map.findings).toEqual([]);
  });

  it('egress-gateway-per-upstream/broken: the misspelt subset breaks the route, the unregistered host is blocked', async () => {
    const map = await mapOf('examples/egress-gateway-per-upstream/broken');
    const r = route(map, 'apps/Deployment/reporter->httpbin.org:80');
    expect(r.outcome).toBe('broken');
    expect(rulesOn(map, r)).toEqual(['subset-not-found']);
    const blocked = route(map, 'apps/Deployment/reporter->api.unregistered.example:443');
    expect(blocked).toMatchObject({ outcome: 'blocked', registry: 'missing' });
    expect(blocked.hops.map((h) => h.kind)).toEqual(['sidecar']);
    expect(rulesOn(map, blocked)).toEqual(['missing-service-entry']);
    // The stale VirtualService is not bound to mesh: its findings are on no route.
    const stale = map.findings.filter((f) => f.ruleId === 'gateway-not-found' || f.ruleId === 'match-gateway-not-bound').map((f) => f.id);
    expect(stale).toHaveLength(2);
    expect(map.routes.flatMap((x) => x.findings).filter((id) => stale.includes(id))).toEqual([]);
  });

  it('registry-only-service-entries/broken: blocked where the registry lacks the host, broken by a finding on the entry', async () => {
    const map = await mapOf('examples/registry-only-service-entries/broken');
    expect(route(map, 'apps/Deployment/prober->api.github.com:443')).toMatchObject({ outcome: 'blocked', registry: 'missing' });
    expect(route(map, 'apps/Deployment/prober->httpbin.org:80')).toMatchObject({ outcome: 'blocked', registry: 'not-exported' });
    expect(rulesOn(map, route(map, 'apps/Deployment/prober->httpbin.org:80'))).toEqual(['service-entry-not-exported']);
    expect(route(map, 'apps/Deployment/prober->www.google.com:443')).toMatchObject({ outcome: 'allowed', findings: [] });
    expect(route(map, 'apps/Deployment/prober->www.google.com:443').hops[0]!.tls!.mode).toBe('passthrough');
  });

  it('kubernetes-services/broken: the mesh-wide ISTIO_MUTUAL rule breaks the selectorless Service; the alias leaves from its target', async () => {
    const map = await mapOf('examples/kubernetes-services/broken');
    const wiki = route(map, '*/Namespace/*->my-wikipedia.apps.svc.cluster.local:443');
    expect(wiki.outcome).toBe('broken');
    expect(wiki.hops[0]!.tls).toMatchObject({ mode: 'istio-mutual', setBy: 'DestinationRule istio-system/default spec.trafficPolicy.tls', file: 'examples/kubernetes-services/broken/mesh-mtls.yaml' });
    expect(rulesOn(map, wiki)).toEqual(['endpoints-invalid-address', 'endpoints-port-mismatch', 'mtls-to-external-host']);
    const alias = route(map, 'apps/Deployment/curl->my-httpbin.apps.svc.cluster.local:80');
    expect(alias.hops[alias.hops.length - 1]).toMatchObject({ kind: 'upstream', to: 'httpbin.org' });
    expect(rulesOn(map, alias)).toEqual(['external-name-destination-rule']);
    expect(alias.outcome).toBe('allowed');
  });

  it('https-tls-route/broken: TLS from the application passes through; the route with the schema error is broken', async () => {
    const map = await mapOf('examples/https-tls-route/broken');
    const r = route(map, 'apps/Deployment/uuid-client->httpbin.org:443');
    expect(r.hops[0]!.tls!.mode).toBe('passthrough');
    expect(r.outcome).toBe('broken');
    expect(rulesOn(map, r)).toEqual(['schema-violation']); // sni_hosts: one defect, one finding
  });

  it('capture-ranges: good routes are allowed, the bypassing workload is broken by its finding', async () => {
    const good = await mapOf('examples/capture-ranges/good');
    expect(good.routes.map((r) => r.outcome)).toEqual(good.routes.map(() => 'allowed'));
    const broken = await mapOf('examples/capture-ranges/broken');
    expect(rulesOn(broken, route(broken, 'apps/Deployment/reports->httpbin.org:80'))).toEqual(['capture-bypasses-egress-policy']);
  });
});

describe('graph: data planes and Gateway API', () => {
  const client = (ns: string, labels = '') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: curl, namespace: ${ns}}
spec:
  selector: {matchLabels: {app: curl}}
  template:
    metadata:
      labels: {app: curl${labels}}
    spec:
      containers:
      - name: curl
        image: curlimages/curl
        env:
        - {name: URL, value: "http://api.example.com/x"}
`;
  const entry = (ns: string, label = '') => `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: api
  namespace: ${ns}${label}
spec:
  hosts: [api.example.com]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: DNS
`;

  it('registry routes: one per group and port; namespace groups for what is addressed to the namespace, a mesh-wide group for entries exported everywhere', async () => {
    const se = (name: string, ns: string, host: string, exportTo?: string) => `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: ${name}, namespace: ${ns}}
spec:
  hosts: [${host}]${exportTo ? `\n  exportTo: ${exportTo}` : ''}
  ports: [{number: 443, name: https, protocol: HTTPS}, {number: 80, name: http, protocol: HTTP}]
  resolution: DNS
`;
    const named = (name: string, ns: string, url: string, app = name) => client(ns).replace('name: curl,', `name: ${name},`).replace(/app: curl/g, `app: ${app}`).replace('http://api.example.com/x', url);
    const dir = tempTree({
      'client.yaml': client('apps'),
      // A second workload of apps under a Sidecar of its own: a group of its own (apps~2), never mesh-wide.
      'locked.yaml': named('locked', 'apps', 'http://api.example.com/y'),
      'sidecar.yaml': `apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: locked, namespace: apps}
spec:
  workloadSelector: {labels: {app: locked}}
  outboundTrafficPolicy: {mode: REGISTRY_ONLY}
  egress: [{hosts: ["./*", "istio-system/*"]}]
`,
      // web: two workloads that both name star.example.com:80, and a DestinationRule of its own for everywhere.example.com.
      'web.yaml': `${named('a', 'web', 'http://star.example.com/a')}---\n${named('b', 'web', 'http://star.example.com/b')}`,
      'web-dr.yaml': 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: everywhere, namespace: web}\nspec:\n  host: everywhere.example.com\n  trafficPolicy: {tls: {mode: SIMPLE}}\n',
      'own.yaml': se('own', 'apps', 'own.example.com', '["."]'),
      'named.yaml': se('named', 'shared', 'named.example.com', '[apps]'),
      'everywhere.yaml': se('everywhere', 'shared', 'everywhere.example.com'),
      'star.yaml': se('star', 'shared', 'star.example.com', '["*"]'),
      'central.yaml': se('central', 'istio-system', 'central.example.com'),
      'private.yaml': se('private', 'shared', 'private.example.com', '["."]'),
    });
    const map = await mapOf(dir, dir);
    checkContract(map);
    const of = (client: string, hosts: string[]) => hosts.flatMap((h) => ['80', '443'].map((p) => `${client}->${h}.example.com:${p}`));
    expect(map.routes.map((r) => r.id)).toEqual([
      // Entries exported everywhere, as a namespace with no configuration of its own sees them: curl, a and b follow the mesh's defaults.
      ...of('*/Namespace/*', ['central', 'everywhere', 'star']),
      'apps/Deployment/curl->api.example.com:80',
      'apps/Deployment/locked->api.example.com:80',
      // Addressed to apps: exported to it by name, or private to it.
      ...of('apps/Namespace/apps', ['named', 'own']),
      // locked's Sidecar imports apps and istio-system: central is the only entry exported everywhere it can reach.
      ...of('apps/Namespace/apps~2', ['central', 'named', 'own']),
      'web/Deployment/a->star.example.com:80',
      'web/Deployment/b->star.example.com:80',
      // web's own DestinationRule covers everywhere.example.com: web's way there is its own.
      ...of('web/Namespace/web', ['everywhere']),
    ]);
    expect(map.groups.map((g) => `${g.namespace}/${g.name}: ${g.clients.map((c) => `${c.namespace}/${c.name}`).join(',')}`)).toEqual([
      '*/*: apps/curl,web/a,web/b',
      'apps/apps: apps/curl',
      'apps/apps~2: apps/locked',
      'web/web: web/a,web/b',
    ]);
    expect(route(map, 'apps/Namespace/apps->own.example.com:443').hops[0]!.tls!.mode).toBe('passthrough');
    expect(route(map, 'web/Namespace/web->everywhere.example.com:80').hops[0]!.tls).toMatchObject({ mode: 'originate', setBy: 'DestinationRule web/everywhere spec.trafficPolicy.tls' });
    expect(route(map, '*/Namespace/*->everywhere.example.com:80').hops[0]!.tls!.mode).toBe('plaintext');
    // Addressed to apps but not imported by locked's Sidecar: refused.
    expect(route(map, 'apps/Namespace/apps~2->named.example.com:80')).toMatchObject({ outcome: 'blocked', registry: 'not-imported' });
    expect(route(map, 'apps/Namespace/apps~2->own.example.com:80')).toMatchObject({ outcome: 'allowed', policy: { mode: 'REGISTRY_ONLY', setBy: 'Sidecar apps/locked' } });
    expect(route(map, '*/Namespace/*->star.example.com:80').hops[0]!.name).toBe('the sidecars of mesh-wide group * (3 workloads)');
    const mermaid = (await graph([dir, '--format', 'mermaid'], dir)).stdout;
    expect(mermaid).toContain('"mesh-wide group *<br/>3 workloads, sidecar"');
    expect(mermaid).toContain('"namespace group web<br/>2 workloads, sidecar"');
  });

  it('registry routes grow with workloads, namespaces and entries, not with their products', async () => {
    // n workloads over n/10 namespaces, 10 more in a namespace whose Sidecar imports shared, n entries exported everywhere from shared.
    const deployment = (ns: string, name: string) => client(ns).replace('name: curl,', `name: ${name},`).replace(/app: curl/g, `app: ${name}`);
    const tree = (n: number) => {
      const files: Record<string, string> = {};
      for (let k = 0; k < n / 10; k++) files[`ns${k}.yaml`] = Array.from({ length: 10 }, (_, i) => deployment(`ns${k}`, `w${i}`)).join('---\n');
      files['locked.yaml'] = Array.from({ length: 10 }, (_, i) => deployment('locked', `w${i}`)).join('---\n');
      files['sidecar.yaml'] = 'apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata: {name: default, namespace: locked}\nspec:\n  egress: [{hosts: ["./*", "shared/*"]}]\n';
      files['entries.yaml'] = Array.from({ length: n }, (_, i) => `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: e${i}, namespace: shared}
spec:
  hosts: [e${i}.example.com]
  ports: [{number: 443, name: https, protocol: HTTPS}, {number: 80, name: http, protocol: HTTP}]
  resolution: DNS
`).join('---\n');
      return tempTree(files);
    };
    const sizes: { routes: number; nodes: number; edges: number }[] = [];
    for (const n of [20, 40, 80]) {
      const dir = tree(n);
      const map = await mapOf(dir, dir);
      const g = buildGraph(map);
      sizes.push({ routes: map.routes.length, nodes: g.nodes.length, edges: g.edges.length });
      // Each workload's reference route; the mesh-wide group and the locked namespace's group: 2 routes per entry.
      expect(map.routes.length).toBe(n + 10 + 2 * n + 2 * n);
      expect(map.groups.map((x) => `${x.namespace}/${x.name} ${x.clients.length}`)).toEqual([`*/* ${n}`, 'locked/locked 10']);
    }
    // Doubling workloads, namespaces and entries doubles what grows with them (the locked namespace's
    // 10 workloads and their 10 reference edges, the two groups and api.example.com stay).
    for (let i = 1; i < sizes.length; i++) {
      expect(sizes[i]!.routes - 10).toBe(2 * (sizes[i - 1]!.routes - 10));
      expect(sizes[i]!.edges - 10).toBe(2 * (sizes[i - 1]!.edges - 10));
      expect(sizes[i]!.nodes - 13).toBe(2 * (sizes[i - 1]!.nodes - 13));
    }
  });

  it('a rule matching `mesh` in a VirtualService not bound to mesh routes nothing: the sidecar goes straight out', async () => {
    const dir = tempTree({
      'client.yaml': client('apps'),
      'se.yaml': entry('apps'),
      'vs.yaml': `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: stale, namespace: apps}
spec:
  hosts: [api.example.com]
  gateways: [istio-system/gone]
  http:
  - match: [{gateways: [mesh]}]
    route: [{destination: {host: istio-egressgateway.istio-system.svc.cluster.local}}]
`,
    });
    const map = await mapOf(dir, dir);
    const r = route(map, 'apps/Deployment/curl->api.example.com:80');
    expect(r.hops.map((h) => `${h.kind}>${h.to ?? ''}`)).toEqual(['sidecar>api.example.com', 'upstream>api.example.com']);
    expect(r.hops[0]!.via).toBeUndefined();
  });

  it('ambient with a waypoint: ztunnel (HBONE) → waypoint → host', async () => {
    const dir = tempTree({
      'ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: egress\n  labels: {istio.io/dataplane-mode: ambient}\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n  labels: {istio.io/dataplane-mode: ambient}\n',
      'client.yaml': client('apps'),
      'se.yaml': entry('egress', '\n  labels: {istio.io/use-waypoint: waypoint}'),
      'waypoint.yaml': `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: waypoint
  namespace: egress
spec:
  gatewayClassName: istio-waypoint
  listeners:
  - {name: mesh, port: 15008, protocol: HBONE, allowedRoutes: {namespaces: {from: All}}}
`,
    });
    const map = await mapOf(dir, dir);
    checkContract(map);
    const r = route(map, 'apps/Deployment/curl->api.example.com:80');
    expect(r.dataPlane).toBe('ambient');
    expect(r.hops.map((h) => `${h.kind}:${h.tls?.mode ?? ''}`)).toEqual(['ztunnel:hbone', 'waypoint:plaintext', 'upstream:']);
    expect(r.hops[1]!.gateway).toBe('egress/waypoint');
    expect(r.policy.enforced).toBe(false);
    expect(r.outcome).toBe('allowed');
  });

  it('weighted splits: one route per destination that gets traffic, the splitting hop carries its percent', async () => {
    const dir = tempTree({
      'client.yaml': client('apps'),
      'se.yaml': `${entry('apps')}---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: backups, namespace: apps}
spec:
  hosts: [backup.example.com, old.example.com]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: DNS
`,
      'gateway.yaml': `apiVersion: v1
kind: Service
metadata: {name: egress, namespace: istio-system, labels: {istio: egressgateway}}
spec:
  selector: {istio: egressgateway}
  ports: [{name: http2, port: 80, targetPort: 8080}]
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: egress, namespace: istio-system}
spec:
  selector: {istio: egressgateway}
  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: [api.example.com]}]
`,
      // Sidecars: 80 to the egress gateway, 20 straight out, 0 (no traffic) to old.example.com.
      // The gateway: 3 parts to api.example.com, 1 to backup.example.com.
      'vs.yaml': `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: api, namespace: istio-system}
spec:
  hosts: [api.example.com]
  gateways: [mesh, egress]
  http:
  - match: [{gateways: [mesh], port: 80}]
    route:
    - {destination: {host: egress.istio-system.svc.cluster.local, port: {number: 80}}, weight: 80}
    - {destination: {host: api.example.com, port: {number: 80}}, weight: 20}
    - {destination: {host: old.example.com, port: {number: 80}}, weight: 0}
  - match: [{gateways: [egress], port: 80}]
    route:
    - {destination: {host: api.example.com, port: {number: 80}}, weight: 3}
    - {destination: {host: backup.example.com, port: {number: 80}}, weight: 1}
`,
    });
    const map = await mapOf(dir, dir);
    checkContract(map);
    const split = map.routes.filter((r) => r.client.name === 'curl' && r.host === 'api.example.com');
    expect(split.map((r) => `${r.id} ${r.hops.map((h) => `${h.kind}>${h.to ?? ''}${h.weight !== undefined ? ` ${h.weight}%` : ''}`).join(' ')}`)).toEqual([
      'apps/Deployment/curl->api.example.com:80 sidecar>egress.istio-system.svc.cluster.local 80% egress-gateway>api.example.com 75% upstream>api.example.com',
      'apps/Deployment/curl->api.example.com:80#2 sidecar>egress.istio-system.svc.cluster.local 80% egress-gateway>backup.example.com 25% upstream>backup.example.com',
      'apps/Deployment/curl->api.example.com:80#3 sidecar>api.example.com 20% upstream>api.example.com',
    ]);
    expect(split.every((r) => r.outcome === 'allowed')).toBe(true);
    // Each branch's hops name the rule that split it.
    expect(split[0]!.hops[0]!.via!.resource).toBe('VirtualService istio-system/api');
    const g = buildGraph(map);
    const label = (from: string, to: string) => g.edges.filter((e) => g.nodes.find((n) => n.id === e.from)!.label === from && g.nodes.find((n) => n.id === e.to)!.label === to).map((e) => e.tls);
    // No DestinationRule TLS toward the gateway, whose pods carry no security.istio.io/tlsMode label: plaintext.
    expect(label('Deployment apps/curl', 'istio-system/egress')).toEqual(['plaintext 80%']);
    expect(label('Deployment apps/curl', 'api.example.com')).toEqual(['plaintext 20%']);
    expect(label('istio-system/egress', 'backup.example.com')).toEqual(['plaintext 25%']);
  });

  it('weighted splits of a Gateway API route attached to a ServiceEntry: backend weight over the sum of the rule\'s weights', async () => {
    const dir = tempTree({
      'client.yaml': client('apps'),
      'se.yaml': `${entry('apps')}---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: backup, namespace: apps}
spec:
  hosts: [backup.example.com]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: DNS
`,
      'route.yaml': `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: api, namespace: apps}
spec:
  parentRefs: [{kind: ServiceEntry, group: networking.istio.io, name: api}]
  rules:
  - backendRefs:
    - {kind: Hostname, group: networking.istio.io, name: api.example.com, port: 80, weight: 3}
    - {kind: Hostname, group: networking.istio.io, name: backup.example.com, port: 80}
`,
    });
    const map = await mapOf(dir, dir);
    checkContract(map);
    const split = map.routes.filter((r) => r.client.name === 'curl' && r.host === 'api.example.com');
    expect(split.map((r) => `${r.hops[0]!.to} ${r.hops[0]!.weight} ${r.hops[0]!.via!.resource}`)).toEqual(['api.example.com 75 HTTPRoute apps/api', 'backup.example.com 25 HTTPRoute apps/api']);
  });

  it('ambient: a waypoint whose route sends the host to an egress gateway forwards it there (ztunnel → waypoint → egress gateway → host)', async () => {
    const dir = tempTree({
      'ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: egress\n  labels: {istio.io/dataplane-mode: ambient}\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n  labels: {istio.io/dataplane-mode: ambient}\n',
      'client.yaml': client('apps'),
      'se.yaml': entry('egress', '\n  labels: {istio.io/use-waypoint: waypoint}'),
      'waypoint.yaml': `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: waypoint, namespace: egress}
spec:
  gatewayClassName: istio-waypoint
  listeners:
  - {name: mesh, port: 15008, protocol: HBONE, allowedRoutes: {namespaces: {from: All}}}
`,
      'gateway.yaml': `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: api-egress, namespace: egress}
spec:
  gatewayClassName: istio
  listeners:
  - {name: http, hostname: api.example.com, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: Same}}}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: to-egress-gateway, namespace: egress}
spec:
  parentRefs: [{kind: ServiceEntry, group: networking.istio.io, name: api}]
  rules:
  - backendRefs: [{name: api-egress-istio, port: 80}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: from-egress-gateway, namespace: egress}
spec:
  parentRefs: [{name: api-egress}]
  hostnames: [api.example.com]
  rules:
  - backendRefs: [{kind: Hostname, group: networking.istio.io, name: api.example.com, port: 80}]
`,
    });
    const map = await mapOf(dir, dir);
    checkContract(map);
    const r = route(map, 'apps/Deployment/curl->api.example.com:80');
    expect(r.hops.map((h) => `${h.kind}>${h.to ?? ''}:${h.tls?.mode ?? ''}`)).toEqual([
      'ztunnel>waypoint.egress:hbone',
      'waypoint>api-egress-istio.egress.svc.cluster.local:istio-mutual',
      'egress-gateway>api.example.com:plaintext',
      'upstream>api.example.com:',
    ]);
    expect(r.hops[1]).toMatchObject({ gateway: 'egress/waypoint', via: { resource: 'HTTPRoute egress/to-egress-gateway' } });
    expect(r.hops[2]).toMatchObject({ gateway: 'egress/api-egress', via: { resource: 'HTTPRoute egress/from-egress-gateway' } });
    expect(r.outcome).toBe('allowed');
    expect(r.reason).toBe('Through waypoint egress/waypoint (no AuthorizationPolicy restricts it), then through Gateway API gateway egress/api-egress.');
    const g = buildGraph(map);
    expect(g.nodes.filter((n) => n.layer === 1).map((n) => `${n.kind} ${n.label}`).sort()).toEqual(['egress-gateway egress/api-egress', 'waypoint egress/waypoint']);
  });

  it('ambient without a waypoint: ztunnel sends it straight out (passthrough)', async () => {
    const dir = tempTree({
      'ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n  labels: {istio.io/dataplane-mode: ambient}\n',
      'client.yaml': client('apps'),
      'se.yaml': entry('apps'),
    });
    const map = await mapOf(dir, dir);
    const r = route(map, 'apps/Deployment/curl->api.example.com:80');
    expect(r.hops.map((h) => h.kind)).toEqual(['ztunnel', 'upstream']);
    expect(r.outcome).toBe('passthrough');
  });

  it('outside the mesh: no proxy, passthrough; unregistered under ALLOW_ANY: passthrough from the sidecar', async () => {
    const dir = tempTree({
      'ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: plain\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n  labels: {istio-injection: enabled}\n',
      'a.yaml': client('plain'),
      'b.yaml': client('apps'),
    });
    const map = await mapOf(dir, dir);
    expect(route(map, 'plain/Deployment/curl->api.example.com:80')).toMatchObject({ dataPlane: 'none', outcome: 'passthrough', registry: 'missing' });
    expect(route(map, 'plain/Deployment/curl->api.example.com:80').hops.map((h) => h.kind)).toEqual(['upstream']);
    const meshed = route(map, 'apps/Deployment/curl->api.example.com:80');
    expect(meshed).toMatchObject({ dataPlane: 'sidecar', outcome: 'passthrough', registry: 'missing' });
    expect(meshed.hops.map((h) => h.kind)).toEqual(['sidecar', 'upstream']);
  });

  it.runIf(existsSync(CORPUS))("Gateway API egress gateway (istio.io task): HTTPRoute on the ServiceEntry → the Gateway's Service → HTTPRoute onward", async () => {
    const src = path.join(CORPUS, 'gateway-api-ambient/istio-io-gateway-api');
    const files: Record<string, string> = { 'client.yaml': client('default').replace('http://api.example.com/x', 'http://edition.cnn.com/politics') };
    for (const f of ['egress-gateway__1.yaml', 'egress-gateway__2.yaml', 'egress-gateway__3.yaml']) files[f] = readFileSync(path.join(src, f), 'utf8');
    const dir = tempTree(files);
    const map = await mapOf(dir, dir);
    checkContract(map);
    const r = route(map, 'default/Deployment/curl->edition.cnn.com:80');
    expect(r.hops.map((h) => h.kind)).toEqual(['sidecar', 'egress-gateway', 'upstream']);
    expect(r.hops[0]).toMatchObject({ to: 'cnn-egress-gateway-istio.default.svc.cluster.local', port: 80, via: { resource: 'HTTPRoute default/direct-cnn-to-egress-gateway' } });
    expect(r.hops[1]).toMatchObject({ gateway: 'default/cnn-egress-gateway', to: 'edition.cnn.com', via: { resource: 'HTTPRoute default/forward-cnn-from-egress-gateway' } });
    expect(r.outcome).toBe('allowed');
  });
});

describe('graph: command line', () => {
  it('writes --output, refuses an unknown format and an input as output', async () => {
    const dir = tempTree({ 'a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {}\n' });
    const ok = await graph(['.', '--format', 'mermaid', '--output', 'map.mmd'], dir);
    expect(ok).toMatchObject({ code: 0, stdout: '' });
    expect(readFileSync(path.join(dir, 'map.mmd'), 'utf8').startsWith('flowchart LR')).toBe(true);
    const bad = await graph(['.', '--format', 'svg'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('mesh-egress-lint: unknown --format "svg" for graph (json, mermaid, dot, html)\n');
    const overwrite = await graph(['.', '--output', 'a.yaml'], dir);
    expect(overwrite.code).toBe(2);
    expect(overwrite.stderr).toContain('refusing to overwrite');
    const empty = await graph([tempTree({})], dir);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/^mesh-egress-lint: nothing to map/);
  });
});

describe('graph: documentation', () => {
  it("the README's Mermaid map is what the command prints for that example set", async () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const block = /The map of `(examples\/[^`]+)`[\s\S]*?```mermaid\n([\s\S]*?)```/.exec(readme);
    expect(block).not.toBeNull();
    expect((await graph([block![1]!, '--format', 'mermaid'])).stdout).toBe(block![2]);
  });

  it('the JSON example of docs/egress-map.md follows the schema and is what the command prints for its set', async () => {
    const doc = readFileSync(path.join(ROOT, 'docs/egress-map.md'), 'utf8');
    const json = JSON.parse(/```json\n([\s\S]*?)```/.exec(doc)![1]!) as EgressMap;
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
    const actual = await mapOf('examples/egress-gateway-per-upstream/good');
    expect(json).toEqual({ ...actual, tool: json.tool });
  });
});
