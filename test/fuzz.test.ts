// Property-based fuzzing of the whole pipeline (load → model → every rule → locate → report):
// random documents of the modelled kinds — valid, mutated and garbage — spread over a few files.
// For every input: no exception escapes and no rule crashes ("internal error in rule X"), the exit
// code is 0 or 1, json and sarif parse, text and github output hold no raw control characters,
// every file is accounted for, and a second run gives byte-identical output in every format.
//
//   npx vitest run test/fuzz.test.ts                          # 100 runs (CI)
//   MEL_FUZZ_RUNS=5000 npx vitest run test/fuzz.test.ts       # longer
//   MEL_FUZZ_SEED=123 MEL_FUZZ_RUNS=1 …                       # replay the seed a failure printed
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import { lintPaths, runCli } from './helpers.js';

const RUNS = Number(process.env.MEL_FUZZ_RUNS ?? 100);
const SEED = process.env.MEL_FUZZ_SEED === undefined ? undefined : Number(process.env.MEL_FUZZ_SEED);
const FORMATS = ['json', 'sarif', 'text', 'github'] as const;

// ------------------------------------------------------------------------------------------------
// Value pools: small, so that resources refer to each other (hosts, gateways, subsets, selectors),
// with the awkward values mixed in (prototype keys, wildcards, bad addresses, control characters).

const NAMESPACES = ['default', 'istio-system', 'egress', 'shop', '__proto__', 'constructor', ''];
const NAMES = ['a', 'b', 'istio-egressgateway', 'istio', 'istio-1-22', 'egress-gw', 'constructor', 'toString', '', 'x'.repeat(300)];
const HOSTS = [
  'api.example.com',
  '*.example.com',
  '*',
  'a',
  'a.default.svc.cluster.local',
  'istio-egressgateway.istio-system.svc.cluster.local',
  'b.shop',
  '*.svc.cluster.local',
  'UPPER.Example.COM',
  'constructor',
  '__proto__',
  '10.0.0.1',
  '',
  'a..b',
  '-bad-.com',
  'ünïcode.example',
  'host\u001b[31m.example.com',
  'mesh://x',
];
const PORTS = [80, 443, 8080, 3306, 15443, 0, 65535, 65536, -1, 1.5, '443', 'http'];
const PROTOCOLS = ['HTTP', 'HTTPS', 'TLS', 'TCP', 'GRPC', 'HTTP2', 'MONGO', 'tls', 'https', 'bogus', ''];
const TLS_MODES = ['DISABLE', 'SIMPLE', 'MUTUAL', 'ISTIO_MUTUAL', 'PASSTHROUGH', 'AUTO_PASSTHROUGH', 'OPTIONAL_MUTUAL', 'bogus'];
const RESOLUTIONS = ['NONE', 'STATIC', 'DNS', 'DNS_ROUND_ROBIN', 'bogus'];
const ADDRESSES = ['10.0.0.1', '10.0.0.0/8', '240.0.0.1', '::1', '2001:db8::/32', '0.0.0.0/0', 'not-an-ip', '10.0.0.0/33', '*', ''];
const EXPORT_TO = ['.', '*', '~', 'shop', 'istio-system', 'default'];
const MODES = ['ALLOW_ANY', 'REGISTRY_ONLY', 'ALLOW_ANY_DYNAMIC_DNS', 'bogus'];
const LABEL_KEYS = ['app', 'istio', 'version', 'istio.io/rev', 'istio-injection', 'kubernetes.io/service-name', 'constructor', '__proto__'];
const LABEL_VALUES = ['egressgateway', 'a', 'b', 'v1', 'istio-egressgateway', 'enabled', 'default', '1-22', 'true', ''];
const ANNOTATIONS: [string, string[]][] = [
  ['traffic.sidecar.istio.io/includeOutboundIPRanges', ['*', '10.0.0.0/8', '', 'garbage', '10.0.0.0/8,192.168.0.0/16', '0.0.0.0/0']],
  ['traffic.sidecar.istio.io/excludeOutboundIPRanges', ['10.0.0.0/8', '*', 'x', '169.254.169.254/32']],
  ['traffic.sidecar.istio.io/includeOutboundPorts', ['443', '80,443', 'x', '*', '']],
  ['traffic.sidecar.istio.io/excludeOutboundPorts', ['443', '1-2', '65536']],
  ['sidecar.istio.io/inject', ['true', 'false', 'TRUE', '']],
  ['inject.istio.io/templates', ['gateway', 'sidecar', '']],
  ['networking.istio.io/exportTo', ['.', '*', 'shop']],
  ['proxy.istio.io/config', ['{}', 'outboundTrafficPolicy: {mode: REGISTRY_ONLY}', '[']],
];

const pick = <T>(values: readonly T[]) => fc.constantFrom(...values);
const some = <T>(arb: fc.Arbitrary<T>, max = 3) => fc.array(arb, { maxLength: max });
/** A record whose keys are each present or absent. */
const partial = <T extends Record<string, fc.Arbitrary<unknown>>>(model: T) => fc.record(model, { requiredKeys: [] });

const labels = fc.dictionary(pick(LABEL_KEYS), pick(LABEL_VALUES), { maxKeys: 3 });
const annotations = fc
  .subarray(ANNOTATIONS, { maxLength: 3 })
  .chain((entries) => fc.tuple(...entries.map(([k, values]) => fc.tuple(fc.constant(k), pick(values)))))
  .map((pairs) => Object.fromEntries(pairs));
const metadata = partial({ name: pick(NAMES), namespace: pick(NAMESPACES), labels, annotations });
const portSpec = partial({ number: pick(PORTS), name: pick(['http', 'https', 'tls', 'tcp-db', 'grpc', 'x']), protocol: pick(PROTOCOLS), targetPort: pick(PORTS) });
const selector = labels;
const tls = partial({ mode: pick(TLS_MODES), sni: pick(HOSTS), credentialName: pick(['cert', '']), caCertificates: pick(['/etc/ca.pem']) });
const destination = partial({ host: pick(HOSTS), subset: pick(['v1', 'v2', '']), port: partial({ number: pick(PORTS) }) });
const route = some(partial({ destination, weight: pick([0, 50, 100, 101, -1]) }));
const istioApi = pick(['networking.istio.io/v1', 'networking.istio.io/v1beta1', 'networking.istio.io/v1alpha3', 'networking.istio.io/v2']);

function resource(apiVersion: fc.Arbitrary<string>, kind: string, spec: fc.Arbitrary<unknown>, specKey = 'spec') {
  return fc.record({ apiVersion, kind: fc.constant(kind), metadata, [specKey]: spec });
}

const serviceEntry = resource(
  istioApi,
  'ServiceEntry',
  partial({
    hosts: some(pick(HOSTS), 4),
    addresses: some(pick(ADDRESSES)),
    ports: some(portSpec),
    location: pick(['MESH_EXTERNAL', 'MESH_INTERNAL', 'bogus']),
    resolution: pick(RESOLUTIONS),
    endpoints: some(partial({ address: pick([...ADDRESSES, ...HOSTS]), ports: fc.dictionary(pick(['http', 'tls']), pick(PORTS), { maxKeys: 2 }), labels })),
    exportTo: some(pick(EXPORT_TO)),
    workloadSelector: partial({ labels }),
    subjectAltNames: some(pick(['spiffe://x', ''])),
  }),
);
const destinationRule = resource(
  istioApi,
  'DestinationRule',
  partial({
    host: pick(HOSTS),
    trafficPolicy: partial({ tls, portLevelSettings: some(partial({ port: partial({ number: pick(PORTS) }), tls })) }),
    subsets: some(partial({ name: pick(['v1', 'v2', '']), labels, trafficPolicy: partial({ tls }) })),
    exportTo: some(pick(EXPORT_TO)),
    workloadSelector: partial({ matchLabels: labels }),
  }),
);
const virtualService = resource(
  istioApi,
  'VirtualService',
  partial({
    hosts: some(pick(HOSTS), 4),
    gateways: some(pick(['mesh', 'istio-egressgateway', 'istio-system/istio-egressgateway', 'egress/egress-gw', 'a', '*/a', 'constructor'])),
    http: some(
      partial({
        match: some(partial({ gateways: some(pick(['mesh', 'istio-egressgateway', 'a'])), port: pick(PORTS), uri: partial({ prefix: pick(['/', '/x']) }), sniHosts: some(pick(HOSTS)) })),
        route,
        mirror: destination,
        redirect: partial({ authority: pick(HOSTS) }),
      }),
    ),
    tls: some(partial({ match: some(partial({ sniHosts: some(pick(HOSTS)), port: pick(PORTS), gateways: some(pick(['mesh', 'istio-egressgateway'])) })), route })),
    tcp: some(partial({ match: some(partial({ port: pick(PORTS), destinationSubnets: some(pick(ADDRESSES)), gateways: some(pick(['mesh', 'a'])) })), route })),
    exportTo: some(pick(EXPORT_TO)),
  }),
);
const gateway = resource(
  istioApi,
  'Gateway',
  partial({
    selector,
    servers: some(partial({ port: portSpec, hosts: some(pick([...HOSTS, 'shop/api.example.com', './a', '*/b.shop'])), tls: partial({ mode: pick(TLS_MODES), credentialName: pick(['c']) }) })),
  }),
);
const sidecar = resource(
  istioApi,
  'Sidecar',
  partial({
    workloadSelector: partial({ labels }),
    egress: some(partial({ hosts: some(pick(['./*', '*/*', 'istio-system/*', '~/*', 'shop/api.example.com', '*', 'bad'])), port: portSpec, bind: pick(['127.0.0.1']) })),
    outboundTrafficPolicy: partial({ mode: pick(MODES), egressProxy: partial({ host: pick(HOSTS), port: partial({ number: pick(PORTS) }) }) }),
  }),
);
const service = resource(
  fc.constant('v1'),
  'Service',
  partial({
    selector,
    ports: some(partial({ port: pick(PORTS), targetPort: pick(PORTS), name: pick(['http', 'https', 'tls', 'tcp', 'http2-x', 'grpc-web', 'x']), protocol: pick(['TCP', 'UDP', 'SCTP', 'x']), appProtocol: pick(['http', 'https', 'kubernetes.io/h2c', 'tls', 'x']) })),
    type: pick(['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort', 'x']),
    externalName: pick(HOSTS),
    clusterIP: pick(['None', '10.0.0.1', '', 'x']),
  }),
);
const endpoints = fc.record({
  apiVersion: fc.constant('v1'),
  kind: fc.constant('Endpoints'),
  metadata,
  subsets: some(partial({ addresses: some(partial({ ip: pick(ADDRESSES), hostname: pick(NAMES) })), notReadyAddresses: some(partial({ ip: pick(ADDRESSES) })), ports: some(partial({ port: pick(PORTS), name: pick(['http', 'tls', '']), protocol: pick(['TCP', 'UDP']) })) })),
});
const endpointSlice = fc.record({
  apiVersion: pick(['discovery.k8s.io/v1', 'discovery.k8s.io/v1beta1']),
  kind: fc.constant('EndpointSlice'),
  metadata,
  addressType: pick(['IPv4', 'IPv6', 'FQDN', 'x']),
  endpoints: some(partial({ addresses: some(pick(ADDRESSES)), conditions: partial({ ready: fc.boolean() }) })),
  ports: some(partial({ port: pick(PORTS), name: pick(['http', 'tls', '']), protocol: pick(['TCP', 'UDP']) })),
});
const meshConfigObject = partial({ outboundTrafficPolicy: partial({ mode: pick(MODES) }), rootNamespace: pick(NAMESPACES), defaultConfig: partial({ holdApplicationUntilProxyStarts: fc.boolean() }) });
const meshText = fc.oneof(
  meshConfigObject.map((m) => stringify(m)),
  pick(['[unclosed', 'a: &a [*a]', 'outboundTrafficPolicy: 5', '- a', '', 'x: ' + '['.repeat(3000), 'a: &a [1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n', '%YAML 1.1\n---\n<<: {outboundTrafficPolicy: {mode: REGISTRY_ONLY}}\n']),
);
const configMap = fc.record({
  apiVersion: fc.constant('v1'),
  kind: fc.constant('ConfigMap'),
  metadata: fc.record({ name: pick(['istio', 'istio-1-22', 'istio-sidecar-injector', 'other']), namespace: pick(['istio-system', 'default']), labels }, { requiredKeys: ['name'] }),
  data: partial({ mesh: meshText, meshNetworks: fc.constant('networks: {}'), other: fc.string() }),
});
const podTemplate = partial({ metadata: partial({ labels, annotations }), spec: partial({ containers: some(partial({ name: pick(['app', 'istio-proxy']), image: pick(['auto', 'nginx']), ports: some(partial({ containerPort: pick(PORTS) })) })) }) });
const deployment = resource(pick(['apps/v1', 'extensions/v1beta1', 'apps/v2']), 'Deployment', partial({ selector: partial({ matchLabels: labels }), template: podTemplate, replicas: pick([0, 1, -1]) }));
const pod = fc.record({ apiVersion: fc.constant('v1'), kind: fc.constant('Pod'), metadata, spec: podTemplate.map((t) => t.spec ?? {}) });
const istioOperator = resource(
  pick(['install.istio.io/v1alpha1']),
  'IstioOperator',
  partial({
    profile: pick(['default', 'demo', 'minimal', 'x']),
    revision: pick(['', '1-22', 'canary']),
    meshConfig: meshConfigObject,
    values: partial({ global: partial({ outboundTrafficPolicy: partial({ mode: pick(MODES) }), istioNamespace: pick(NAMESPACES) }), gateways: partial({ 'istio-egressgateway': partial({ enabled: fc.boolean() }) }) }),
    components: partial({
      egressGateways: some(partial({ name: pick(NAMES), enabled: fc.boolean(), namespace: pick(NAMESPACES), label: labels, k8s: partial({ service: partial({ ports: some(partial({ port: pick(PORTS), name: pick(['http2', 'https', 'tls']), targetPort: pick(PORTS) })) }) }) })),
      ingressGateways: some(partial({ name: pick(NAMES), enabled: fc.boolean() })),
    }),
  }),
);
const namespace = fc.record({ apiVersion: fc.constant('v1'), kind: fc.constant('Namespace'), metadata: fc.record({ name: pick(NAMESPACES), labels }) });
const workloadEntry = resource(istioApi, 'WorkloadEntry', partial({ address: pick(ADDRESSES), labels, ports: fc.dictionary(pick(['http', 'tls']), pick(PORTS), { maxKeys: 2 }) }));
const peerAuthentication = resource(pick(['security.istio.io/v1', 'security.istio.io/v1beta1']), 'PeerAuthentication', partial({ selector: partial({ matchLabels: labels }), mtls: partial({ mode: pick(['STRICT', 'PERMISSIVE', 'DISABLE', 'x']) }) }));

const modelled = fc.oneof(
  serviceEntry,
  destinationRule,
  virtualService,
  gateway,
  sidecar,
  service,
  endpoints,
  endpointSlice,
  configMap,
  deployment,
  istioOperator,
  namespace,
  workloadEntry,
  peerAuthentication,
  pod,
);

/** Values that break assumptions: wrong types, prototype keys, non-finite numbers, odd strings. */
const garbage: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.constantFrom('', '*', 'constructor', '__proto__', 'toString', '\u001b[31m', '\ud800', 'a\u0000b', '\u202e', '1e400', '-0', 'null', '~', 'x'.repeat(5000)),
  fc.string({ maxLength: 20 }),
  fc.anything({ maxDepth: 2, maxKeys: 3, key: fc.oneof(fc.string({ maxLength: 5 }), fc.constantFrom('__proto__', 'constructor', 'hosts', 'spec', 'metadata', 'name')) }),
);

/** Every path into a value (containers and leaves), in a fixed order. */
function paths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...prefix, i], out));
  else if (value && typeof value === 'object') for (const k of Object.keys(value)) paths((value as Record<string, unknown>)[k], [...prefix, k], out);
  return out;
}

/** Replaces (or deletes) the value at the n-th path. */
function mutate(doc: unknown, n: number, replacement: unknown, remove: boolean): unknown {
  const all = paths(doc).filter((p) => p.length > 0);
  if (all.length === 0) return replacement;
  const p = all[n % all.length]!;
  let parent = doc as Record<string | number, unknown>;
  for (const seg of p.slice(0, -1)) parent = parent[seg] as Record<string | number, unknown>;
  const last = p[p.length - 1]!;
  if (remove && !Array.isArray(parent)) delete parent[last];
  else Object.defineProperty(parent, last, { value: replacement, writable: true, enumerable: true, configurable: true });
  return doc;
}

const document = fc.oneof(
  { weight: 5, arbitrary: modelled },
  {
    weight: 4,
    arbitrary: fc.tuple(modelled, some(fc.tuple(fc.nat(), garbage, fc.boolean()), 3)).map(([doc, edits]) => {
      let d: unknown = structuredClone(doc);
      for (const [n, g, remove] of edits) d = mutate(d, n, g, remove);
      return d;
    }),
  },
  { weight: 1, arbitrary: garbage },
  { weight: 1, arbitrary: some(modelled, 3).map((items) => ({ apiVersion: 'v1', kind: 'List', items })) },
);

type Render = 'yaml' | 'json' | 'bytes';
const TEXT_EDITS = ['\t', ':', '{', '[', '"', "'", '&a ', '*a', '\r', '- ', '\ufeff', '---\n', '%YAML 1.1\n', '\n  x', '? ', '!!binary ', '\\'];

const file = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      docs: fc.array(document, { minLength: 1, maxLength: 4 }),
      render: pick<Render>(['yaml', 'yaml', 'yaml', 'json']),
      crlf: fc.boolean(),
      bom: fc.boolean(),
      edits: some(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.oneof(pick(TEXT_EDITS), fc.constant(null))), 2),
    }),
  },
  { weight: 1, arbitrary: fc.record({ bytes: fc.uint8Array({ maxLength: 200 }), render: fc.constant<Render>('bytes') }) },
);

type FileSpec = typeof file extends fc.Arbitrary<infer T> ? T : never;

function render(spec: FileSpec): Buffer {
  if ('bytes' in spec) return Buffer.from(spec.bytes);
  let text: string;
  if (spec.render === 'json') text = spec.docs.map((d) => JSON.stringify(d, null, 1) ?? 'null').join('\n');
  else text = spec.docs.map((d) => (d === undefined ? '' : (stringify(d, { aliasDuplicateObjects: false }) ?? ''))).join('---\n');
  for (const [at, edit] of spec.edits) {
    const i = Math.floor(at * text.length);
    text = edit === null ? text.slice(0, i) : text.slice(0, i) + edit + text.slice(i);
  }
  if (spec.crlf) text = text.replace(/\n/g, '\r\n');
  return Buffer.from((spec.bom ? '\ufeff' : '') + text, 'utf8');
}

// ------------------------------------------------------------------------------------------------

const root = mkdtempSync(path.join(tmpdir(), 'mel-fuzz-'));
let failed = false;
// The inputs of failing runs are kept (the error names their folder).
afterAll(() => {
  if (!failed) rmSync(root, { recursive: true, force: true });
});
let counter = 0;

const cli = (argv: string[], cwd: string) => runCli(argv, cwd, { captureProcessStderr: true });

/**
 * Byte-identical, or an error naming the first differing line. (expect().toBe on two long reports
 * makes vitest compute a diff, which can take minutes, while fast-check shrinks.)
 */
function assertSame(a: string, b: string, label: string): void {
  if (a === b) return;
  const x = a.split('\n');
  const y = b.split('\n');
  let i = 0;
  while (i < x.length && x[i] === y[i]) i++;
  throw new Error(`${label}: output differs between two runs at line ${i + 1}:\n  ${JSON.stringify(x[i])?.slice(0, 400)}\n  ${JSON.stringify(y[i])?.slice(0, 400)}`);
}

// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

describe('fuzz: random manifests through the whole pipeline', () => {
  it(`holds its properties for ${RUNS} generated inputs`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(file, { minLength: 1, maxLength: 5 }), async (specs) => {
        const dir = path.join(root, `case-${counter++}`);
        mkdirSync(dir);
        const names = specs.map((s, i) => `f${i}.${'render' in s && s.render === 'json' ? 'json' : 'yaml'}`);
        specs.forEach((s, i) => writeFileSync(path.join(dir, names[i]!), render(s)));
        try {
          await check(dir, names);
        } catch (e) {
          failed = true;
          throw new Error(`input kept in ${dir}: ${(e as Error).message}`, { cause: e });
        }
        rmSync(dir, { recursive: true, force: true });
      }),
      // Shrinking re-runs the whole pipeline; past the time limit the smallest failure found so far is reported.
      { numRuns: RUNS, seed: SEED, interruptAfterTimeLimit: Math.max(60_000, RUNS * 600) },
    );
  }, Math.max(180_000, RUNS * 3_000));
});

/** The properties, for one generated folder. */
async function check(dir: string, names: string[]): Promise<void> {
  // Every file accounted for: linted, or skipped with a finding that names it.
  let engineStderr = '';
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    engineStderr += String(chunk);
    return true;
  });
  let result;
  try {
    result = await lintPaths(['.'], { cwd: dir });
  } finally {
    spy.mockRestore();
  }
  if (engineStderr !== '') throw new Error(`a rule crashed: ${engineStderr.slice(0, 1000)}`);
  expect(result.files.map((f) => f.file.displayPath).sort()).toEqual([...names].sort());
  for (const f of result.files) if (f.skipped) expect(result.findings.some((x) => x.file === f.file.displayPath), f.file.displayPath).toBe(true);

  const first: Record<string, string> = {};
  for (const format of FORMATS) {
    const r = await cli(['.', '--format', format], dir);
    if (r.stderr !== '') throw new Error(`${format}: ${r.stderr.slice(0, 1000)}`);
    expect([0, 1], format).toContain(r.code);
    first[format] = r.stdout;
  }
  const json = JSON.parse(first.json!) as { summary: { files: number }; findings: unknown[] };
  expect(json.summary.files).toBe(names.length);
  const sarif = JSON.parse(first.sarif!) as { runs: { results: unknown[] }[] };
  expect(sarif.runs[0]!.results).toHaveLength(json.findings.length);
  expect(first.text).not.toMatch(RAW_CONTROL);
  expect(first.github).not.toMatch(RAW_CONTROL);

  // Deterministic: byte-identical on a second run, in every format.
  for (const format of FORMATS) assertSame((await cli(['.', '--format', format], dir)).stdout, first[format]!, format);
}
