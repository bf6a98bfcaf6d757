// Converter (run by hand when the CRDs change: node scripts/crd-to-schemas.mjs [istio-crds.yaml [gateway-api-crds.yaml]]):
// CRD openAPIV3Schema (facts only) -> project JSON Schemas (draft-07), for Istio's kinds and for the
// Kubernetes Gateway API kinds (see gatewayApiSchemas below).
// Descriptions and messages from the CRDs are dropped; short project texts are added from DESCRIPTIONS
// and CEL_MESSAGES.
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

// ---- Kubernetes Gateway API -------------------------------------------------------------------
//
// One schema per kind and per group of served versions with the same schema (TCPRoute, TLSRoute and
// UDPRoute v1alpha2 differ from v1: 16 rules, no hostname rules). Unlike the Istio CRDs above, the
// Gateway API CRDs carry many patterns, defaults and CEL rules:
// - `pattern`, ranges, lengths, enums and required fields become JSON Schema (ajv);
// - `x-kubernetes-list-type: set` becomes uniqueItems; `map` keeps its keys as `x-list-map-keys`
//   (the API server refuses two items with the same keys);
// - `default` is kept: the API server defaults before it validates, and the CEL rules read defaults
//   (a backendRef's `kind: Service`, an address's `type: IPAddress`);
// - each CEL rule (`x-kubernetes-validations`) is kept as `x-cel` with a project message, and
//   src/schema/cel.ts evaluates it. Transition rules (they read `oldSelf`) need the stored object and
//   cannot be checked offline: they are left out and named in UNCHECKED_CEL.
const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';
const GATEWAY_API = [
  { kind: 'GatewayClass', file: 'gateway-api-gateway-class', description: 'Gateway API GatewayClass: a class of Gateways and the controller that implements it (istio, istio-waypoint, istio-remote).' },
  { kind: 'Gateway', file: 'gateway-api-gateway', description: 'Gateway API Gateway: listeners of a gateway deployment (for Istio, an ingress or egress gateway or a waypoint).' },
  { kind: 'ListenerSet', file: 'gateway-api-listener-set', description: 'Gateway API ListenerSet: listeners added to a parent Gateway from another resource.' },
  { kind: 'HTTPRoute', file: 'gateway-api-http-route', description: 'Gateway API HTTPRoute: HTTP routing rules attached to Gateways or, on the mesh side, to Services.' },
  { kind: 'GRPCRoute', file: 'gateway-api-grpc-route', description: 'Gateway API GRPCRoute: gRPC routing rules attached to Gateways or Services.' },
  { kind: 'TLSRoute', file: 'gateway-api-tls-route', description: 'Gateway API TLSRoute: routes TLS connections by SNI without terminating them.' },
  { kind: 'TCPRoute', file: 'gateway-api-tcp-route', description: 'Gateway API TCPRoute: routes TCP connections of a listener to backends.' },
  { kind: 'UDPRoute', file: 'gateway-api-udp-route', description: 'Gateway API UDPRoute: routes UDP datagrams of a listener to backends.' },
  { kind: 'ReferenceGrant', file: 'gateway-api-reference-grant', description: 'Gateway API ReferenceGrant: allows references from another namespace to objects of this one.' },
  { kind: 'BackendTLSPolicy', file: 'gateway-api-backend-tls-policy', description: 'Gateway API BackendTLSPolicy: TLS that a gateway originates toward a backend (SNI hostname, CA, subject alt names).' },
];

/**
 * Project messages for the CEL rules of the Gateway API CRDs, keyed by the CRD's message (which names
 * the rule; several rules share one). A function gets the regular expression's groups.
 */
const CEL_MESSAGES = [
  [/^sectionName must be specified when targetRefs includes 2 or more references to the same target$/, () => 'targetRefs that name the same target more than once must each set sectionName'],
  [/^sectionName must be unique when targetRefs includes 2 or more references to the same target$/, () => 'targetRefs that name the same target must differ in sectionName'],
  [/^must not contain both CACertificateRefs and WellKnownCACertificates$/, () => 'set either caCertificateRefs or wellKnownCACertificates, not both'],
  [/^must specify either CACertificateRefs or WellKnownCACertificates$/, () => 'needs caCertificateRefs or wellKnownCACertificates to verify the backend\'s certificate'],
  [/^SubjectAltName element must contain (\w+), if Type is set to \1$/, (t) => `a subject alt name of type ${t} needs its ${t === 'URI' ? 'uri' : 'hostname'} field`],
  [/^SubjectAltName element must not contain (\w+), if Type is not set to \1$/, (t) => `the ${t === 'URI' ? 'uri' : 'hostname'} field belongs only to a subject alt name of type ${t}`],
  [/^IPAddress values must be unique$/, () => 'the same IPAddress address is listed twice'],
  [/^Hostname values must be unique$/, () => 'the same Hostname address is listed twice'],
  [/^Hostname value must be empty or contain only valid characters/, () => 'an address of type Hostname must be a lower-case DNS name, optionally starting with "*."'],
  [/^(?:Annotation|Label) keys must be in the form of an optional DNS subdomain prefix/, () => 'keys must be an optional DNS prefix and "/", then a name of at most 63 letters, digits, "-", "_" and "."'],
  [/^If specified, the (?:annotation|label) key's prefix must be a DNS subdomain not longer than 253 characters/, () => 'the prefix of a key (before "/") must be shorter than 253 characters'],
  [/^tls must not be specified for protocols \['HTTP', 'TCP', 'UDP'\]$/, () => 'a listener of protocol HTTP, TCP or UDP cannot have tls'],
  [/^tls mode must be Terminate for protocol HTTPS$/, () => 'an HTTPS listener terminates TLS: its tls.mode can only be Terminate'],
  [/^tls mode must be set for protocol TLS$/, () => 'a TLS listener needs tls.mode (Terminate or Passthrough)'],
  [/^hostname must not be specified for protocols \['TCP', 'UDP'\]$/, () => 'a TCP or UDP listener cannot have a hostname'],
  [/^Listener name must be unique within the Gateway$/, () => 'two listeners have the same name'],
  [/^Combination of port, protocol and hostname must be unique for each listener$/, () => 'two listeners have the same port, protocol and hostname'],
  [/^certificateRefs or options must be specified when mode is Terminate$/, () => 'tls mode Terminate needs certificateRefs (or options)'],
  [/^Port for TLS configuration must be unique within the Gateway$/, () => 'the same port has two per-port TLS settings'],
  [/^sectionName or port must be specified when parentRefs includes 2 or more references to the same parent$/, () => 'parentRefs that name the same parent more than once must each set sectionName or port, and the same ones'],
  [/^sectionName or port must be unique when parentRefs includes 2 or more references to the same parent$/, () => 'parentRefs that name the same parent must differ in sectionName or port'],
  [/^While 16 rules and 64 matches per rule are allowed, the total number of matches/, () => 'the rules of a route may have at most 128 matches together'],
  [/^Rule name must be unique within the route$/, () => 'two rules have the same name'],
  [/^Must have port for Service reference$/, () => 'a reference to a Service needs a port'],
  [/^(\w+) filter cannot be repeated$/, (t) => `a ${t} filter may appear only once in a filter list`],
  [/^filter\.(\w+) must be nil if the filter\.type is not (\w+)$/, (f, t) => `"${f}" is only allowed in a filter of type ${t}`],
  [/^filter\.(\w+) must be specified for (\w+) filter\.type$/, (f, t) => `a filter of type ${t} needs "${f}"`],
  [/^Only one of percent or fraction may be specified in HTTPRequestMirrorFilter$/, () => 'a mirror filter sets either percent or fraction, not both'],
  [/^numerator must be less than or equal to denominator$/, () => 'the numerator cannot be greater than the denominator'],
  [/^One or both of 'service' or 'method' must be specified$/, () => 'a method match needs service, method or both'],
  [/^service must only contain valid characters/, () => 'an Exact service match must be a dotted gRPC service name (letters, digits, "_")'],
  [/^method must only contain valid characters/, () => 'an Exact method match must be a gRPC method name (letters, digits, "_")'],
  [/^AbsoluteTimeout must be specified when cookie lifetimeType is Permanent$/, () => 'a Permanent session cookie needs absoluteTimeout'],
  [/^cookieConfig can only be set with type Cookie$/, () => 'cookieConfig is only allowed with session persistence type Cookie'],
  [/^RequestRedirect filter must not be used together with backendRefs$/, () => 'a rule that redirects (RequestRedirect filter) cannot also have backendRefs'],
  [/^(Within backendRefs, )?[Ww]hen using (RequestRedirect|URLRewrite) filter with path\.replacePrefixMatch, exactly one PathPrefix match must be specified$/, (_, f) => `a ${f} filter with path.replacePrefixMatch needs the rule to have exactly one match, of type PathPrefix`],
  [/^May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, but not both$/, () => 'a filter list cannot have both a RequestRedirect and a URLRewrite filter'],
  [/^Allow(?:Headers|Methods|Origins) cannot contain '\*' alongside other (?:methods|origins)$/, () => '"*" must be the only value when it is used'],
  [/^(\w+) must be specified when protocol is set to '(\w+)'$/, (f, p) => `protocol ${p} needs "${f}"`],
  [/^protocol must be '(\w+)' when (\w+) is set$/, (p, f) => `"${f}" is only allowed with protocol ${p}`],
  [/^(\w+) must be specified when type is set to '(\w+)'$/, (f, t) => `type ${t} needs "${f}"`],
  [/^type must be '(\w+)' when (\w+) is set$/, (t, f) => `"${f}" is only allowed with type ${t}`],
  [/^value must be an absolute path and start with '\/' when type one of \['Exact', 'PathPrefix'\]$/, () => 'an Exact or PathPrefix path must start with "/"'],
  [/^must not contain '(.+)' when type one of \['Exact', 'PathPrefix'\]$/, (x) => `an Exact or PathPrefix path cannot contain "${x}"`],
  [/^must not end with '(.+)' when type one of \['Exact', 'PathPrefix'\]$/, (x) => `an Exact or PathPrefix path cannot end with "${x}"`],
  [/^type must be one of \['Exact', 'PathPrefix', 'RegularExpression'\]$/, () => 'a path match type is Exact, PathPrefix or RegularExpression'],
  [/^must only contain valid characters .* for types \['Exact', 'PathPrefix'\]$/, () => 'an Exact or PathPrefix path may hold only URL path characters and %-escapes'],
  [/^backendRequest timeout cannot be longer than request timeout$/, () => 'the backendRequest timeout cannot be longer than the request timeout'],
  [/^Hostnames cannot contain an IP$/, () => 'a hostname cannot be an IP address'],
  [/^Hostnames must be valid based on RFC-1123$/, () => 'a hostname must be a lower-case DNS name'],
  [/^Wildcards on hostnames must be the first label/, () => 'a wildcard must be the whole first label ("*.example.com") of a lower-case DNS name'],
];

/** CEL rules of the CRDs that are not checked, with why (docs/rules/schema-violation.md lists them). */
const UNCHECKED_CEL = [];

function celMessage(message) {
  for (const [re, fn] of CEL_MESSAGES) {
    const m = re.exec(message);
    if (m) return fn(...m.slice(1));
  }
  return undefined;
}

const IPV4 = '^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$';
// IPv6 as net.ParseIP reads it (hex groups, one "::", an IPv4 tail).
const IPV6 =
  '^(?:(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}|(?:[0-9a-fA-F]{1,4}:){1,7}:|(?:[0-9a-fA-F]{1,4}:){1,6}:[0-9a-fA-F]{1,4}|(?:[0-9a-fA-F]{1,4}:){1,5}(?::[0-9a-fA-F]{1,4}){1,2}|(?:[0-9a-fA-F]{1,4}:){1,4}(?::[0-9a-fA-F]{1,4}){1,3}|(?:[0-9a-fA-F]{1,4}:){1,3}(?::[0-9a-fA-F]{1,4}){1,4}|(?:[0-9a-fA-F]{1,4}:){1,2}(?::[0-9a-fA-F]{1,4}){1,5}|[0-9a-fA-F]{1,4}:(?::[0-9a-fA-F]{1,4}){1,6}|:(?:(?::[0-9a-fA-F]{1,4}){1,7}|:)|(?:[0-9a-fA-F]{1,4}:){6}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(?:\\.(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}|::(?:ffff(?::0{1,4})?:)?(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(?:\\.(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3})$';

/** The Gateway address `oneOf`: an IPAddress (the default type) holds an IPv4 or IPv6 address. */
function isAddressOneOf(oneOf) {
  return Array.isArray(oneOf) && oneOf.length === 2 && oneOf[0]?.properties?.value?.anyOf?.[0]?.format === 'ipv4' && oneOf[1]?.properties?.type?.not?.enum?.[0] === 'IPAddress';
}

function convK8s(s, path, kind) {
  const out = {};
  if (s['x-kubernetes-int-or-string']) {
    out.type = ['integer', 'string'];
    return out;
  }
  if (s.type) out.type = s.nullable ? [s.type, 'null'] : s.type;
  for (const k of ['enum', 'pattern', 'minItems', 'maxItems', 'minLength', 'maxLength', 'minimum', 'maximum', 'minProperties', 'maxProperties', 'default']) {
    if (s[k] !== undefined) out[k] = s[k];
  }
  if (s.format && !['int32', 'int64', 'date-time'].includes(s.format)) warnings.push(`format ${s.format} left out at ${kind} ${path}`);
  if (s.required) out.required = [...s.required];
  if (s.type === 'object') {
    if (s.properties) {
      out.properties = {};
      for (const [n, c] of Object.entries(s.properties)) out.properties[n] = convK8s(c, path ? `${path}.${n}` : n, kind);
      if (!s['x-kubernetes-preserve-unknown-fields']) out.additionalProperties = false;
    } else if (s.additionalProperties && typeof s.additionalProperties === 'object') {
      out.additionalProperties = convK8s(s.additionalProperties, `${path}.*`, kind);
    } else {
      warnings.push(`open object ${kind} ${path}`);
    }
  }
  if (s.items) out.items = convK8s(s.items, `${path}[]`, kind);
  if (s['x-kubernetes-list-type'] === 'set') out.uniqueItems = true;
  if (s['x-kubernetes-list-type'] === 'map') out['x-list-map-keys'] = [...s['x-kubernetes-list-map-keys']];
  if (isAddressOneOf(s.oneOf)) {
    out.if = { properties: { type: { const: 'IPAddress' } } };
    out.then = { properties: { value: { pattern: `${IPV4}|${IPV6}`, 'x-error': 'an address of type IPAddress (the default) must be an IPv4 or IPv6 address' } } };
  } else if (s.oneOf || s.anyOf || s.allOf || s.not) warnings.push(`combinator left out at ${kind} ${path}`);
  const cel = [];
  for (const { rule, message } of s['x-kubernetes-validations'] ?? []) {
    if (/\boldSelf\b/.test(rule)) {
      UNCHECKED_CEL.push({ kind, path, rule, why: 'a transition rule: it compares with the stored object' });
      continue;
    }
    const own = celMessage(message);
    if (!own) {
      warnings.push(`CEL rule without a project message at ${kind} ${path}: ${message}`);
      UNCHECKED_CEL.push({ kind, path, rule, why: 'no project message' });
      continue;
    }
    cel.push({ rule, message: own });
  }
  if (cel.length) out['x-cel'] = cel;
  return out;
}

function gatewayApiSchemas(file) {
  const crds = parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS()).filter((d) => d?.kind === 'CustomResourceDefinition');
  const stripDescriptions = (x) => JSON.stringify(x, (k, v) => (k === 'description' ? undefined : v));
  const written = [];
  for (const k of GATEWAY_API) {
    const crd = crds.find((d) => d.spec.group === GATEWAY_API_GROUP && d.spec.names.kind === k.kind);
    if (!crd) throw new Error(`no CRD for ${k.kind}`);
    const served = crd.spec.versions.filter((v) => v.served);
    // Versions with the same schema share one file; the storage version's group is the plain name.
    const groups = [];
    for (const v of served) {
      const key = stripDescriptions(v.schema.openAPIV3Schema);
      const g = groups.find((x) => x.key === key);
      if (g) g.versions.push(v);
      else groups.push({ key, versions: [v] });
    }
    for (const g of groups) {
      const names = g.versions.map((v) => v.name);
      const plain = g.versions.some((v) => v.storage);
      const fileName = plain ? k.file : `${k.file}-${names[0]}`;
      const root = g.versions[0].schema.openAPIV3Schema;
      const spec = convK8s(root.properties.spec, 'spec', `${k.kind} ${names.join('/')}`);
      const schema = {
        $schema: 'http://json-schema.org/draft-07/schema#',
        $id: `https://mesh-egress-lint/schemas/${fileName}.schema.json`,
        title: `${k.kind} (${GATEWAY_API_GROUP} ${names.join(', ')})`,
        description: `${k.description} Closed objects: the API server rejects or prunes unknown fields.`,
        'x-bundle-version': crd.metadata?.annotations?.['gateway.networking.k8s.io/bundle-version'],
        type: 'object',
        required: ['apiVersion', 'kind', ...(root.required ?? [])],
        properties: {
          apiVersion: { enum: names.map((x) => `${GATEWAY_API_GROUP}/${x}`) },
          kind: { const: k.kind },
          metadata: { $ref: '#/definitions/ObjectMeta' },
          spec,
          status: { type: 'object', description: 'Written by the controller; not checked.' },
        },
        additionalProperties: false,
      };
      const defs = dedupe(schema);
      schema.definitions = { ObjectMeta: META, ...defs };
      fs.writeFileSync(`${OUT}/${fileName}.schema.json`, JSON.stringify(schema, null, 2) + '\n');
      written.push({ file: fileName, kind: k.kind, versions: names });
      console.log(fileName, JSON.stringify(schema).length, Object.keys(defs).join(','));
    }
  }
  // What the checks leave out, for the rule page and its test.
  const unchecked = UNCHECKED_CEL.map((u) => ({ kind: u.kind, path: u.path, rule: u.rule, why: u.why }));
  fs.writeFileSync(`${OUT}/gateway-api-index.json`, JSON.stringify({ schemas: written, uncheckedCel: unchecked }, null, 2) + '\n');
}

gatewayApiSchemas(process.argv[3] ?? new URL('../../shared/reference/gateway-api-crds.yaml', import.meta.url).pathname);
console.log(warnings.join('\n'));
