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
import type { GatewayInfo, GatewayServer, Protocol, Workload } from './kinds.js';
import { gatewayModel, selectorKey, selectsAllGateways } from './gateways.js';
import type { Mesh } from './mesh.js';
import { asString, at, isObject } from './resource.js';

const HTTP_FAMILY: ReadonlySet<Protocol> = new Set(['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB']);

/** canMergeProtocols(current, p): `later` may join a port whose first server speaks `first`. */
export function canMergeProtocols(later: Protocol, first: Protocol): boolean {
  return (HTTP_FAMILY.has(later) || later === first) && HTTP_FAMILY.has(first);
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
function isTlsServer(gw: GatewayInfo, server: GatewayServer): boolean {
  return isObject(at(gw.resource.spec, 'servers', server.index, 'tls')) && !HTTP_FAMILY.has(server.port!.protocol);
}

function bindOf(gw: GatewayInfo, server: GatewayServer): string {
  return asString(at(gw.resource.spec, 'servers', server.index, 'bind')) ?? '';
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
      const bind = bindOf(gw, server);
      for (const t of targets) {
        const key = `${t.key}|${server.port.number}`;
        const first = firstOnPort.get(key);
        if (!first) {
          firstOnPort.set(key, { gw, server });
          continue;
        }
        if (isTlsServer(first.gw, first.server)) continue;
        if (bindOf(first.gw, first.server) !== bind) continue;
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
