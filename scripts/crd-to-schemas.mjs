// Converter (run by hand when the CRDs change: node scripts/crd-to-schemas.mjs [crds.yaml]): Istio CRD openAPIV3Schema (facts only) -> project JSON Schemas (draft-07).
// Descriptions from the CRDs are dropped; short project descriptions are added from DESCRIPTIONS.
import { parseAllDocuments } from 'yaml';
import fs from 'node:fs';

const OUT = new URL('../schemas', import.meta.url).pathname;
const docs = parseAllDocuments(fs.readFileSync(process.argv[2] ?? new URL('../../shared/reference/istio-crds.yaml', import.meta.url).pathname, 'utf8')).map((d) => d.toJS());

const KINDS = [
  { kind: 'ServiceEntry', file: 'service-entry', group: 'networking.istio.io', versions: ['v1', 'v1beta1', 'v1alpha3'] },
  { kind: 'DestinationRule', file: 'destination-rule', group: 'networking.istio.io', versions: ['v1', 'v1beta1', 'v1alpha3'] },
  { kind: 'VirtualService', file: 'virtual-service', group: 'networking.istio.io', versions: ['v1', 'v1beta1', 'v1alpha3'] },
  { kind: 'Gateway', file: 'gateway', group: 'networking.istio.io', versions: ['v1', 'v1beta1', 'v1alpha3'] },
  { kind: 'Sidecar', file: 'sidecar', group: 'networking.istio.io', versions: ['v1', 'v1beta1', 'v1alpha3'] },
  { kind: 'WorkloadEntry', file: 'workload-entry', group: 'networking.istio.io', versions: ['v1', 'v1beta1', 'v1alpha3'] },
  { kind: 'PeerAuthentication', file: 'peer-authentication', group: 'security.istio.io', versions: ['v1', 'v1beta1'] },
];

const PROTOCOLS = ['HTTP', 'HTTPS', 'GRPC', 'GRPC-WEB', 'HTTP2', 'HTTP_PROXY', 'MONGO', 'MYSQL', 'REDIS', 'TCP', 'TLS', 'UDP'];
const ci = (s) => s.replace(/[a-z]/gi, (c) => `[${c.toUpperCase()}${c.toLowerCase()}]`);
const PROTOCOL_SCHEMA = {
  type: 'string',
  description: 'Port protocol; Istio compares it case-insensitively.',
  pattern: `^(?:${PROTOCOLS.map(ci).join('|')})?$`,
  'x-enum-ci': PROTOCOLS,
};
const DURATION = { pattern: '^\\+?(?:(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:ns|us|µs|μs|ms|s|m|h))+$', 'x-error': 'expected a duration of at least 1ms, such as "5s" or "1m30s"' };
const PORT = { type: 'integer', minimum: 1, maximum: 65535 };

const DESCRIPTIONS = {
  'ServiceEntry:': 'Istio ServiceEntry: adds hosts to the mesh service registry.',
  'ServiceEntry:spec.hosts': 'Hostnames of the entry (DNS names, possibly with a leading wildcard).',
  'ServiceEntry:spec.addresses': 'Virtual IPs or CIDR ranges of the service.',
  'ServiceEntry:spec.ports': 'Ports of the service; each needs a number and a name.',
  'ServiceEntry:spec.location': 'MESH_EXTERNAL (default) for services outside the mesh, MESH_INTERNAL for mesh workloads.',
  'ServiceEntry:spec.resolution': 'How the proxy finds endpoints: NONE (default), STATIC, DNS, DNS_ROUND_ROBIN or DYNAMIC_DNS.',
  'ServiceEntry:spec.endpoints': 'Explicit endpoints (STATIC or DNS resolution).',
  'ServiceEntry:spec.exportTo': 'Namespaces that can see the entry: "." for its own, "*" for all.',
  'ServiceEntry:spec.workloadSelector': 'Selects WorkloadEntries and pods as endpoints (MESH_INTERNAL only).',
  'DestinationRule:': 'Istio DestinationRule: client-side traffic policy and subsets for a host.',
  'DestinationRule:spec.host': 'Service the rule applies to (registry name; short names resolve in the rule\'s namespace).',
  'DestinationRule:spec.trafficPolicy': 'Policy for all ports, overridden per port and per subset.',
  'DestinationRule:spec.subsets': 'Named groups of endpoints selected by labels.',
  'DestinationRule:spec.exportTo': 'Namespaces that can see the rule.',
  'DestinationRule:spec.workloadSelector': 'Restricts the rule to the selected workloads of its namespace.',
  'VirtualService:': 'Istio VirtualService: routing rules for hosts.',
  'VirtualService:spec.hosts': 'Destination hosts the routes apply to.',
  'VirtualService:spec.gateways': 'Gateways (and "mesh" for sidecars) the routes are bound to.',
  'VirtualService:spec.http': 'Routes for HTTP traffic.',
  'VirtualService:spec.tls': 'Routes for TLS and HTTPS traffic not terminated by the proxy, matched by SNI.',
  'VirtualService:spec.tcp': 'Routes for opaque TCP traffic.',
  'VirtualService:spec.exportTo': 'Namespaces that can see the VirtualService.',
  'Gateway:': 'Istio Gateway: listeners of an ingress or egress gateway.',
  'Gateway:spec.selector': 'Labels of the gateway pods that load this configuration.',
  'Gateway:spec.servers': 'Ports, protocols, hosts and TLS settings the gateway exposes.',
  'Sidecar:': 'Istio Sidecar: scope of the proxy configuration of workloads.',
  'Sidecar:spec.egress': 'Hosts the workloads may reach (namespace/host imports).',
  'Sidecar:spec.outboundTrafficPolicy': 'Overrides the mesh outbound traffic policy for the selected workloads.',
  'Sidecar:spec.workloadSelector': 'Workloads the Sidecar applies to; all of the namespace when absent.',
  'WorkloadEntry:': 'Istio WorkloadEntry: a workload (e.g. a VM) outside Kubernetes.',
  'PeerAuthentication:': 'Istio PeerAuthentication: mutual TLS mode of workloads.',
  'PeerAuthentication:spec.mtls': 'Mutual TLS mode for all ports.',
  'PeerAuthentication:spec.portLevelMtls': 'Mutual TLS mode per port number (needs a selector).',
};

const warnings = [];

/** StringMatch-style oneOf: {not anyOf required...}, {required:[a]}, ... -> list of exclusive fields */
function exclusiveGroup(oneOf) {
  if (!Array.isArray(oneOf) || !oneOf[0]?.not?.anyOf) return null;
  const names = oneOf.slice(1).map((x) => x.required?.[0]);
  if (names.some((n) => !n) || oneOf.length - 1 !== oneOf[0].not.anyOf.length) return null;
  return names;
}

function addExclusive(out, names) {
  out.dependencies ??= {};
  for (const a of names) {
    const dep = (out.dependencies[a] ??= { properties: {} });
    for (const b of names) if (b !== a) dep.properties[b] = false;
  }
}

const CEL_EXCLUSIVE = /^\(has\(self\.(\w+)\) \? 1 : 0\) \+ \(has\(self\.(\w+)\) \? 1 : 0\) <= 1$/;

function conv(s, path, kind) {
  const out = {};
  const desc = DESCRIPTIONS[`${kind}:${path}`];
  if (desc) out.description = desc;
  const last = path.split('.').pop();
  if (s['x-kubernetes-int-or-string']) {
    out.type = ['integer', 'string'];
    return out;
  }
  if (last === 'protocol' && s.type === 'string' && !s.enum) return { ...PROTOCOL_SCHEMA };
  if (s.type) out.type = s.nullable ? [s.type, 'null'] : s.type;
  for (const k of ['enum', 'minItems', 'maxItems', 'minLength', 'maxLength', 'minimum', 'maximum', 'minProperties', 'maxProperties']) {
    if (s[k] !== undefined) out[k] = s[k];
  }
  if (s.required) out.required = [...s.required];
  if (s.type === 'object') {
    if (s.properties) {
      out.properties = {};
      for (const [n, c] of Object.entries(s.properties)) out.properties[n] = conv(c, path ? `${path}.${n}` : n, kind);
      if (!s['x-kubernetes-preserve-unknown-fields']) out.additionalProperties = false;
    } else if (s.additionalProperties && typeof s.additionalProperties === 'object') {
      out.additionalProperties = conv(s.additionalProperties, `${path}.*`, kind);
    } else {
      warnings.push(`open object ${kind} ${path}`);
    }
  }
  if (s.items) out.items = conv(s.items, `${path}[]`, kind);
  const group = exclusiveGroup(s.oneOf);
  if (group) addExclusive(out, group);
  else if (s.oneOf) warnings.push(`oneOf left out at ${kind} ${path}`);
  for (const a of s.allOf ?? []) {
    const g = exclusiveGroup(a.oneOf);
    if (g) addExclusive(out, g);
    else warnings.push(`allOf left out at ${kind} ${path}`);
  }
  if (s.anyOf) warnings.push(`anyOf left out at ${kind} ${path}`);
  for (const { rule, message } of s['x-kubernetes-validations'] ?? []) {
    let m;
    if (rule === "duration(self) >= duration('1ms')") Object.assign(out, DURATION);
    else if (rule === '0 < self && self <= 65535') Object.assign(out, PORT);
    else if ((m = CEL_EXCLUSIVE.exec(rule))) addExclusive(out, [m[1], m[2]]);
    else if (rule === 'self.all(key, !key.contains("*"))' || rule === 'self.all(key, key.size() != 0)')
      out.propertyNames = { pattern: '^[^*]+$', 'x-error': 'label keys must be non-empty and cannot contain "*"' };
    else if (rule === '!self.contains("*")') Object.assign(out, { pattern: '^[^*]*$', 'x-error': 'wildcards ("*") are not supported in label selectors' });
    else if (rule === 'self != "*"') Object.assign(out, { pattern: '^(?!\\*$)', 'x-error': 'a ServiceEntry host cannot be "*" alone' });
    else if (rule.startsWith('self.all(key, size(key) < 63'))
      out.propertyNames = { maxLength: 62, pattern: '^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$', 'x-error': 'port names must be at most 62 letters, digits and inner dashes' };
    else if (rule === 'self.all(key, 0 < int(key) && int(key) <= 65535)')
      out.propertyNames = { pattern: '^(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])$', 'x-error': 'keys must be port numbers between 1 and 65535' };
    else if (rule === 'has(self.address) || has(self.network)') {
      out.if = { not: { required: ['network'] } };
      out.then = { required: ['address'], 'x-error': 'an endpoint needs an address unless it names a network' };
    } else if (rule.startsWith('has(self.portLevelMtls)')) {
      out.if = { required: ['portLevelMtls'] };
      out.then = { required: ['selector'], 'x-error': 'portLevelMtls needs a selector with matchLabels', properties: { selector: { required: ['matchLabels'], properties: { matchLabels: { minProperties: 1, 'x-error': 'portLevelMtls needs a selector with matchLabels' } } } } };
    } else if (rule.includes('k.contains("/")')) {
      (out.allOf ??= []).push({
        if: { required: ['addresses'], properties: { addresses: { type: 'array', contains: { type: 'string', pattern: '/' } } } },
        then: { properties: { resolution: { enum: ['NONE', 'STATIC'], 'x-error': 'CIDR addresses are allowed only with resolution NONE or STATIC' } } },
      });
    } else if (rule.startsWith('((has(self.resolution) ? self.resolution : "NONE") == "NONE")')) {
      (out.allOf ??= []).push({
        if: { properties: { resolution: { const: 'NONE' } } },
        then: { properties: { endpoints: { not: {}, 'x-error': 'endpoints cannot be set with resolution NONE (the default); use STATIC or DNS' } } },
      });
    } else if (rule.includes('"DNS_ROUND_ROBIN"')) {
      (out.allOf ??= []).push({
        if: { required: ['resolution'], properties: { resolution: { const: 'DNS_ROUND_ROBIN' } } },
        then: { properties: { endpoints: { maxItems: 1, 'x-error': 'resolution DNS_ROUND_ROBIN allows at most one endpoint' } } },
      });
    } else warnings.push(`CEL not expressed at ${kind} ${path}: ${message}`);
  }
  return out;
}

// Move repeated large subtrees into definitions.
function dedupe(root) {
  const defs = {};
  const nameFor = (path) => {
    const segs = path.filter((p) => typeof p === 'string' && !['properties', 'items', 'additionalProperties'].includes(p));
    let base = (segs.at(-1) ?? 'Node').replace(/^\w/, (c) => c.toUpperCase());
    let n = base, i = 2;
    while (defs[n]) n = `${base}${i++}`;
    return n;
  };
  for (;;) {
    const counts = new Map();
    const visit = (node, path) => {
      if (!node || typeof node !== 'object') return;
      if (!Array.isArray(node) && node.type === 'object' && node.properties && path.length) {
        const key = JSON.stringify(node);
        const e = counts.get(key) ?? { n: 0, path };
        e.n++;
        counts.set(key, e);
      }
      for (const [k, v] of Object.entries(node)) visit(v, [...path, k]);
    };
    visit(root, []);
    let best = null;
    for (const [key, e] of counts) if (e.n >= 2 && key.length > 200 && (!best || key.length > best[0].length)) best = [key, e];
    if (!best) break;
    const [key, e] = best;
    const name = nameFor(e.path);
    defs[name] = JSON.parse(key);
    const replace = (node) => {
      if (!node || typeof node !== 'object') return node;
      for (const [k, v] of Object.entries(node)) {
        if (v && typeof v === 'object' && !Array.isArray(v) && JSON.stringify(v) === key) node[k] = { $ref: `#/definitions/${name}` };
        else replace(v);
      }
      return node;
    };
    replace(root);
    for (const d of Object.values(defs)) if (d !== defs[name]) replace(d);
    replace(defs[name]); // nested copies cannot exist in itself, harmless
  }
  return defs;
}

const META = JSON.parse(fs.readFileSync(new URL('./object-meta.json', import.meta.url), 'utf8'));

for (const k of KINDS) {
  const crd = docs.find((d) => d && d.spec.group === k.group && d.spec.names.kind === k.kind);
  const v = crd.spec.versions.find((x) => x.name === 'v1');
  const root = v.schema.openAPIV3Schema;
  const spec = conv(root.properties.spec, 'spec', k.kind);
  const schema = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `https://mesh-egress-lint/schemas/${k.file}.schema.json`,
    title: `${k.kind} (${k.group} ${k.versions.join(', ')})`,
    description: `${DESCRIPTIONS[`${k.kind}:`]} Closed objects: the API server prunes or rejects unknown fields (Istio >= 1.6).`,
    type: 'object',
    required: ['apiVersion', 'kind', ...(root.required ?? [])],
    properties: {
      apiVersion: { enum: k.versions.map((x) => `${k.group}/${x}`) },
      kind: { const: k.kind },
      metadata: { $ref: '#/definitions/ObjectMeta' },
      spec,
      status: { type: 'object', description: 'Written by Istio; not checked.' },
    },
    additionalProperties: false,
  };
  const defs = dedupe(schema);
  schema.definitions = { ObjectMeta: META, ...defs };
  fs.writeFileSync(`${OUT}/${k.file}.schema.json`, JSON.stringify(schema, null, 2) + '\n');
  console.log(k.file, JSON.stringify(schema).length, Object.keys(defs).join(','));
}
console.log(warnings.join('\n'));
