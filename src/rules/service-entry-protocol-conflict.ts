import type { Rule } from './types.js';
import type { ExportScope } from '../model/hosts.js';
import type { ServiceEntryInfo } from '../model/kinds.js';
import { nameFew, NAMED_IN_MESSAGE } from '../util/few.js';
import { EVERY_CHANNEL, PartyIndex, type Channels } from '../util/parties.js';
import { protocolLabel, serviceEntryPorts, type SePort, sidecarProtocolClass } from '../model/service-entry-ports.js';

/** Who an entry port clashes with on one host: how many, the first by name, every one when few. */
interface Clash {
  count: number;
  first: string[];
  all: string[] | undefined;
}

/** Entries clashing on several hosts are merged exactly when each host has at most this many. */
const LISTED = 1000;

const party = (se: ServiceEntryInfo, protocol: string) => `${se.resource.ref} (${protocolLabel(protocol)})`;
const channelsOf = (scope: ExportScope): Channels => (scope.all ? EVERY_CHANNEL : [...scope.namespaces]);

// Semantics §4: a sidecar keeps one definition of a host's port. Entries visible from a common
// namespace that declare the same host and port number with different protocols leave one of the
// protocols unused. As istioctl IST0177, an absent protocol (auto-detection) differs from TCP;
// unlike it, HTTPS and TLS do not conflict (sidecars route both by SNI).
export const rule: Rule = {
  id: 'service-entry-protocol-conflict',
  severity: 'warning',
  summary: 'ServiceEntries declare the same host and port with different protocols',
  docs: 'docs/rules/service-entry-protocol-conflict.md',
  related: ['IST0177'],
  check({ mesh, report }) {
    const idx = serviceEntryPorts(mesh);
    // One finding per entry port: the hosts in conflict and who declares them otherwise. Per
    // (host, port), one index of the entries per protocol answers "who clashes with this entry"
    // without comparing every pair; parties are named "<ref> (<protocol>)".
    const found = new Map<SePort, { hosts: Set<string>; clashes: Clash[] }>();
    for (const group of idx.byHostPort.values()) {
      if (new Set(group.map((g) => sidecarProtocolClass(g.entry.protocol))).size < 2) continue;
      const byProtocol = new Map<string, PartyIndex>();
      for (const g of group) {
        let index = byProtocol.get(g.entry.protocol);
        if (!index) byProtocol.set(g.entry.protocol, (index = new PartyIndex('name')));
        index.add(party(g.entry.se, g.entry.protocol), channelsOf(g.entry.scope));
      }
      for (const g of group) {
        const own = sidecarProtocolClass(g.entry.protocol);
        const clash: Clash = { count: 0, first: [], all: [] };
        for (const [protocol, index] of byProtocol) {
          if (sidecarProtocolClass(protocol) === own) continue;
          // The same object met twice (two versions of one manifest) does not clash with itself.
          const exclude = party(g.entry.se, protocol);
          const r = index.query(channelsOf(g.entry.scope), exclude);
          if (r.count === 0) continue;
          clash.count += r.count; // parties of different protocols are different names
          clash.first.push(...r.first);
          const all = clash.all && r.count <= LISTED ? index.list(channelsOf(g.entry.scope), exclude, LISTED) : undefined;
          clash.all = all && clash.all ? [...clash.all, ...all] : undefined;
        }
        if (clash.count === 0) continue;
        const f = found.get(g.entry) ?? { hosts: new Set<string>(), clashes: [] };
        f.hosts.add(g.host);
        f.clashes.push(clash);
        found.set(g.entry, f);
      }
    }
    for (const p of idx.ports) {
      const f = found.get(p);
      if (!f) continue;
      const hosts = nameFew([...f.hosts].sort().map((h) => `"${h}"`), f.hosts.size);
      const first = [...new Set(f.clashes.flatMap((c) => c.first))].sort();
      // Over several hosts the same entry may clash more than once: count it once when the lists are
      // short enough to merge, else say how many at least.
      let others: string;
      let count: number;
      if (f.clashes.length === 1) {
        count = f.clashes[0]!.count;
        others = nameFew(first, count);
      } else if (f.clashes.every((c) => c.all)) {
        count = new Set(f.clashes.flatMap((c) => c.all!)).size;
        others = nameFew(first, count);
      } else {
        count = Math.max(...f.clashes.map((c) => c.count));
        others = `${first.slice(0, NAMED_IN_MESSAGE).join(', ')} and at least ${(count - NAMED_IN_MESSAGE).toLocaleString('en-US')} more`;
      }
      report({
        resource: p.se.resource,
        path: p.protocolPath,
        message: `${p.se.resource.ref} declares ${hosts} port ${p.port.number} as ${protocolLabel(p.protocol)}, but ${others} declare${count === 1 ? 's' : ''} the same host and port: sidecars that see both keep only one of them, so the other protocol's routing is silently lost; declare the port with one protocol.`,
      });
    }
  },
};
