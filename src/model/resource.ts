import type { JsonObject, ParsedDocument, Resource } from '../types.js';

const CLUSTER_SCOPED = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'StorageClass',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'PriorityClass',
  'IngressClass',
  'APIService',
  'GatewayClass',
  'RuntimeClass',
  'CSIDriver',
  'VolumeAttachment',
]);

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function asString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function asStringArray(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObject(v)) return out;
  for (const [k, val] of Object.entries(v)) {
    if (typeof val === 'string') out[k] = val;
    else if (typeof val === 'number' || typeof val === 'boolean') out[k] = String(val);
  }
  return out;
}

/** Builds a Resource from a manifest document; namespace defaulting happens here and only here. */
export function toResource(doc: ParsedDocument, defaultNamespace: string): Resource | undefined {
  const raw = doc.value;
  if (!isObject(raw)) return undefined;
  const apiVersion = asString(raw.apiVersion);
  const kind = asString(raw.kind);
  if (!apiVersion || !kind) return undefined;
  const slash = apiVersion.indexOf('/');
  const group = slash === -1 ? '' : apiVersion.slice(0, slash);
  const version = slash === -1 ? apiVersion : apiVersion.slice(slash + 1);
  const meta = isObject(raw.metadata) ? raw.metadata : {};
  const name = asString(meta.name) ?? (typeof meta.name === 'number' ? String(meta.name) : '');
  const clusterScoped = CLUSTER_SCOPED.has(kind);
  const declaredNs = asString(meta.namespace);
  const namespace = clusterScoped ? '' : declaredNs && declaredNs.length > 0 ? declaredNs : defaultNamespace;
  const shownName = name || '<unnamed>';
  return {
    apiVersion,
    group,
    version,
    kind,
    name,
    namespace,
    namespaceExplicit: !clusterScoped && !!declaredNs,
    labels: stringMap(meta.labels),
    annotations: stringMap(meta.annotations),
    raw,
    spec: isObject(raw.spec) ? raw.spec : {},
    doc,
    ref: clusterScoped ? `${kind} ${shownName}` : `${kind} ${namespace}/${shownName}`,
  };
}

/** Label selector match (matchLabels form, or a plain map). An empty selector matches everything. */
export function labelsMatch(selector: Record<string, string>, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(selector)) if (labels[k] !== v) return false;
  return true;
}

/** Field at a path, or undefined. */
export function at(obj: unknown, ...path: (string | number)[]): unknown {
  let cur: unknown = obj;
  for (const seg of path) {
    if (typeof seg === 'number') {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[seg];
    } else {
      if (!isObject(cur)) return undefined;
      cur = cur[seg];
    }
  }
  return cur;
}

const IDENTIFIER = /^[A-Za-z_$][\w$-]*$/;

/** spec.tls[0].match[0].sniHosts; odd keys in brackets: metadata.labels["app.kubernetes.io/name"]. */
export function formatPath(path: ReadonlyArray<string | number>): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (IDENTIFIER.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}
