// Schema checks (src/schema/validate.ts over the generated validators) on hand-made resources and
// on the shared corpus.
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { configIssues, schemaIssues, suggestName, type SchemaIssue } from '../src/schema/validate.js';
import type { JsonObject, ParsedDocument, Resource } from '../src/types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const CORPUS = path.resolve(here, '../../shared/corpus');

const stubDoc: ParsedDocument = {
  file: { path: '/tmp/test.yaml', displayPath: 'test.yaml' },
  index: 0,
  value: undefined,
  basePath: [],
  locate: () => ({ line: 1, column: 1, endLine: 1, endColumn: 1 }),
  range: { line: 1, column: 1, endLine: 1, endColumn: 1 },
};

/** A Resource as the model builds it, enough for schemaIssues. */
function resource(raw: unknown): Resource {
  const obj = (typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? raw : {}) as JsonObject;
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  const slash = apiVersion.indexOf('/');
  const meta = (typeof obj.metadata === 'object' && obj.metadata !== null ? obj.metadata : {}) as JsonObject;
  const kind = typeof obj.kind === 'string' ? obj.kind : '';
  const name = typeof meta.name === 'string' ? meta.name : '';
  return {
    apiVersion,
    group: slash === -1 ? '' : apiVersion.slice(0, slash),
    version: slash === -1 ? apiVersion : apiVersion.slice(slash + 1),
    kind,
    name,
    namespace: 'default',
    namespaceExplicit: false,
    labels: {},
    annotations: {},
    raw: obj,
    spec: (typeof obj.spec === 'object' && obj.spec !== null && !Array.isArray(obj.spec) ? obj.spec : {}) as JsonObject,
    doc: { ...stubDoc, value: raw },
    ref: `${kind} default/${name}`,
  };
}

function issuesOf(yamlText: string): SchemaIssue[] {
  return parseAllDocuments(yamlText).flatMap((d) => schemaIssues(resource(d.toJS())));
}

const se = (spec: unknown, apiVersion = 'networking.istio.io/v1') => ({ apiVersion, kind: 'ServiceEntry', metadata: { name: 'x' }, spec });

describe('corpus', () => {
  /** Corpus files (relative to the corpus root) whose README expectation starts with `word`. */
  function filesMarked(word: string): string[] {
    const readme = readFileSync(path.join(CORPUS, 'README.md'), 'utf8');
    const out: string[] = [];
    let folder = '';
    for (const line of readme.split('\n')) {
      const heading = /^## (istio-io|istio-samples)\//.exec(line);
      if (heading) folder = heading[1] ?? '';
      const row = /^\| `([^`]+)` \| [^|]* \| ([^|]*)\|/.exec(line);
      if (row && folder && row[2]?.trim().startsWith(word)) out.push(`${folder}/${row[1]}`);
    }
    return out;
  }

  function allYaml(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? allYaml(path.join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [path.join(dir, e.name)] : [],
    );
  }

  const correct = filesMarked('NO');

  it('finds the README rows', () => {
    expect(correct.length).toBeGreaterThan(40);
    for (const f of [
      'istio-io/tasks-egress-control__2.yaml',
      'istio-io/tasks-egress-gateway__6.yaml',
      'istio-io/tasks-egress-tls-origination__2.yaml',
      'istio-io/blog-2022-egress-policies__10.yaml',
      'istio-samples/samples/external/github.yaml',
      'istio-samples/samples/external/pypi.yaml',
    ]) {
      expect(correct).toContain(f);
    }
  });

  it.each(correct)('%s (marked NO) has no schema issue', (file) => {
    expect(issuesOf(readFileSync(path.join(CORPUS, file), 'utf8'))).toEqual([]);
  });

  it('accepts the samples/external files, including the MAYBE one', () => {
    for (const f of ['aptget.yaml', 'github.yaml', 'pypi.yaml']) {
      expect(issuesOf(readFileSync(path.join(CORPUS, 'istio-samples/samples/external', f), 'utf8'))).toEqual([]);
    }
  });

  it('reports exactly the documented schema defects of the whole corpus, without throwing', () => {
    const flagged = new Set<string>();
    for (const file of allYaml(CORPUS)) {
      for (const issue of issuesOf(readFileSync(file, 'utf8'))) {
        flagged.add(`${path.basename(file)} ${issue.message.split(':')[0]}`);
      }
    }
    expect([...flagged].sort()).toEqual([
      'blog-2018-egress-https__1.yaml Unknown field "sni_hosts" in VirtualService spec.tls[0].match[0]',
      'blog-2018-egress-mongo__12.yaml Unknown field "sni_hosts" in VirtualService spec.tls[0].match[0]',
      'blog-2018-egress-mongo__6.yaml Unknown field "sni_hosts" in VirtualService spec.tls[0].match[0]',
      'blog-2018-egress-mongo__7.yaml Unknown field "sni_hosts" in VirtualService spec.tls[0].match[0]',
      'blog-2018-egress-mongo__7.yaml Unknown field "sni_hosts" in VirtualService spec.tls[1].match[0]',
      // On-demand egress gateways blog: the doc bug (YES) and the removed addonComponents (MAYBE row:
      // "schema errors on current istioctl").
      'blog-2020-on-demand-egress-gateways__1.yaml Unknown field "egressGateways" in IstioOperator spec',
      'blog-2020-on-demand-egress-gateways__2.yaml Unknown field "addonComponents" in IstioOperator spec',
      'tasks-egress-proxy__4.yaml Unknown field "sni_hosts" in VirtualService spec.tls[0].match[0]',
      'tasks-egress-proxy__4.yaml Unknown field "sni_hosts" in VirtualService spec.tls[1].match[0]',
    ]);
  });
});

describe('unknown fields', () => {
  it('suggests sniHosts for sni_hosts, at the key, without a second "missing sniHosts" finding', () => {
    const issues = schemaIssues(
      resource({
        apiVersion: 'networking.istio.io/v1alpha3',
        kind: 'VirtualService',
        metadata: { name: 'vs' },
        spec: { hosts: ['a.example.com'], tls: [{ match: [{ port: 443, sni_hosts: ['a.example.com'] }], route: [{ destination: { host: 'a.example.com' } }] }] },
      }),
    );
    expect(issues).toEqual([
      {
        path: ['spec', 'tls', 0, 'match', 0, 'sni_hosts'],
        target: 'key',
        message:
          'Unknown field "sni_hosts" in VirtualService spec.tls[0].match[0]: the API server drops or rejects it (Istio CRDs prune unknown fields since 1.6); did you mean "sniHosts"?',
      },
    ]);
  });

  it('suggests by edit distance and by case, and stays quiet when nothing is close', () => {
    expect(suggestName('hots', ['hosts', 'ports'])).toBe('hosts');
    expect(suggestName('exportto', ['exportTo'])).toBe('exportTo');
    expect(suggestName('tsl', ['tls', 'tcp', 'http'])).toBe('tls');
    expect(suggestName('workload_selector', ['workloadSelector'])).toBe('workloadSelector');
    expect(suggestName('zzzzzz', ['hosts', 'ports'])).toBeUndefined();
    const [issue] = schemaIssues(resource(se({ hosts: ['a.com'], resolutoin: 'DNS' })));
    expect(issue?.message).toMatch(/Unknown field "resolutoin" in ServiceEntry spec: .*did you mean "resolution"\?$/);
    expect(issue?.path).toEqual(['spec', 'resolutoin']);
  });

  it('flags unknown fields deep inside shared definitions (DestinationRule port-level TLS)', () => {
    const issues = schemaIssues(
      resource({
        apiVersion: 'networking.istio.io/v1beta1',
        kind: 'DestinationRule',
        metadata: { name: 'dr' },
        spec: {
          host: 'a.example.com',
          subsets: [{ name: 'v1', trafficPolicy: { portLevelSettings: [{ port: { number: 443 }, tls: { mode: 'SIMPLE', subject_alt_names: ['x'] } }] } }],
        },
      }),
    );
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toEqual(['spec', 'subsets', 0, 'trafficPolicy', 'portLevelSettings', 0, 'tls', 'subject_alt_names']);
    expect(issues[0]?.message).toContain('in DestinationRule spec.subsets[0].trafficPolicy.portLevelSettings[0].tls:');
    expect(issues[0]?.message).toContain('did you mean "subjectAltNames"?');
  });

  it('says when a spec field was written at the top level', () => {
    const issues = schemaIssues(resource({ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'x' }, spec: { hosts: ['a.com'] }, ports: [] }));
    expect(issues).toEqual([
      { path: ['ports'], target: 'key', message: expect.stringMatching(/^Unknown field "ports" in ServiceEntry: .*; it belongs under spec$/) as unknown as string },
    ]);
  });

  it('flags spec.egressGateways in an IstioOperator and points to spec.components.egressGateways', () => {
    const issues = schemaIssues(
      resource({ apiVersion: 'install.istio.io/v1alpha1', kind: 'IstioOperator', spec: { egressGateways: [{ name: 'eg', enabled: true }] } }),
    );
    expect(issues).toEqual([
      {
        path: ['spec', 'egressGateways'],
        target: 'key',
        message: 'Unknown field "egressGateways" in IstioOperator spec: istioctl install rejects it; it belongs in spec.components.egressGateways',
      },
    ]);
  });

  it('keeps IstioOperator open elsewhere but checks the outbound policy and egressGateways', () => {
    const ok = {
      apiVersion: 'install.istio.io/v1alpha1',
      kind: 'IstioOperator',
      spec: {
        profile: 'demo',
        meshConfig: { accessLogFile: '/dev/stdout', outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } },
        components: { egressGateways: [{ name: 'istio-egressgateway', enabled: true, k8s: { hpaSpec: {} } }], pilot: { k8s: {} } },
        values: { global: { anything: true } },
      },
    };
    expect(schemaIssues(resource(ok))).toEqual([]);
    const bad = structuredClone(ok);
    bad.spec.meshConfig.outboundTrafficPolicy.mode = 'REGISTRY-ONLY';
    (bad.spec.components as JsonObject).egressGateways = { name: 'x' };
    const messages = schemaIssues(resource(bad)).map((i) => i.message);
    expect(messages).toEqual([
      '"REGISTRY-ONLY" is not a valid outboundTrafficPolicy.mode (ALLOW_ANY, REGISTRY_ONLY, ALLOW_ANY_DYNAMIC_DNS); did you mean "REGISTRY_ONLY"?',
      'spec.components.egressGateways must be an array of objects, not an object',
    ]);
  });

  it('leaves metadata and status open', () => {
    const raw = se({ hosts: ['a.com'] });
    Object.assign(raw.metadata, { uid: 'u', generation: 3, managedFields: [{}], labels: { app: 'x' } });
    expect(schemaIssues(resource({ ...raw, status: { whatever: [1, 2] } }))).toEqual([]);
  });
});

describe('enums', () => {
  it('suggests ISTIO_MUTUAL for ISTIO_MUTAL', () => {
    const issues = schemaIssues(
      resource({
        apiVersion: 'networking.istio.io/v1',
        kind: 'DestinationRule',
        metadata: { name: 'dr' },
        spec: { host: 'a.example.com', trafficPolicy: { tls: { mode: 'ISTIO_MUTAL' } } },
      }),
    );
    expect(issues).toEqual([
      {
        path: ['spec', 'trafficPolicy', 'tls', 'mode'],
        target: 'value',
        message: '"ISTIO_MUTAL" is not a valid tls.mode (DISABLE, SIMPLE, MUTUAL, ISTIO_MUTUAL); did you mean "ISTIO_MUTUAL"?',
      },
    ]);
  });

  it('suggests DNS for DSN, and the right case for dns', () => {
    expect(schemaIssues(resource(se({ hosts: ['a.com'], resolution: 'DSN' }))).map((i) => i.message)).toEqual([
      '"DSN" is not a valid resolution (NONE, STATIC, DNS, DNS_ROUND_ROBIN, DYNAMIC_DNS); did you mean "DNS"?',
    ]);
    expect(schemaIssues(resource(se({ hosts: ['a.com'], resolution: 'dns' })))[0]?.message).toContain('did you mean "DNS"?');
  });

  it('checks Gateway, Sidecar and PeerAuthentication modes', () => {
    const gw = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'g' },
      spec: { selector: { istio: 'egressgateway' }, servers: [{ port: { number: 443, name: 'tls', protocol: 'TLS' }, hosts: ['a.com'], tls: { mode: 'PASSTROUGH' } }] },
    };
    expect(schemaIssues(resource(gw)).map((i) => i.message)).toEqual([
      '"PASSTROUGH" is not a valid tls.mode (PASSTHROUGH, SIMPLE, MUTUAL, AUTO_PASSTHROUGH, ISTIO_MUTUAL, OPTIONAL_MUTUAL); did you mean "PASSTHROUGH"?',
    ]);
    const sc = { apiVersion: 'networking.istio.io/v1', kind: 'Sidecar', metadata: { name: 's' }, spec: { outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' }, egress: [{ hosts: ['./*'] }] } };
    expect(schemaIssues(resource(sc))).toEqual([]);
    sc.spec.outboundTrafficPolicy.mode = 'ALLOW_ALL';
    expect(schemaIssues(resource(sc))[0]?.message).toMatch(/^"ALLOW_ALL" is not a valid outboundTrafficPolicy\.mode \(REGISTRY_ONLY, ALLOW_ANY\); did you mean "ALLOW_ANY"\?$/);
    const pa = { apiVersion: 'security.istio.io/v1beta1', kind: 'PeerAuthentication', metadata: { name: 'p' }, spec: { mtls: { mode: 'STRICT' } } };
    expect(schemaIssues(resource(pa))).toEqual([]);
    pa.spec.mtls.mode = 'strict';
    expect(schemaIssues(resource(pa))[0]?.message).toContain('did you mean "STRICT"?');
  });

  it('accepts port protocols in any case, and suggests for unknown ones', () => {
    const spec = (protocol: string) => ({ hosts: ['a.com'], ports: [{ number: 443, name: 'p', protocol }] });
    for (const p of ['tcp', 'https', 'HTTPS', 'Http2', 'grpc-web', 'TLS', 'mongo']) {
      expect(schemaIssues(resource(se(spec(p)))), p).toEqual([]);
    }
    expect(schemaIssues(resource(se(spec('htps'))))).toEqual([
      {
        path: ['spec', 'ports', 0, 'protocol'],
        target: 'value',
        message: '"htps" is not a valid protocol (HTTP, HTTPS, GRPC, GRPC-WEB, HTTP2, HTTP_PROXY, MONGO, MYSQL, REDIS, TCP, TLS, UDP, in any case); did you mean "HTTPS"?',
      },
    ]);
  });

  it('keeps Kubernetes Service protocols case-sensitive', () => {
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80, protocol: 'tcp' }] } };
    expect(schemaIssues(resource(svc))[0]?.message).toBe('"tcp" is not a valid protocol (TCP, UDP, SCTP); did you mean "TCP"?');
  });
});

describe('types and required fields', () => {
  it('words wrong types at the node', () => {
    expect(schemaIssues(resource(se({ hosts: 5 })))).toEqual([
      { path: ['spec', 'hosts'], target: 'value', message: 'spec.hosts must be an array of strings, not a number' },
    ]);
    expect(schemaIssues(resource(se({ hosts: 'a.com' })))[0]?.message).toBe('spec.hosts must be an array of strings, not a string');
    expect(schemaIssues(resource(se({ hosts: ['a.com'], ports: {} })))[0]?.message).toBe('spec.ports must be an array of objects, not an object');
    expect(schemaIssues(resource(se({ hosts: ['a.com'], ports: [{ number: '443', name: 'https' }] })))[0]).toEqual({
      path: ['spec', 'ports', 0, 'number'],
      target: 'value',
      message: 'spec.ports[0].number must be an integer, not a string',
    });
    expect(schemaIssues(resource(se('x')))[0]?.message).toBe('spec must be an object (key: value pairs), not a string');
  });

  it('reports port ranges', () => {
    expect(schemaIssues(resource(se({ hosts: ['a.com'], ports: [{ number: 70000, name: 'x' }] })))[0]?.message).toBe(
      'spec.ports[0].number must be between 1 and 65535, not 70000',
    );
  });

  it('points a missing required field at its parent', () => {
    expect(schemaIssues(resource(se({ ports: [{ number: 80, name: 'http' }] })))).toEqual([
      { path: ['spec'], target: 'key', message: 'ServiceEntry spec is missing required field "hosts"' },
    ]);
    expect(schemaIssues(resource(se({ hosts: ['a.com'], ports: [{ number: 80 }] })))).toEqual([
      { path: ['spec', 'ports', 0], target: 'value', message: 'ServiceEntry spec.ports[0] is missing required field "name"' },
    ]);
    expect(schemaIssues(resource({ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'x' } }))).toEqual([
      { path: ['kind'], target: 'key', message: 'ServiceEntry is missing required field "spec"' },
    ]);
  });

  it('treats null like the API server: pruned, so only required fields complain', () => {
    expect(schemaIssues(resource(se({ hosts: ['a.com'], exportTo: null, location: null })))).toEqual([]);
    expect(schemaIssues(resource(se({ hosts: null })))).toEqual([
      { path: ['spec', 'hosts'], target: 'value', message: 'spec.hosts is empty, but it is required' },
    ]);
  });

  it('checks ConfigMap data values are strings', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { url: 'https://a.com', port: 8080, debug: true } };
    expect(schemaIssues(resource(cm))).toEqual([
      { path: ['data', 'port'], target: 'value', message: 'data.port must be a string, not a number' },
      { path: ['data', 'debug'], target: 'value', message: 'data.debug must be a string, not a boolean (true)' },
    ]);
  });

  it('checks label values are strings', () => {
    const raw = se({ hosts: ['a.com'] });
    Object.assign(raw.metadata, { labels: { version: 2 } });
    expect(schemaIssues(resource(raw))[0]?.message).toBe('metadata.labels.version must be a string, not a number');
  });

  it('checks selectorless Service, Endpoints and EndpointSlice shapes', () => {
    const docs = `
apiVersion: v1
kind: Service
metadata: {name: db}
spec:
  ports:
  - name: tcp
    port: 5432
    targetPort: db-port
---
apiVersion: v1
kind: Endpoints
metadata: {name: db}
subsets:
- addresses:
  - ip: 192.0.2.10
  ports:
  - name: tcp
    port: 5432
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: db-1
  labels: {kubernetes.io/service-name: db}
addressType: IPv4
endpoints:
- addresses: [192.0.2.10]
  conditions: {ready: true}
ports:
- name: tcp
  port: 5432
  protocol: TCP
`;
    expect(issuesOf(docs)).toEqual([]);
    expect(issuesOf(docs.replace('- ip: 192.0.2.10', '- address: 192.0.2.10')).map((i) => i.message)).toEqual([
      'Endpoints subsets[0].addresses[0] is missing required field "ip"',
      'Unknown field "address" in Endpoints subsets[0].addresses[0]: the API server rejects it, or drops it when field validation is off',
    ]);
  });
});

describe('rules written as CEL in the CRDs', () => {
  it('rejects mutually exclusive fields once', () => {
    const issues = schemaIssues(
      resource(se({ hosts: ['a.com'], resolution: 'STATIC', workloadSelector: { labels: { app: 'x' } }, endpoints: [{ address: '192.0.2.1' }] })),
    );
    expect(issues.map((i) => i.message)).toEqual(['ServiceEntry spec sets both "endpoints" and "workloadSelector": only one of them may be set']);
    const vs = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'v' },
      spec: { hosts: ['a.com'], http: [{ match: [{ uri: { exact: '/a', prefix: '/' } }], route: [{ destination: { host: 'a.com' } }] }] },
    };
    expect(schemaIssues(resource(vs)).map((i) => i.message)).toEqual([
      'VirtualService spec.http[0].match[0].uri sets both "exact" and "prefix": only one of them may be set',
    ]);
  });

  it('rejects endpoints under resolution NONE, CIDRs with DNS, and the bare "*" host', () => {
    expect(schemaIssues(resource(se({ hosts: ['a.com'], endpoints: [{ address: '192.0.2.1' }] })))[0]?.message).toBe(
      'spec.endpoints: endpoints cannot be set with resolution NONE (the default); use STATIC or DNS',
    );
    expect(schemaIssues(resource(se({ hosts: ['a.com'], addresses: ['10.0.0.0/8'], resolution: 'DNS' })))[0]?.message).toBe(
      'spec.resolution "DNS": CIDR addresses are allowed only with resolution NONE or STATIC',
    );
    expect(schemaIssues(resource(se({ hosts: ['*'] })))[0]?.message).toBe('spec.hosts[0] "*": a ServiceEntry host cannot be "*" alone');
    expect(schemaIssues(resource(se({ hosts: ['a.com'], addresses: ['10.0.0.0/8'], resolution: 'STATIC', endpoints: [{ address: '10.0.0.1' }] })))).toEqual([]);
  });

  it('checks durations', () => {
    const dr = (connectTimeout: unknown) => ({
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'd' },
      spec: { host: 'a.com', trafficPolicy: { connectionPool: { tcp: { connectTimeout } } } },
    });
    expect(schemaIssues(resource(dr('10s')))).toEqual([]);
    expect(schemaIssues(resource(dr('1m30.5s')))).toEqual([]);
    expect(schemaIssues(resource(dr(10)))[0]?.message).toBe(
      'spec.trafficPolicy.connectionPool.tcp.connectTimeout must be a string, not a number; expected a duration of at least 1ms, such as "5s" or "1m30s"',
    );
    expect(schemaIssues(resource(dr('10 seconds')))[0]?.message).toBe(
      'spec.trafficPolicy.connectionPool.tcp.connectTimeout "10 seconds": expected a duration of at least 1ms, such as "5s" or "1m30s"',
    );
  });

  it('checks label selector keys and port keys', () => {
    const pa = {
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata: { name: 'p' },
      spec: { selector: { matchLabels: { app: 'db' } }, portLevelMtls: { '5432': { mode: 'DISABLE' }, '70000': { mode: 'DISABLE' } } },
    };
    expect(schemaIssues(resource(pa))).toEqual([
      {
        path: ['spec', 'portLevelMtls', '70000'],
        target: 'key',
        message: 'Key "70000" in spec.portLevelMtls is invalid: keys must be port numbers between 1 and 65535',
      },
    ]);
    delete (pa.spec as JsonObject).selector;
    expect(schemaIssues(resource(pa)).map((i) => i.message)).toContain(
      'PeerAuthentication spec is missing required field "selector": portLevelMtls needs a selector with matchLabels',
    );
  });
});

describe('kinds without a schema', () => {
  it('ignores Gateway API Gateways, unknown kinds and unknown versions', () => {
    const gwapi = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'g' },
      spec: { gatewayClassName: 'istio', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] },
    };
    expect(schemaIssues(resource(gwapi))).toEqual([]);
    expect(schemaIssues(resource({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { bogus: 1 } }))).toEqual([]);
    expect(schemaIssues(resource({ apiVersion: 'networking.istio.io/v9', kind: 'ServiceEntry', spec: 5 }))).toEqual([]);
    expect(schemaIssues(resource({ apiVersion: 'example.com/v1', kind: 'ServiceEntry', spec: 5 }))).toEqual([]);
    expect(schemaIssues(resource({ apiVersion: 'v1', kind: 'constructor', spec: 5 }))).toEqual([]);
    expect(schemaIssues(resource({ apiVersion: 'v1', kind: '__proto__' }))).toEqual([]);
  });
});

describe('garbage in, no exception out', () => {
  const deep = (n: number): unknown => (n === 0 ? 'x' : { a: deep(n - 1) });
  const deepArray = (n: number): unknown => (n === 0 ? [] : [deepArray(n - 1)]);
  const cyclic: JsonObject = { hosts: ['a.com'] };
  cyclic.self = cyclic;
  const specs: unknown[] = [
    'x',
    5,
    [],
    true,
    null,
    { hosts: 5 },
    { hosts: [5, null, {}, []], ports: {} },
    { hosts: ['a.com'], ports: [null, 1, 'x', { number: 1e308 }, { number: -1 }, { number: Number.NaN }, { number: Infinity }] },
    { hosts: ['a.com'], ports: [{ number: Number.MAX_SAFE_INTEGER * 1024, name: 'x'.repeat(100_000) }] },
    { hosts: ['a.com'], endpoints: deep(5000) },
    { hosts: deepArray(5000) },
    { hosts: ['a.com'], location: { nested: deep(300) }, resolution: 12 },
    cyclic,
    { ['__proto__']: { polluted: true }, hosts: ['a.com'] },
    Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`k_${i}`, i])),
  ];
  it.each(specs.map((s, i) => [i, s]))('spec #%i', (_, spec) => {
    for (const kind of ['ServiceEntry', 'DestinationRule', 'VirtualService', 'Gateway', 'Sidecar', 'WorkloadEntry']) {
      const issues = schemaIssues(resource({ apiVersion: 'networking.istio.io/v1', kind, metadata: { name: 'x' }, spec }));
      expect(Array.isArray(issues)).toBe(true);
      for (const i of issues) {
        expect(typeof i.message).toBe('string');
        expect(i.message.length).toBeLessThan(1000);
      }
    }
  });

  it('survives odd top-level values and metadata', () => {
    for (const raw of [{ apiVersion: 'v1', kind: 'ConfigMap', data: 'x', metadata: 'y' }, { apiVersion: 'v1', kind: 'Service', spec: [] }, {}]) {
      expect(() => schemaIssues(resource(raw))).not.toThrow();
    }
    const r = resource({ apiVersion: 'v1', kind: 'Namespace' });
    (r as { raw: unknown }).raw = undefined;
    expect(() => schemaIssues(r)).not.toThrow();
  });
});

describe('config file schema', () => {
  it('accepts a full config and words mistakes', () => {
    expect(
      configIssues({
        rules: { 'schema-violation': 'warning', 'missing-service-entry': { severity: 'error', options: { x: 1 } }, 'x-y': 'off' },
        ignorePaths: ['charts/**'],
        namespace: 'shop',
        istioVersion: '1.22',
        meshConfig: { outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' }, rootNamespace: 'istio-system' },
        context: ['cluster/'],
        failOn: 'warning',
      }),
    ).toEqual([]);
    expect(configIssues({ meshConfig: 'mesh.yaml', context: 'ctx' })).toEqual([]);
    expect(configIssues({ failOn: 'warn', ignorePath: [], istioVersion: '1.22.3' }).map((i) => i.message)).toEqual([
      'Unknown key "ignorePath" of the config file: mesh-egress-lint does not know it; did you mean "ignorePaths"?',
      'istioVersion "1.22.3" does not match ^\\d+\\.\\d+$',
      '"warn" is not a valid failOn (error, warning, info, never); did you mean "warning"?',
    ]);
    expect(() => configIssues('x')).not.toThrow();
    expect(configIssues(null)).toEqual([{ path: [], target: 'value', message: 'the config file must be an object (key: value pairs), not null' }]);
  });
});
