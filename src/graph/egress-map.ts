// The egress map as data: the model's routes (model/egress-routes.ts) with file positions, the
// findings of the run that fall on each route's resources, and each route's outcome. This is the
// JSON contract (schemas/egress-map.schema.json, docs/egress-map.md): keys are only ever added.
import type { LintResult } from '../engine.js';
import { egressRoutes, type EgressHop, type EgressRoute, type HopTls, type RouteResource } from '../model/egress-routes.js';
import type { FieldPath, Finding, Resource } from '../types.js';

export const EGRESS_MAP_SCHEMA_VERSION = 1;

export type Outcome = 'allowed' | 'blocked' | 'passthrough' | 'broken';

export interface MapLocation {
  file: string;
  line: number;
}

export interface MapTls {
  mode: HopTls['mode'];
  setBy: string;
  file?: string;
  line?: number;
}

export interface MapHop {
  kind: EgressHop['kind'];
  name: string;
  gateway?: string;
  to?: string;
  port?: number;
  tls?: MapTls;
  weight?: number;
  via?: { resource: string } & MapLocation;
}

export interface MapRoute {
  id: string;
  client: { kind: string; namespace: string; name: string } & MapLocation;
  host: string;
  port: number | null;
  source: EgressRoute['source'];
  references: ({ what: string } & MapLocation)[];
  dataPlane: 'sidecar' | 'ambient' | 'none';
  policy: { mode: string; setBy: string; enforced: boolean; note?: string; file?: string; line?: number };
  registry: EgressRoute['registry'];
  hops: MapHop[];
  outcome: Outcome;
  reason: string;
  findings: string[];
}

/** A namespace group: the workloads a `Namespace` client of the registry routes stands for. */
export interface MapGroup {
  namespace: string;
  name: string;
  dataPlane: MapRoute['dataPlane'];
  clients: ({ kind: string; namespace: string; name: string } & MapLocation)[];
}

export interface MapFinding {
  id: string;
  ruleId: string;
  severity: Finding['severity'];
  message: string;
  file: string;
  line: number;
  column: number;
  resource?: string;
}

export interface EgressMap {
  schemaVersion: number;
  tool: { name: string; version: string };
  summary: { routes: number; allowed: number; blocked: number; passthrough: number; broken: number; clients: number; hosts: number };
  routes: MapRoute[];
  groups: MapGroup[];
  findings: MapFinding[];
}

function isPrefix(a: FieldPath, b: FieldPath): boolean {
  if (a.length > b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether a finding at `path` of a resource belongs to a route through that resource. */
function onRoute(entry: RouteResource, path: FieldPath): boolean {
  if (entry.exclude?.some((x) => isPrefix(x, path))) return false;
  if (!entry.only) return true;
  return entry.only.some((p) => isPrefix(p, path) || isPrefix(path, p));
}

function resourceKey(file: string, kind: string, namespace: string, name: string): string {
  return `${file}\0${kind}\0${namespace}\0${name}`;
}

/**
 * Builds the map from a lint run (its model and its findings). `positions: false` leaves every
 * `line` 0, for pictures that print none (mermaid, dot).
 */
export function buildEgressMap(result: LintResult, tool: { name: string; version: string }, options: { positions?: boolean } = {}): EgressMap {
  const findings: MapFinding[] = result.findings.map((f, i) => ({
    id: `F${i + 1}`,
    ruleId: f.ruleId,
    severity: f.severity,
    message: f.message,
    file: f.file,
    line: f.line,
    column: f.column,
    ...(f.resource ? { resource: `${f.resource.kind} ${f.resource.namespace ? `${f.resource.namespace}/` : ''}${f.resource.name}` } : {}),
  }));
  const byResource = new Map<string, { finding: Finding; id: string }[]>();
  result.findings.forEach((f, i) => {
    if (!f.resource) return;
    const key = resourceKey(f.file, f.resource.kind, f.resource.namespace, f.resource.name);
    const list = byResource.get(key) ?? [];
    list.push({ finding: f, id: `F${i + 1}` });
    byResource.set(key, list);
  });
  // Positions are found after the map is built, every document once and in file order: a position
  // needs the document parsed again (ParsedDocument.locate), and the loader keeps only a few such
  // trees, so asking in route order would parse the same documents again and again.
  const wanted = new Map<Resource, Map<string, { path: FieldPath; targets: MapLocation[] }>>();
  const place = <T extends object>(obj: T, r: Resource, path: FieldPath = []): T & MapLocation => {
    const target = Object.assign(obj, { file: r.doc.file.displayPath, line: 0 });
    let byPath = wanted.get(r);
    if (!byPath) wanted.set(r, (byPath = new Map()));
    const key = path.join('\0');
    const entry = byPath.get(key);
    if (entry) entry.targets.push(target);
    else byPath.set(key, { path, targets: [target] });
    return target;
  };
  const severityOf = new Map(findings.map((f) => [f.id, f.severity]));

  const ids = new Map<string, number>();
  const routes = egressRoutes(result.mesh).map((r): MapRoute => {
    const attached = new Set<string>();
    for (const entry of r.onPath) {
      const res = entry.resource;
      for (const { finding, id } of byResource.get(resourceKey(res.doc.file.displayPath, res.kind, res.namespace, res.name)) ?? []) {
        if (onRoute(entry, finding.path)) attached.add(id);
      }
    }
    const findingIds = [...attached].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
    const outcome: Outcome =
      r.verdict === 'dead-end' ? 'broken' : r.verdict === 'blocked' ? 'blocked' : findingIds.some((id) => severityOf.get(id) === 'error') ? 'broken' : r.verdict;
    let id = `${r.client.namespace}/${r.client.kind}/${r.client.name}->${r.host}${r.port !== undefined ? `:${r.port}` : ''}`;
    const n = ids.get(id) ?? 0;
    ids.set(id, n + 1);
    if (n > 0) id = `${id}#${n + 1}`;
    const policy = r.policy;
    return {
      id,
      client: place({ ...r.client }, r.workload.resource, r.workload.templatePath),
      host: r.host,
      port: r.port ?? null,
      source: r.source,
      references: r.references.map((x) => place({ what: x.what }, x.resource, x.path)),
      dataPlane: policy.dataPlane?.kind ?? 'sidecar',
      policy: ((o) => (policy.resource ? place(o, policy.resource, policy.path) : o))({ mode: policy.mode, setBy: policy.setBy, enforced: r.enforced, ...(r.notEnforced ? { note: r.notEnforced } : {}) }),
      registry: r.registry,
      hops: r.hops.map((h): MapHop => {
        const out: MapHop = { kind: h.kind, name: h.name };
        if (h.gateway) out.gateway = h.gateway;
        if (h.to) out.to = h.to;
        if (h.port !== undefined) out.port = h.port;
        if (h.weight !== undefined) out.weight = h.weight;
        if (h.tls) out.tls = h.tls.resource ? place({ mode: h.tls.mode, setBy: h.tls.setBy }, h.tls.resource, h.tls.path) : { mode: h.tls.mode, setBy: h.tls.setBy };
        if (h.via) out.via = place({ resource: h.via.resource.ref }, h.via.resource, h.via.path);
        return out;
      }),
      outcome,
      reason: r.reason,
      findings: findingIds,
    };
  });
  const groups: MapGroup[] = [];
  const seenGroups = new Set<unknown>();
  for (const r of egressRoutes(result.mesh)) {
    if (!r.group || seenGroups.has(r.group)) continue;
    seenGroups.add(r.group);
    groups.push({
      namespace: r.group.namespace,
      name: r.group.name,
      dataPlane: r.policy.dataPlane?.kind ?? 'sidecar',
      clients: r.group.members.map((w) => place({ kind: w.resource.kind, namespace: w.namespace, name: w.resource.name }, w.resource, w.templatePath)),
    });
  }
  if (options.positions !== false) {
    const byDocument = [...wanted].sort(([a], [b]) => (a.doc.file.path < b.doc.file.path ? -1 : a.doc.file.path > b.doc.file.path ? 1 : a.doc.index - b.doc.index));
    for (const [r, byPath] of byDocument) {
      for (const { path, targets } of byPath.values()) {
        const line = r.doc.locate(path).line;
        for (const t of targets) t.line = line;
      }
    }
  }
  const count = (o: Outcome) => routes.filter((r) => r.outcome === o).length;
  return {
    schemaVersion: EGRESS_MAP_SCHEMA_VERSION,
    tool,
    summary: {
      routes: routes.length,
      allowed: count('allowed'),
      blocked: count('blocked'),
      passthrough: count('passthrough'),
      broken: count('broken'),
      clients: new Set(routes.map((r) => `${r.client.namespace}/${r.client.kind}/${r.client.name}`)).size,
      hosts: new Set(routes.map((r) => r.host)).size,
    },
    routes,
    groups,
    findings,
  };
}

export function egressMapJson(map: EgressMap): string {
  return `${JSON.stringify(map, null, 2)}\n`;
}
