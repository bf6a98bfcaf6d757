// Sidecar egress hosts: what Istio's validation accepts and what a listener imports.
//
// Validation (istio/istio pkg/config/validation, ValidateNamespaceSlashWildcardHostname and
// validateSidecarOrGatewayHostnamePart, called by ValidateSidecar for each egress host): a host must
// be `namespace/dnsName` ("host must be of form namespace/dnsName", so a bare `*` is rejected);
// neither part empty; the namespace `*`, `.`, `~` or a DNS-1123 label; the DNS part `*` or a name
// with a dot ("short names (non FQDN) are not allowed"), a valid wildcard domain, and no partial
// wildcard. The webhook rejects the whole Sidecar.
//
// Exclusions (Istio 1.31, istio/istio#60581 "support excluding hosts in sidecar egress listener"):
// a `~` before the namespace excludes: `~ns/*` every host of namespace ns, `~ns/host` that host in
// ns, `~/host` that host in every namespace, `~/*` everything (import nothing, as before). Within a
// listener a host is imported when some entry includes it and no exclusion excludes it. Before
// 1.31 only `~` alone is a valid namespace: `~ns/…` is rejected, `~/host` imports nothing.
// An exclusion is taken to remove a host only when it covers it (a narrower exclusion than a
// wildcard entry's host does not hide the whole entry here), so that the linter never reports a
// host as hidden that Istio may still import.
import type { FieldPath } from '../types.js';
import { hostCovers, hostsOverlap, isValidDnsName } from './hosts.js';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Why Istio's validation rejects an egress host, or undefined when it accepts it. */
export function sidecarEgressHostProblem(raw: string, exclusions: boolean): string | undefined {
  const slash = raw.indexOf('/');
  if (slash === -1) return 'is not of the form namespace/dnsName (write "*/' + raw + '" for any namespace, "./' + raw + '" for this one)';
  const ns = raw.slice(0, slash);
  const host = raw.slice(slash + 1);
  if (ns === '' || host === '') return 'has an empty namespace or DNS name part';
  const validNs = ns === '*' || ns === '.' || ns === '~' || DNS_LABEL.test(ns) || (exclusions && ns.startsWith('~') && DNS_LABEL.test(ns.slice(1)));
  if (!validNs) {
    return ns.startsWith('~') && DNS_LABEL.test(ns.slice(1))
      ? `excludes namespace "${ns.slice(1)}" with "~", which Istio accepts from 1.31 only`
      : `has the namespace "${ns}", which is not "*", ".", "~" or a namespace name`;
  }
  if (host !== '*' && !host.includes('.')) return `names the short host "${host}": Sidecar hosts must be fully qualified (for a Service, ${host}.<namespace>.svc.cluster.local)`;
  if (host.includes('*') && host !== '*' && !host.startsWith('*.')) return `has the partial wildcard "${host}"; only a whole left-most "*." label is allowed`;
  if (host !== '*' && !isValidDnsName(host.replace(/\.$/, ''))) return `has "${host}", which is not a valid DNS name`;
  return undefined;
}

export interface EgressHost {
  namespace: string;
  host: string;
  raw: string;
  path: FieldPath;
}

/** The listener an egress host belongs to (its index in spec.egress). */
function listenerOf(e: EgressHost): number {
  return typeof e.path[2] === 'number' ? e.path[2] : 0;
}

/**
 * Whether the egress hosts import `host` declared in namespace `declaredIn`: some listener with an
 * entry that includes it and (Istio 1.31 and later) no exclusion of that listener covering it.
 */
export function egressHostsImport(entries: readonly EgressHost[], host: string, declaredIn: string, exclusions: boolean): boolean {
  const included = new Set<number>();
  const excluded = new Set<number>();
  for (const e of entries) {
    if (e.namespace.startsWith('~')) {
      if (!exclusions) continue;
      const ns = e.namespace === '~' ? '*' : e.namespace.slice(1);
      if ((ns === '*' || ns === declaredIn) && (e.host === '*' || hostCovers(e.host, host))) excluded.add(listenerOf(e));
      continue;
    }
    if ((e.namespace === '*' || e.namespace === declaredIn) && (e.host === '*' || hostsOverlap(e.host, host))) included.add(listenerOf(e));
  }
  for (const l of included) if (!excluded.has(l)) return true;
  return false;
}
