// Resources that exist in the cluster but not in the linted files: a platform team's shared
// gateways, Services of other repositories, hosts that ServiceEntries elsewhere register. Declared
// once in the config file (`assume:`), they count as present for the rules that would otherwise say
// "not in the input": gateway-not-found, unknown-destination-host, missing-service-entry.
import { hostCovers } from './hosts.js';

export interface AssumptionsInput {
  /** Istio Gateways as `namespace/name`. */
  gateways?: string[];
  /** Kubernetes Services as `namespace/name`. */
  services?: string[];
  /** Hosts (wildcards allowed) registered for every namespace by ServiceEntries outside the input. */
  hosts?: string[];
}

export class Assumptions {
  private readonly gateways: ReadonlySet<string>;
  private readonly serviceFqdns: ReadonlySet<string>;
  private readonly hostPatterns: readonly string[];
  private readonly exactHosts: ReadonlySet<string>;

  constructor(input: AssumptionsInput = {}) {
    this.gateways = new Set((input.gateways ?? []).map((g) => g.toLowerCase()));
    this.serviceFqdns = new Set(
      (input.services ?? []).map((s) => {
        const [ns, name] = s.toLowerCase().split('/');
        return `${name}.${ns}.svc.cluster.local`;
      }),
    );
    const hosts = (input.hosts ?? []).map((h) => h.toLowerCase().replace(/\.$/, ''));
    this.exactHosts = new Set(hosts.filter((h) => !h.startsWith('*')));
    this.hostPatterns = hosts.filter((h) => h.startsWith('*'));
  }

  gateway(namespace: string, name: string): boolean {
    return this.gateways.has(`${namespace}/${name}`.toLowerCase());
  }

  /** A Service FQDN declared under `services`. */
  service(fqdn: string): boolean {
    return this.serviceFqdns.has(fqdn.toLowerCase());
  }

  /** A host declared under `hosts` (or covered by a wildcard there). */
  host(host: string): boolean {
    const h = host.toLowerCase().replace(/\.$/, '');
    return this.exactHosts.has(h) || this.hostPatterns.some((p) => hostCovers(p, h));
  }
}
