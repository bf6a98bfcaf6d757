// The map as a graph for pictures: clients, the gateways and waypoints on the way, and the hosts,
// in three layers; one edge per (from, to, TLS) with the routes it carries. Derived from the JSON
// contract only, so every picture shows exactly what `--format json` says.
import type { EgressMap, MapRoute, Outcome } from './egress-map.js';

export type NodeKind = 'client' | 'egress-gateway' | 'waypoint' | 'host';

export interface GraphNode {
  id: string;
  kind: NodeKind;
  /** 0 clients, 1 gateways and waypoints, 2 hosts. */
  layer: number;
  label: string;
  /** Second line: the data plane of a client, the port(s) of a host. */
  detail: string;
  namespace?: string;
  routes: string[];
}

export interface GraphEdge {
  from: string;
  to: string;
  /** The TLS of the hop that opens this connection (with its percent where the hop splits the traffic). */
  tls: string;
  outcome: Outcome;
  routes: string[];
}

export interface MapGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

const RANK: Record<Outcome, number> = { allowed: 0, passthrough: 1, blocked: 2, broken: 3 };

/** The worse of two outcomes, for an edge that carries several routes. */
export function worse(a: Outcome, b: Outcome): Outcome {
  return RANK[a] >= RANK[b] ? a : b;
}

export function clientLabel(r: MapRoute): string {
  return r.client.kind === 'Namespace' ? `${r.client.namespace === '*' ? 'mesh-wide' : 'namespace'} group ${r.client.name}` : `${r.client.kind} ${r.client.namespace}/${r.client.name}`;
}

export function buildGraph(map: EgressMap): MapGraph {
  const nodes = new Map<string, GraphNode>();
  const edges = new Map<string, GraphEdge>();
  const node = (key: string, make: () => Omit<GraphNode, 'id' | 'routes'>, routeId: string): GraphNode => {
    let n = nodes.get(key);
    if (!n) nodes.set(key, (n = { id: `n${nodes.size}`, routes: [], ...make() }));
    if (!n.routes.includes(routeId)) n.routes.push(routeId);
    return n;
  };
  const groupSize = new Map((map.groups ?? []).map((g) => [`${g.namespace}\0${g.name}`, g.clients.length]));
  for (const r of map.routes) {
    const plane = r.dataPlane === 'none' ? 'no proxy' : r.dataPlane === 'ambient' ? 'ztunnel' : 'sidecar';
    const size = r.client.kind === 'Namespace' ? (groupSize.get(`${r.client.namespace}\0${r.client.name}`) ?? 0) : 0;
    const detail = r.client.kind === 'Namespace' ? `${size} workload${size === 1 ? '' : 's'}, ${plane}` : plane;
    const client = node(`client\0${r.client.namespace}\0${r.client.kind}\0${r.client.name}`, () => ({ kind: 'client', layer: 0, label: clientLabel(r), detail, namespace: r.client.namespace }), r.id);
    const path: { node: GraphNode; tls: string }[] = [];
    const first = r.hops[0];
    // An edge's label: the TLS of the hop that opens it, and the hop's share where it splits the traffic.
    const labelOf = (h: MapRoute['hops'][number]) => `${h.tls?.mode ?? 'none'}${h.weight !== undefined ? ` ${h.weight}%` : ''}`;
    let tls = first && first.kind !== 'upstream' ? labelOf(first) : 'no proxy';
    for (const h of r.hops.slice(1)) {
      if (h.kind === 'egress-gateway' || h.kind === 'waypoint') {
        const label = h.gateway ?? h.name;
        const n = node(`${h.kind}\0${label}`, () => ({ kind: h.kind as NodeKind, layer: 1, label, detail: h.kind === 'waypoint' ? 'waypoint' : 'egress gateway', namespace: label.split('/')[0] }), r.id);
        path.push({ node: n, tls });
        tls = labelOf(h);
      }
    }
    // Where the traffic stops short of the host, the last edge says why.
    if (r.hops[r.hops.length - 1]?.kind !== 'upstream') tls = r.outcome === 'blocked' ? 'refused' : 'no route';
    // A branch of a weighted split ends at the host its destination names (the upstream), not the host called.
    const last = r.hops[r.hops.length - 1];
    const end = last?.kind === 'upstream' && last.to && r.hops.some((h) => h.weight !== undefined) ? last.to : r.host;
    const host = node(`host\0${end}`, () => ({ kind: 'host', layer: 2, label: end, detail: '' }), r.id);
    const ports = new Set(host.detail ? host.detail.replace(/^port /, '').split(', ') : []);
    const endPort = end === r.host ? r.port : (last?.port ?? null);
    if (endPort !== null) ports.add(String(endPort));
    host.detail = ports.size > 0 ? `port ${[...ports].sort((a, b) => Number(a) - Number(b)).join(', ')}` : '';
    path.push({ node: host, tls });
    let from = client;
    for (const step of path) {
      const key = `${from.id}\0${step.node.id}\0${step.tls}`;
      let e = edges.get(key);
      if (!e) edges.set(key, (e = { from: from.id, to: step.node.id, tls: step.tls, outcome: r.outcome, routes: [] }));
      e.outcome = worse(e.outcome, r.outcome);
      e.routes.push(r.id);
      from = step.node;
    }
  }
  return { nodes: [...nodes.values()], edges: [...edges.values()] };
}
