// How istiod merges the servers of every Gateway that configures one gateway proxy, port by port
// (istio/istio pilot/pkg/model/gateway.go, MergeGateways): the first server on a port decides it.
// When that first server is plain text (not a TLS server: no `tls`, or an HTTP protocol), a later
// server on the same port and `bind` is kept only if both are HTTP-family protocols
// (canMergeProtocols: the later one HTTP, HTTP2, GRPC or GRPC-WEB, or the same protocol, and the
// first one HTTP-family); otherwise istiod logs "skipping server … conflict with existing server"
// and drops it. So HTTP then TCP on 80, TCP then TCP on 9000, or HTTP then HTTPS on 443 lose the
// later server. A first server that is a TLS server lets later ones share the port by SNI (host
// collisions there are gateway-conflict's), so it is not judged here.
//
// Order: istiod walks Gateways oldest first; offline, input order stands for creation order. One
// Gateway defined twice under one namespace/name is one object applied twice: its last definition
// is what the cluster holds.
import { isHttpProtocol, type GatewayInfo, type GatewayServer, type Protocol, type Workload } from './kinds.js';
import { gatewayModel, selectorKey, selectsAllGateways } from './gateways.js';
import type { Mesh } from './mesh.js';

/** canMergeProtocols(current, p): `later` may join a port whose first server speaks `first`. */
export function canMergeProtocols(later: Protocol, first: Protocol): boolean {
  return (isHttpProtocol(later) || later === first) && isHttpProtocol(first);
}

export interface ServerRef {
  gw: GatewayInfo;
  server: GatewayServer;
}

export interface SkippedServer extends ServerRef {
  /** The server that took the port first on the same proxy. */
  first: ServerRef;
  /** The gateway proxy it happens on, for messages ("Deployment istio-system/istio-egressgateway", or the selector). */
  proxy: string;
}

/** A TLS server (IsTLSServer): `tls` set and a protocol outside the HTTP family. */
function isTlsServer(server: GatewayServer): boolean {
  return server.hasTls && !isHttpProtocol(server.port!.protocol);
}

const cache = new WeakMap<Mesh, SkippedServer[]>();

/** Servers istiod drops when merging Gateways per proxy, each once (at its first proxy), in input order. */
export function skippedGatewayServers(mesh: Mesh): SkippedServer[] {
  let out = cache.get(mesh);
  if (out) return out;
  out = [];
  const model = gatewayModel(mesh);
  // The last definition of each namespace/name.
  const last = new Map<string, GatewayInfo>();
  for (const gw of mesh.gateways) last.set(`${gw.namespace}/${gw.name}`, gw);
  const live = mesh.gateways.filter((gw) => last.get(`${gw.namespace}/${gw.name}`) === gw);

  const workloadIds = new Map<Workload, number>(model.gatewayWorkloads.map((w, i) => [w, i]));
  const firstOnPort = new Map<string, ServerRef>();
  const reported = new Set<GatewayServer>();
  for (const gw of live) {
    // The proxies it configures: its gateway pods in the input, else all pods its selector stands for.
    const pods = model.workloadsOf(gw);
    const targets = pods.length > 0 ? pods.map((w) => ({ key: `wl:${workloadIds.get(w)}`, label: w.resource.ref })) : [{ key: `sel:${selectsAllGateways(gw) ? '' : selectorKey(gw.selector)}`, label: selectsAllGateways(gw) ? 'every gateway proxy' : `the gateway pods labelled ${selectorKey(gw.selector)}` }];
    for (const server of gw.servers) {
      // Unknown protocols (sniffed or misspelt) are schema-violation's; nothing to judge here.
      if (!server.port || server.port.protocol === 'UNKNOWN') continue;
      const bind = server.bind;
      for (const t of targets) {
        const key = `${t.key}|${server.port.number}`;
        const first = firstOnPort.get(key);
        if (!first) {
          firstOnPort.set(key, { gw, server });
          continue;
        }
        if (isTlsServer(first.server)) continue;
        if (first.server.bind !== bind) continue;
        if (canMergeProtocols(server.port.protocol, first.server.port!.protocol)) continue;
        if (!reported.has(server)) {
          reported.add(server);
          out.push({ gw, server, first, proxy: t.label });
        }
      }
    }
  }
  cache.set(mesh, out);
  return out;
}
