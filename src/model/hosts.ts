// Host names as Istio reads them (semantics §2, §3.3, §6).
import { pushTo } from '../util/collections.js';

export const CLUSTER_DOMAIN = 'cluster.local';
const SVC_SUFFIX = `.svc.${CLUSTER_DOMAIN}`;

/**
 * A short name (no dot, not a wildcard) is a Service in the resource's own namespace; anything
 * else is used as written. Istio does not expand `name.ns` (semantics §3.3: short names resolve
 * against the resource's namespace).
 */
export function toFqdn(host: string, namespace: string): string {
  const h = host.toLowerCase();
  if (h === '*' || h.startsWith('*') || h.includes('.') || h === '') return h;
  return `${h}.${namespace}${SVC_SUFFIX}`;
}

export function isWildcard(host: string): boolean {
  return host.startsWith('*');
}

/**
 * One-way wildcard match: `pattern` covers `host`. `*` covers everything; `*.example.com` covers
 * `a.example.com` and `*.a.example.com` but not `example.com`.
 */
export function hostCovers(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  const h = host.toLowerCase();
  if (p === h || p === '*') return true;
  if (!p.startsWith('*')) return false;
  const suffix = p.slice(1); // ".example.com"
  if (h.startsWith('*')) return h.slice(1).endsWith(suffix) && h.length - 1 >= suffix.length;
  return h.endsWith(suffix) && h.length > suffix.length;
}

/** Two hosts that some name satisfies both (bidirectional wildcard match). */
export function hostsOverlap(a: string, b: string): boolean {
  return hostCovers(a, b) || hostCovers(b, a);
}

/** `name.ns.svc.cluster.local` → { name, namespace }. */
export function parseServiceFqdn(host: string): { name: string; namespace: string } | undefined {
  const h = host.toLowerCase();
  if (!h.endsWith(SVC_SUFFIX)) return undefined;
  const parts = h.slice(0, -SVC_SUFFIX.length).split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined;
  return { name: parts[0], namespace: parts[1] };
}

export function serviceFqdn(name: string, namespace: string): string {
  return `${name}.${namespace}${SVC_SUFFIX}`.toLowerCase();
}

/**
 * Whether a host can only be resolved inside the cluster: a short name, `name.ns` for a known
 * namespace, `name.ns.svc`, or anything under the cluster domain.
 */
export function isClusterLocalHost(host: string, knownNamespaces: ReadonlySet<string>): boolean {
  let h = host.toLowerCase().replace(/\.$/, '');
  // A wildcard is cluster-local when what it covers is: `*.local`, `*.svc.cluster.local`, `*.ns.svc…`.
  if (h.startsWith('*.')) h = h.slice(2);
  if (!h.includes('.')) return true;
  // `.local` is never a public name: the cluster domain and mDNS live there.
  if (h === 'local' || h.endsWith('.local')) return true;
  if (h === CLUSTER_DOMAIN || h.endsWith(`.${CLUSTER_DOMAIN}`)) return true;
  if (h.endsWith('.svc')) return true;
  const parts = h.split('.');
  if (parts.length === 2 && knownNamespaces.has(parts[1]!)) return true;
  return false;
}

/** Candidate wildcard patterns that could cover `host`, most specific first: a.b.c → *.b.c, *.c, *. */
export function coveringWildcards(host: string): string[] {
  const h = host.toLowerCase();
  const out: string[] = [];
  let rest = h.startsWith('*.') ? h.slice(2) : h;
  let dot = rest.indexOf('.');
  if (h.startsWith('*.')) out.push(`*.${rest}`);
  while (dot !== -1) {
    rest = rest.slice(dot + 1);
    out.push(`*.${rest}`);
    dot = rest.indexOf('.');
  }
  out.push('*');
  return out;
}

/**
 * A `[namespace/]dnsName` host of a Gateway server (§6 "Hosts") or a Sidecar egress listener (§2):
 * no prefix means `*`, and `.` is the resource's own namespace. The DNS part is lower-cased.
 */
export function splitNamespacedHost(h: string, ownNamespace: string): { namespace: string; host: string } {
  const slash = h.indexOf('/');
  const ns = slash === -1 ? '*' : h.slice(0, slash);
  return { namespace: ns === '.' ? ownNamespace : ns, host: (slash === -1 ? h : h.slice(slash + 1)).toLowerCase() };
}

/** exportTo as Istio reads it (semantics §2): empty = the mesh default `*`. */
export function exportedTo(exportTo: readonly string[] | undefined, ownNamespace: string, fromNamespace: string): boolean {
  if (!exportTo || exportTo.length === 0) return true;
  for (const e of exportTo) {
    if (e === '*') return true;
    if (e === '.' && ownNamespace === fromNamespace) return true;
    if (e === fromNamespace) return true;
  }
  return false;
}

/** Namespaces a resource is exported to: every namespace, or a list (empty for `~`). §2 exportTo. */
export type ExportScope = { all: true } | { all: false; namespaces: ReadonlySet<string> };

export function exportScope(r: { namespace: string; exportTo?: readonly string[] }): ExportScope {
  const e = r.exportTo;
  if (!e || e.length === 0 || e.includes('*')) return { all: true };
  if (e.includes('~')) return { all: false, namespaces: new Set() };
  return { all: false, namespaces: new Set(e.map((n) => (n === '.' ? r.namespace : n))) };
}

/** The namespaces of any of the scopes. */
export function unionScopes(scopes: readonly ExportScope[]): ExportScope {
  const namespaces = new Set<string>();
  for (const s of scopes) {
    if (s.all) return s;
    for (const n of s.namespaces) namespaces.add(n);
  }
  return { all: false, namespaces };
}

/** Some namespace sees both. */
export function scopesOverlap(a: ExportScope, b: ExportScope): boolean {
  if (a.all) return b.all || b.namespaces.size > 0;
  if (b.all) return a.namespaces.size > 0;
  for (const n of a.namespaces) if (b.namespaces.has(n)) return true;
  return false;
}

/**
 * Items by the namespaces they are exported to, answering "which items does this namespace see"
 * without looking at the items exported elsewhere (the usual `exportTo: ["."]`). Questions about
 * which earlier resources share a namespace with another are src/util/parties.ts's.
 */
export class ExportScopeIndex<T> {
  private readonly items: T[] = [];
  private readonly everywhere: number[] = [];
  private readonly byNamespace = new Map<string, number[]>();

  add(scope: ExportScope, item: T): void {
    const i = this.items.push(item) - 1;
    if (scope.all) this.everywhere.push(i);
    else for (const n of scope.namespaces) pushTo(this.byNamespace, n, i);
  }

  /** Items exported to `namespace`, in insertion order; lazily, so a caller can stop at the first that fits. */
  *seenFrom(namespace: string): Generator<T> {
    const a = this.everywhere;
    const b = this.byNamespace.get(namespace) ?? [];
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) {
      if (j >= b.length || (i < a.length && a[i]! < b[j]!)) yield this.items[a[i++]!]!;
      else yield this.items[b[j++]!]!;
    }
  }
}

/** A valid DNS name (labels of letters, digits and hyphens), optionally with a leading `*.`. */
export function isValidDnsName(host: string): boolean {
  const h = host.startsWith('*.') ? host.slice(2) : host;
  if (h.length === 0 || h.length > 253) return false;
  return h.split('.').every((l) => /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(l));
}
