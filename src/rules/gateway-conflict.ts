import type { Rule } from './types.js';
import type { GatewayInfo, GatewayServer, Workload } from '../model/kinds.js';
import { gatewayModel, selectorKey, selectsAllGateways } from '../model/gateways.js';
import { pushTo } from '../util/collections.js';
import { nameFew, NAMED_IN_MESSAGE } from '../util/few.js';
import { PartyIndex, type Parties } from '../util/parties.js';

// Semantics §6 and istioctl IST0145: Gateways that select the same gateway proxy are merged per
// port (`model/gateway.go#MergeGateways`); two servers of different Gateways on the same port
// (and the same `bind`) declaring the same host collide: a TLS server repeating a host already
// taken on that port is rejected (`CheckDuplicates`; the older Gateway wins), plain HTTP servers
// share one route table so both Gateways' routes for the host merge into one virtual host.
// "Same proxy" = the same selector, or selectors matching a common gateway workload of the input.
// Hosts compare by their DNS parts, namespace parts ignored. Unlike IST0145, a wildcard that
// merely overlaps a concrete host (`*.cnn.com` / `edition.cnn.com`) is not a conflict: both
// survive and Envoy picks the most specific name. Reported at the later Gateway (input order).
interface Entry {
  gi: number;
  gw: GatewayInfo;
  server: GatewayServer;
  hostIndex: number;
}

export const rule: Rule = {
  id: 'gateway-conflict',
  severity: 'error',
  summary: 'Two Gateways select the same gateway workload and declare the same host on the same port',
  docs: 'docs/rules/gateway-conflict.md',
  related: ['IST0145', 'KIA0301'],
  check({ mesh, report }) {
    const model = gatewayModel(mesh);
    const workloadIds = new Map<Workload, number>(model.gatewayWorkloads.map((w, i) => [w, i]));
    // Group server hosts by (port, bind, DNS name); within a group, entries collide when their
    // Gateways share a target (what they select, or a gateway workload both run on).
    const groups = new Map<string, { entry: Entry; targets: string[] }[]>();
    mesh.gateways.forEach((gw, gi) => {
      const targets = new Set<string>([`sel:${selectsAllGateways(gw) ? '' : selectorKey(gw.selector)}`]);
      for (const w of model.workloadsOf(gw)) targets.add(`wl:${workloadIds.get(w)}`);
      const targetList = [...targets];
      for (const server of gw.servers) {
        if (!server.port) continue;
        // Servers with different `bind` addresses get separate listeners and never collide.
        server.hosts.forEach((h, hostIndex) => pushTo(groups, `${server.port!.number}|${server.bind}|${h.host}`, { entry: { gi, gw, server, hostIndex }, targets: targetList }));
      }
    });

    // (later gateway, server) → its first colliding host and the earlier Gateways it collides with.
    // Each group is walked once in input order, asking an index of the earlier Gateways (not every pair).
    const hits = new Map<string, { later: Entry; others: Parties }>();
    for (const list of groups.values()) {
      const earlier = new PartyIndex('name');
      for (let i = 0; i < list.length; ) {
        // Entries of one Gateway (in input order, so adjacent) never collide with each other.
        let j = i;
        while (j < list.length && list[j]!.entry.gi === list[i]!.entry.gi) j++;
        for (let k = i; k < j; k++) {
          const { entry: b, targets } = list[k]!;
          const own = `${b.gw.namespace}/${b.gw.name}`;
          const others = earlier.query(targets, own); // a redefinition of the same Gateway is not a conflict
          if (others.count === 0) continue;
          const key = `${b.gi}/${b.server.index}`;
          const hit = hits.get(key);
          if (!hit || b.hostIndex < hit.later.hostIndex) hits.set(key, { later: b, others });
        }
        for (let k = i; k < j; k++) earlier.add(`${list[k]!.entry.gw.namespace}/${list[k]!.entry.gw.name}`, list[k]!.targets);
        i = j;
      }
    }

    const ordered = [...hits.values()].sort((x, y) => x.later.gi - y.later.gi || x.later.server.index - y.later.server.index);
    for (const { later, others } of ordered) {
      const host = later.server.hosts[later.hostIndex]!;
      const named = `Gateway ${nameFew(others.first, others.count, NAMED_IN_MESSAGE, ', Gateway ')}`;
      const tls = later.server.hasTls;
      const effect = tls
        ? 'Istio keeps the server of the Gateway created first and rejects the other, whose hosts then stop working on this port'
        : "both Gateways' routes for it merge into one virtual host, and which route matches first depends on creation order";
      report({
        resource: later.gw.resource,
        path: host.path,
        message: `Host "${host.raw}" on port ${later.server.port!.number} is also declared by ${named} for the same gateway workload: ${effect}; merge the servers into one Gateway or give the Gateways distinct hosts or selectors.`,
      });
    }
  },
};
