import type { Rule } from './types.js';
import type { ExportScope } from '../model/hosts.js';
import { serviceEntryPorts, type SePort } from '../model/service-entry-ports.js';
import { nameFew } from '../util/few.js';
import { EVERY_CHANNEL, PartyIndex, type Channels } from '../util/parties.js';
import { sidecarsUseAllocatedAddress } from '../model/address-allocation.js';

const channelsOf = (scope: ExportScope): Channels => (scope.all ? EVERY_CHANNEL : [...scope.namespaces]);

// Semantics §4: a TCP (or opaque, or auto-detected) port without `addresses` becomes a listener on
// 0.0.0.0:<port>. With resolution NONE it takes every connection on that port (IP auto-allocation
// never applies to NONE). With DNS/STATIC it is the collision of the DNS-proxy blog: several such
// entries on one port share a single listener and all traffic goes to one of them, unless sidecars
// listen on an auto-allocated virtual IP for the entry instead (address-allocation.ts).
export const rule: Rule = {
  id: 'service-entry-addresses-required',
  severity: 'warning',
  summary: 'TCP ServiceEntry port without addresses that captures every connection on its port',
  docs: 'docs/rules/service-entry-addresses-required.md',
  related: ['IST0134'],
  securitySeverity: 5.0,
  check({ mesh, report }) {
    const idx = serviceEntryPorts(mesh);
    const allocated = new Map<SePort['se'], boolean>();
    const hasVirtualIp = (se: SePort['se']) => {
      let v = allocated.get(se);
      if (v === undefined) allocated.set(se, (v = sidecarsUseAllocatedAddress(mesh, se) !== undefined));
      return v;
    };
    for (const [number, all] of [...idx.portWideByNumber].sort((a, b) => a[0] - b[0])) {
      const ports = all.filter((p) => !hasVirtualIp(p.se));
      // The entries on this port by the namespaces that see them: who shares the listener with an
      // entry is one question to the index, not a comparison with every other entry.
      const byScope = new PartyIndex('name');
      for (const p of ports) byScope.add(p.se.resource.ref, channelsOf(p.scope));
      for (const p of ports) {
        const se = p.se;
        if (!p.scope.all && p.scope.namespaces.size === 0) continue; // exportTo ~: no sidecar sees it
        if (se.hosts.length > 0 && se.hosts.every((h) => mesh.serviceByHost(h.host))) continue; // decorates Kubernetes Services
        const proto = p.protocol || 'no protocol';
        if (se.resolution === 'NONE') {
          report({
            resource: se.resource,
            path: p.path,
            message: `${se.resource.ref} port ${number} (${proto}) has resolution NONE and no addresses: sidecars give it the listener 0.0.0.0:${number}, so it takes every connection on port ${number} whatever the destination IP and REGISTRY_ONLY no longer restricts that port; list the service's IPs or CIDRs in spec.addresses.`,
          });
          continue;
        }
        // The same namespace/name met twice is one object (the later apply replaces it).
        const others = byScope.query(channelsOf(p.scope), se.resource.ref);
        if (others.count === 0) continue;
        report({
          resource: se.resource,
          path: p.path,
          message: `${se.resource.ref} port ${number} (${proto}, resolution ${se.resolution}) has no addresses, and neither has ${nameFew(others.first, others.count)} on the same port: their hosts share the one listener 0.0.0.0:${number}, so connections meant for one go to another; add spec.addresses, or let sidecars use allocated addresses (ISTIO_META_DNS_CAPTURE: "true" in the mesh's defaultConfig.proxyMetadata, with Istio 1.25's address allocation or ISTIO_META_DNS_AUTO_ALLOCATE).`,
        });
      }
    }
  },
};
