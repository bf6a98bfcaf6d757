import type { Rule } from './types.js';
import { ExportScopeIndex } from '../model/hosts.js';
import { protocolLabel, serviceEntryPorts, type SePort, sameObject, sidecarProtocolClass } from '../model/service-entry-ports.js';

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
    // One finding per entry port: the hosts in conflict and who declares them otherwise.
    const found = new Map<SePort, { hosts: Set<string>; others: Set<string> }>();
    for (const group of idx.byHostPort.values()) {
      if (new Set(group.map((g) => sidecarProtocolClass(g.entry.protocol))).size < 2) continue;
      const byScope = new ExportScopeIndex<(typeof group)[number]>();
      for (const g of group) byScope.add(g.entry.scope, g);
      for (const g of group) {
        const clashing = byScope.overlapping(g.entry.scope).filter((o) => !sameObject(o.entry.se, g.entry.se) && sidecarProtocolClass(o.entry.protocol) !== sidecarProtocolClass(g.entry.protocol));
        if (clashing.length === 0) continue;
        const f = found.get(g.entry) ?? { hosts: new Set<string>(), others: new Set<string>() };
        f.hosts.add(g.host);
        for (const o of clashing) f.others.add(`${o.entry.se.resource.ref} (${protocolLabel(o.entry.protocol)})`);
        found.set(g.entry, f);
      }
    }
    for (const p of idx.ports) {
      const f = found.get(p);
      if (!f) continue;
      const hosts = [...f.hosts].sort().map((h) => `"${h}"`).join(', ');
      const others = [...f.others].sort().join(', ');
      report({
        resource: p.se.resource,
        path: p.protocolPath,
        message: `${p.se.resource.ref} declares ${hosts} port ${p.port.number} as ${protocolLabel(p.protocol)}, but ${others} declare${f.others.size === 1 ? 's' : ''} the same host and port: sidecars that see both keep only one of them, so the other protocol's routing is silently lost; declare the port with one protocol.`,
      });
    }
  },
};
