// Schema checks of modelled kinds: runs the validators that scripts/build-schemas.mjs generated from
// schemas/*.schema.json and turns ajv's errors into one-sentence messages at the offending node.
import * as generated from './generated/validators.js';
import type { GeneratedError, GeneratedValidator, SchemaNodeMeta, ValidatorName } from './generated/validators.js';
import { formatPath } from '../model/resource.js';
import { celIssues } from './cel-check.js';
import type { Resource } from '../types.js';
import { nearestName } from '../util/suggest.js';
import { isNonJsonNumber } from '../load/yaml11-scalars.js';

export interface SchemaIssue {
  path: (string | number)[];
  message: string;
  /** 'key' for unknown fields (point at the key), 'value' otherwise. */
  target: 'key' | 'value';
}

/** Who rejects a bad field, for the wording of unknown-field messages. */
type Family = 'istio' | 'kubernetes' | 'operator' | 'config';

interface Target {
  validator: ValidatorName;
  family: Family;
}

const ISTIO_NETWORKING = ['v1', 'v1beta1', 'v1alpha3'];

/** group → kind → versions with a schema. The Gateway API kinds come from GATEWAY_API below. */
const TARGETS: Record<string, Record<string, { versions: string[]; validator: ValidatorName; family: Family }>> = {
  'networking.istio.io': {
    ServiceEntry: { versions: ISTIO_NETWORKING, validator: 'validateServiceEntry', family: 'istio' },
    DestinationRule: { versions: ISTIO_NETWORKING, validator: 'validateDestinationRule', family: 'istio' },
    VirtualService: { versions: ISTIO_NETWORKING, validator: 'validateVirtualService', family: 'istio' },
    Gateway: { versions: ISTIO_NETWORKING, validator: 'validateGateway', family: 'istio' },
    Sidecar: { versions: ISTIO_NETWORKING, validator: 'validateSidecar', family: 'istio' },
    WorkloadEntry: { versions: ISTIO_NETWORKING, validator: 'validateWorkloadEntry', family: 'istio' },
  },
  'security.istio.io': {
    PeerAuthentication: { versions: ['v1', 'v1beta1'], validator: 'validatePeerAuthentication', family: 'istio' },
  },
  'install.istio.io': {
    IstioOperator: { versions: ['v1alpha1'], validator: 'validateIstioOperator', family: 'operator' },
  },
  '': {
    Service: { versions: ['v1'], validator: 'validateService', family: 'kubernetes' },
    Endpoints: { versions: ['v1'], validator: 'validateEndpoints', family: 'kubernetes' },
    ConfigMap: { versions: ['v1'], validator: 'validateConfigMap', family: 'kubernetes' },
    Namespace: { versions: ['v1'], validator: 'validateNamespace', family: 'kubernetes' },
  },
  'discovery.k8s.io': {
    EndpointSlice: { versions: ['v1'], validator: 'validateEndpointSlice', family: 'kubernetes' },
  },
};

/** `Kind/version` of gateway.networking.k8s.io → its validator (scripts/build-schemas.mjs). */
const GATEWAY_API = new Map<string, ValidatorName>();
for (const { kind, versions, validator } of generated.gatewayApiSchemas) for (const v of versions) GATEWAY_API.set(`${kind}/${v}`, validator);

const VALIDATORS: Record<ValidatorName, GeneratedValidator> = {
  validateServiceEntry: generated.validateServiceEntry,
  validateDestinationRule: generated.validateDestinationRule,
  validateVirtualService: generated.validateVirtualService,
  validateGateway: generated.validateGateway,
  validateSidecar: generated.validateSidecar,
  validateWorkloadEntry: generated.validateWorkloadEntry,
  validatePeerAuthentication: generated.validatePeerAuthentication,
  validateIstioOperator: generated.validateIstioOperator,
  validateService: generated.validateService,
  validateEndpoints: generated.validateEndpoints,
  validateEndpointSlice: generated.validateEndpointSlice,
  validateConfigMap: generated.validateConfigMap,
  validateNamespace: generated.validateNamespace,
  validateConfig: generated.validateConfig,
  validateGatewayApiGatewayClass: generated.validateGatewayApiGatewayClass,
  validateGatewayApiGateway: generated.validateGatewayApiGateway,
  validateGatewayApiListenerSet: generated.validateGatewayApiListenerSet,
  validateGatewayApiHTTPRoute: generated.validateGatewayApiHTTPRoute,
  validateGatewayApiGRPCRoute: generated.validateGatewayApiGRPCRoute,
  validateGatewayApiTLSRoute: generated.validateGatewayApiTLSRoute,
  validateGatewayApiTLSRouteV1alpha2: generated.validateGatewayApiTLSRouteV1alpha2,
  validateGatewayApiTCPRoute: generated.validateGatewayApiTCPRoute,
  validateGatewayApiTCPRouteV1alpha2: generated.validateGatewayApiTCPRouteV1alpha2,
  validateGatewayApiUDPRoute: generated.validateGatewayApiUDPRoute,
  validateGatewayApiUDPRouteV1alpha2: generated.validateGatewayApiUDPRouteV1alpha2,
  validateGatewayApiReferenceGrant: generated.validateGatewayApiReferenceGrant,
  validateGatewayApiBackendTLSPolicy: generated.validateGatewayApiBackendTLSPolicy,
};

const UNKNOWN_FIELD_REASON: Record<Family, string> = {
  istio: 'the API server drops or rejects it (Istio CRDs prune unknown fields since 1.6)',
  kubernetes: 'the API server rejects it, or drops it when field validation is off',
  operator: 'istioctl install rejects it',
  config: 'mesh-egress-lint does not know it',
};

function targetFor(resource: Resource): Target | undefined {
  if (resource.group === 'gateway.networking.k8s.io') {
    const validator = GATEWAY_API.get(`${resource.kind}/${resource.version}`);
    return validator ? { validator, family: 'kubernetes' } : undefined;
  }
  const kinds = Object.prototype.hasOwnProperty.call(TARGETS, resource.group) ? TARGETS[resource.group] : undefined;
  const entry = kinds && Object.prototype.hasOwnProperty.call(kinds, resource.kind) ? kinds[resource.kind] : undefined;
  if (!entry || !entry.versions.includes(resource.version)) return undefined;
  return { validator: entry.validator, family: entry.family };
}

/** Schema issues of a resource of a modelled kind; [] for other kinds. Never throws. */
export function schemaIssues(resource: Resource): SchemaIssue[] {
  try {
    const target = targetFor(resource);
    if (!target) return [];
    return run(target, resource.raw, resource.kind);
  } catch {
    return [];
  }
}

/** Issues of a parsed `.mesh-egress-lint.yaml` (schemas/config.schema.json). Never throws. */
export function configIssues(value: unknown): SchemaIssue[] {
  try {
    return run({ validator: 'validateConfig', family: 'config' }, value, 'the config file');
  } catch {
    return [];
  }
}

function run(target: Target, raw: unknown, subject: string): SchemaIssue[] {
  // The API server prunes null fields before validation (and Go decodes null as the zero value):
  // validate what it would see.
  const data = withoutNulls(raw, 0);
  const validate = VALIDATORS[target.validator];
  const valid = validate(data);
  const cel = generated.celTrees[target.validator];
  if (valid && !cel) return [];
  const meta = generated.schemaMeta[target.validator];
  const errors = valid ? [] : (validate.errors ?? []);
  const issues = errors.length ? toIssues(errors, { data, raw, meta, family: target.family, subject }) : [];
  if (cel && issues.length < MAX_ISSUES) {
    // CEL rules run where the schema check passed (the API server evaluates them on a well-formed object).
    const failed = new Set<string>();
    for (const e of errors) {
      const path = decodePointer(e.instancePath, data);
      for (let i = 0; i <= path.length; i++) failed.add(pointerKey(path.slice(0, i)));
    }
    for (const c of celIssues(cel, data, failed)) {
      if (issues.length >= MAX_ISSUES) break;
      const why = c.source === 'rule' ? 'the API server refuses the resource (a validation rule of the CRD)' : 'the API server refuses the duplicate';
      // A rule on a field points at its key ("listeners:"), one on a list item at the item.
      const target = typeof c.path[c.path.length - 1] === 'string' ? 'key' : 'value';
      issues.push({ path: c.path, target, message: `${subject} ${c.message}; ${why}` });
    }
  }
  return issues;
}

const MAX_DEPTH = 100;
/** Per resource: a garbage document should not bury the other findings. */
const MAX_ISSUES = 50;

function hasNull(value: unknown, depth: number): boolean {
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return false;
  for (const v of Array.isArray(value) ? value : Object.values(value)) if (v === null || hasNull(v, depth + 1)) return true;
  return false;
}

/** A copy without null fields (the API server drops them); the value itself when it has none. */
function withoutNulls(value: unknown, depth: number): unknown {
  if (depth === 0 && !hasNull(value, 0)) return value;
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => withoutNulls(v, depth + 1));
  // A null prototype: a key named `__proto__` is a field like any other, not the object's prototype.
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = withoutNulls(v, depth + 1);
  return out;
}

interface Context {
  data: unknown;
  raw: unknown;
  meta: Record<string, SchemaNodeMeta>;
  family: Family;
  /** "ServiceEntry", or "the config file". */
  subject: string;
}

type Path = (string | number)[];

interface Located extends GeneratedError {
  path: Path;
  /** Errors of conditional subschemas (CEL rules): dropped when the node has a plain error too. */
  conditional: boolean;
}

function toIssues(errors: GeneratedError[], ctx: Context): SchemaIssue[] {
  const located: Located[] = [];
  for (const e of errors) {
    // `if` only says that `then` failed; `propertyNames` wraps the errors of the key itself.
    if (e.keyword === 'if' || e.keyword === 'propertyNames') continue;
    const path = decodePointer(e.instancePath, ctx.data);
    // `.inf` and `.nan`: the loader reports them at the node (Kubernetes cannot decode the document); one defect, one finding.
    if (isNonJsonNumber(valueAt(ctx.data, path))) continue;
    located.push({ ...e, path, conditional: /\/(then|else)\//.test(e.schemaPath) });
  }
  // A node of the wrong type gets one finding: nothing below it or about its value is useful.
  const wrongType = located.filter((e) => e.keyword === 'type').map((e) => pointerKey(e.path));
  const plain = new Set(located.filter((e) => !e.conditional).map((e) => pointerKey(e.path)));
  const kept = located.filter((e) => {
    const key = pointerKey(e.path);
    if (e.keyword !== 'type' && wrongType.some((t) => key === t || key.startsWith(`${t}/`))) return false;
    if (e.keyword === 'type' && wrongType.some((t) => key !== t && key.startsWith(`${t}/`))) return false;
    if (e.conditional && plain.has(key)) return false;
    return true;
  });
  // `sni_hosts` both is unknown and leaves `sniHosts` missing: report the misspelling only.
  const misspelt = new Set<string>();
  for (const e of kept) {
    if (e.keyword !== 'additionalProperties') continue;
    const allowed = ctx.meta[parentPointer(e.schemaPath)]?.p ?? [];
    const suggestion = suggestName(String(e.params.additionalProperty), allowed);
    if (suggestion) misspelt.add(`${pointerKey(e.path)}|${suggestion}`);
  }
  const issues: SchemaIssue[] = [];
  const seen = new Set<string>();
  for (const e of kept) {
    if (e.keyword === 'required' && misspelt.has(`${pointerKey(e.path)}|${String(e.params.missingProperty)}`)) continue;
    const issue = describe(e, ctx);
    const id = issue.message;
    if (seen.has(id)) continue;
    seen.add(id);
    issues.push(issue);
  }
  if (issues.length > MAX_ISSUES) {
    const rest = issues.length - MAX_ISSUES + 1;
    issues.length = MAX_ISSUES - 1;
    issues.push({ path: [], target: 'value', message: `${ctx.subject} has ${rest} more schema problems; fix the ones above first` });
  }
  return issues;
}

function describe(e: Located, ctx: Context): SchemaIssue {
  const node = ctx.meta[parentPointer(e.schemaPath)] ?? {};
  const value = valueAt(ctx.data, e.path);
  const at = formatPath(e.path);
  const limit = typeof e.params.limit === 'number' ? e.params.limit : undefined;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(e.params.additionalProperty);
      return { path: [...e.path, key], target: 'key', message: unknownField(key, e.path, node, ctx) };
    }
    case 'type':
      return {
        path: e.path,
        target: 'value',
        // Durations carry their format in the hint: `timeout: 10` → "expected … such as "5s"".
        message: `${subjectPath(e.path, ctx)} must be ${describeType(e.params.type, node.it)}, not ${describeValue(value)}${
          node.x?.startsWith('expected ') ? `; ${node.x}` : ''
        }`,
      };
    case 'required': {
      const field = String(e.params.missingProperty);
      const rawParent = valueAt(ctx.raw, e.path);
      if (isObject(rawParent) && rawParent[field] === null) {
        return { path: [...e.path, field], target: 'value', message: `${subjectPath([...e.path, field], ctx)} is empty, but it is required` };
      }
      const where = e.path.length ? `${ctx.subject} ${at}` : ctx.subject;
      const why = node.x ? `: ${node.x}` : '';
      return {
        path: e.path.length ? e.path : ['kind'],
        target: e.path.length && typeof e.path[e.path.length - 1] === 'number' ? 'value' : 'key',
        message: `${where} is missing required field "${field}"${why}`,
      };
    }
    case 'enum': {
      const allowed = Array.isArray(e.params.allowedValues) ? e.params.allowedValues.map(String) : [];
      if (node.x) return { path: e.path, target: 'value', message: `${subjectPath(e.path, ctx)} ${quote(value)}: ${node.x}` };
      return { path: e.path, target: 'value', message: notAllowed(value, e.path, allowed, false) };
    }
    case 'const':
      return { path: e.path, target: 'value', message: `${subjectPath(e.path, ctx)} must be ${JSON.stringify(e.params.allowedValue)}` };
    case 'pattern':
    case 'maxLength':
    case 'minLength':
      if (typeof e.propertyName === 'string' || /\/propertyNames\/[^/]+$/.test(e.schemaPath)) {
        const key = String(e.propertyName ?? '');
        const why = node.x ?? (e.keyword === 'pattern' ? `keys must match ${String(e.params.pattern)}` : 'the key is too long');
        return { path: [...e.path, key], target: 'key', message: `Key "${key}" in ${subjectPath(e.path, ctx)} is invalid: ${why}` };
      }
      if (node.ci) return { path: e.path, target: 'value', message: notAllowed(value, e.path, node.ci, true) };
      if (node.x) return { path: e.path, target: 'value', message: `${subjectPath(e.path, ctx)} ${quote(value)}: ${node.x}` };
      if (e.keyword === 'pattern') {
        return { path: e.path, target: 'value', message: `${subjectPath(e.path, ctx)} ${quote(value)} does not match ${String(e.params.pattern)}` };
      }
      return {
        path: e.path,
        target: 'value',
        message: `${subjectPath(e.path, ctx)} must be ${e.keyword === 'maxLength' ? 'at most' : 'at least'} ${limit} characters long`,
      };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const range = node.r ? `between ${node.r[0]} and ${node.r[1]}` : `${e.params.comparison ?? ''} ${limit}`.trim();
      return { path: e.path, target: 'value', message: `${subjectPath(e.path, ctx)} must be ${range}, not ${String(value)}` };
    }
    case 'minItems':
    case 'maxItems':
    case 'minProperties':
    case 'maxProperties': {
      if (node.x) return { path: e.path, target: 'value', message: `${subjectPath(e.path, ctx)}: ${node.x}` };
      const what = e.keyword.endsWith('Items') ? 'item' : 'entry';
      const bound = e.keyword.startsWith('min') ? 'at least' : 'at most';
      const plural = limit === 1 ? what : what === 'entry' ? 'entries' : 'items';
      return { path: e.path, target: 'value', message: `${subjectPath(e.path, ctx)} must have ${bound} ${limit} ${plural}` };
    }
    case 'false schema': {
      const m = /\/dependencies\/([^/]+)\/properties\/([^/]+)\/false schema$/.exec(e.schemaPath);
      if (m) {
        const [a, b] = [unescapePointer(m[1] ?? ''), unescapePointer(m[2] ?? '')].sort();
        const parent = e.path.slice(0, -1);
        const where = parent.length ? `${ctx.subject} ${formatPath(parent)}` : ctx.subject;
        return { path: e.path, target: 'key', message: `${where} sets both "${a}" and "${b}": only one of them may be set` };
      }
      return { path: e.path, target: 'key', message: `${subjectPath(e.path, ctx)} is not allowed here` };
    }
    case 'uniqueItems':
      // x-kubernetes-list-type: set (Gateway API): the API server refuses a repeated value.
      return { path: e.path, target: typeof e.path[e.path.length - 1] === 'string' ? 'key' : 'value', message: `${subjectPath(e.path, ctx)} lists the same value twice (items ${String(e.params.j)} and ${String(e.params.i)}); the API server refuses duplicates` };
    case 'not':
      return { path: e.path, target: 'key', message: `${subjectPath(e.path, ctx)}: ${node.x ?? 'this value is not allowed here'}` };
    case 'anyOf':
    case 'oneOf':
      return { path: e.path, target: 'value', message: `${subjectPath(e.path, ctx)} has an invalid value (${describeValue(value)})` };
    default:
      return { path: e.path, target: 'value', message: `${subjectPath(e.path, ctx)} is invalid (${e.keyword})` };
  }
}

function unknownField(key: string, parent: Path, node: SchemaNodeMeta, ctx: Context): string {
  const where = parent.length ? `${ctx.subject} ${formatPath(parent)}` : ctx.subject;
  const head =
    ctx.family === 'config'
      ? `Unknown key "${key}"${parent.length ? ` in ${formatPath(parent)}` : ''} of the config file`
      : `Unknown field "${key}" in ${where}`;
  let hint = '';
  const moved = node.mv?.[key];
  if (moved) {
    hint = `; it belongs in ${formatPath([...parent, ...moved.split('.')])}`;
  } else {
    const suggestion = suggestName(key, node.p ?? []);
    if (suggestion) hint = `; did you mean "${suggestion}"?`;
    else if (parent.length === 0 && (ctx.meta['#/properties/spec']?.p ?? []).includes(key)) hint = '; it belongs under spec';
  }
  return `${head}: ${UNKNOWN_FIELD_REASON[ctx.family]}${hint}`;
}

function notAllowed(value: unknown, path: Path, allowed: string[], anyCase: boolean): string {
  const label = fieldLabel(path);
  const list = `${allowed.join(', ')}${anyCase ? ', in any case' : ''}`;
  if (typeof value !== 'string') return `${formatPath(path)} must be one of ${list}, not ${describeValue(value)}`;
  const suggestion = suggestValue(value, allowed);
  return `"${value}" is not a valid ${label} (${list})${suggestion ? `; did you mean "${suggestion}"?` : ''}`;
}

// ---- wording helpers -------------------------------------------------------------------------

function subjectPath(path: Path, ctx: Context): string {
  return path.length ? formatPath(path) : ctx.subject;
}

function describeType(type: unknown, items: string | string[] | undefined): string {
  const types = (Array.isArray(type) ? type : [type]).map(String).filter((t) => t !== 'null');
  if (types.length === 1 && types[0] === 'array' && items !== undefined) {
    const itemTypes = (Array.isArray(items) ? items : [items]).filter((t) => t !== 'null');
    return `an array of ${itemTypes.map(pluralType).join(' or ')}`;
  }
  return types.map(articleType).join(' or ');
}

const TYPE_NAMES: Record<string, [string, string]> = {
  string: ['a string', 'strings'],
  integer: ['an integer', 'integers'],
  number: ['a number', 'numbers'],
  boolean: ['a boolean (true or false)', 'booleans'],
  object: ['an object (key: value pairs)', 'objects'],
  array: ['an array (a YAML list)', 'arrays'],
};
const articleType = (t: string): string => TYPE_NAMES[t]?.[0] ?? t;
const pluralType = (t: string): string => TYPE_NAMES[t]?.[1] ?? t;

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'number':
      return Number.isInteger(value) ? 'a number' : `a fractional number (${value})`;
    case 'boolean':
      return `a boolean (${value})`;
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

function quote(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  return describeValue(value);
}

/** `tls.mode`, `resolution`: the field's name with its parent object's when that helps. */
function fieldLabel(path: Path): string {
  const last = path[path.length - 1];
  const prev = path[path.length - 2];
  if (typeof last !== 'string') return formatPath(path);
  if (typeof prev === 'string' && prev !== 'spec') return `${prev}.${last}`;
  return last;
}


// ---- suggestions -----------------------------------------------------------------------------

/** Closest allowed name: snake_case or kebab-case → camelCase, then case, then edit distance ≤ 2. */
export function suggestName(key: string, allowed: readonly string[]): string | undefined {
  if (!allowed.length || key.length > 200) return undefined;
  const camel = key.replace(/[_-]+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());
  if (camel !== key && allowed.includes(camel)) return camel;
  const lower = key.toLowerCase();
  const sameLetters = allowed.find((a) => a.toLowerCase() === lower || a.toLowerCase() === camel.toLowerCase());
  if (sameLetters) return sameLetters;
  return nearestName(camel.toLowerCase(), allowed, 3, (a) => a.toLowerCase());
}

function suggestValue(value: string, allowed: readonly string[]): string | undefined {
  if (value.length > 200) return undefined;
  const upper = value.toUpperCase();
  const same = allowed.find((a) => a.toUpperCase() === upper);
  if (same) return same;
  const near = nearestName(upper.replace(/[-\s]/g, '_'), allowed, 3, (a) => a.toUpperCase());
  if (near || upper.length < 3) return near;
  // An abbreviation: "warn" → "warning".
  const prefixed = allowed.filter((a) => a.toUpperCase().startsWith(upper));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}


// ---- pointers --------------------------------------------------------------------------------

function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** "/spec/ports/0" → ['spec', 'ports', 0] (numbers where the data holds an array). */
function decodePointer(pointer: string, data: unknown): Path {
  if (!pointer) return [];
  const path: Path = [];
  let current: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = unescapePointer(raw);
    if (Array.isArray(current)) {
      const index = Number(seg);
      path.push(index);
      current = current[index];
    } else {
      path.push(seg);
      current = isObject(current) ? current[seg] : undefined;
    }
  }
  return path;
}

function pointerKey(path: Path): string {
  return path.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}

/** Schema node that holds the keyword: "#/properties/spec/required" → "#/properties/spec". */
function parentPointer(schemaPath: string): string {
  const i = schemaPath.lastIndexOf('/');
  return i > 0 ? schemaPath.slice(0, i) : schemaPath;
}

function valueAt(data: unknown, path: Path): unknown {
  let current = data;
  for (const seg of path) {
    if (Array.isArray(current) && typeof seg === 'number') current = current[seg];
    else if (isObject(current) && typeof seg === 'string') current = Object.prototype.hasOwnProperty.call(current, seg) ? current[seg] : undefined;
    else return undefined;
  }
  return current;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
