import { skippedGatewayServers } from '../model/gateway-merge.js';
import type { Rule } from './types.js';

// Istio Gateways on the same gateway proxy and port whose protocols istiod cannot merge: the later
// server is dropped (src/model/gateway-merge.ts, after pilot/pkg/model/gateway.go MergeGateways and
// canMergeProtocols). Reported at the dropped server's port protocol.
export const rule: Rule = {
  id: 'gateway-protocol-conflict',
  severity: 'error',
  summary: 'A Gateway server shares a port of the same gateway proxy with an earlier server whose protocol it cannot merge with, so istiod drops it',
  docs: 'docs/rules/gateway-protocol-conflict.md',
  related: [],
  check({ mesh, report }) {
    for (const s of skippedGatewayServers(mesh)) {
      const port = s.server.port!;
      const first = s.first.server.port!;
      const same = s.first.gw === s.gw;
      const firstName = same ? `server ${s.first.server.index + 1} of this Gateway` : `a server of Gateway ${s.first.gw.namespace}/${s.first.gw.name}`;
      const hosts = s.server.hosts.map((h) => h.raw).join(', ');
      report({
        resource: s.gw.resource,
        path: [...s.server.path, 'port', 'protocol'],
        message: `Port ${port.number} of ${s.proxy} is already taken by ${firstName} with protocol ${first.protocol}, and a ${port.protocol} server cannot join it (after a plain-text first server, only HTTP, HTTP2, GRPC or GRPC-WEB servers join an HTTP one, and no other protocol joins at all): istiod skips this server, so ${hosts ? `its hosts (${hosts}) are` : 'it is'} not served on that port. Use another port number, or one protocol for both.`,
      });
    }
  },
};
