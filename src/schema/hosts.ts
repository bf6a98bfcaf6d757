// Host names the API server's validation rejects (Istio's webhook checks each host as a DNS name
// with an optional leading wildcard label; semantics §2 and §4). The CRD schemas cannot say this.
import { isValidDnsName } from '../model/hosts.js';
import { parseIp } from '../model/ip.js';
import { sidecarEgressHostProblem } from '../model/sidecar-hosts.js';
import type { FieldPath, Resource } from '../types.js';
import type { SchemaIssue } from './validate.js';

/** 'optional': `[ns/]host` (Gateway servers); 'required': `ns/host` (Sidecar egress). */
type SlashForm = 'none' | 'optional' | 'required';
type HostField = { path: FieldPath; host: string; slashForm: SlashForm };

function collect(resource: Resource): HostField[] {
  const s = resource.spec as Record<string, unknown>;
  const out: HostField[] = [];
  const list = (v: unknown, path: FieldPath, slashForm: SlashForm = 'none') => {
    if (!Array.isArray(v)) return;
    v.forEach((h, i) => {
      if (typeof h === 'string') out.push({ path: [...path, i], host: h, slashForm });
    });
  };
  const obj = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x)) : []);
  switch (resource.kind) {
    case 'ServiceEntry':
      list(s.hosts, ['spec', 'hosts']);
      break;
    case 'VirtualService':
      list(s.hosts, ['spec', 'hosts']);
      (Array.isArray(s.tls) ? s.tls : []).forEach((rule, i) =>
        obj((rule as Record<string, unknown> | null)?.match).forEach((m, j) => list(m.sniHosts, ['spec', 'tls', i, 'match', j, 'sniHosts'])),
      );
      break;
    case 'DestinationRule':
      if (typeof s.host === 'string') out.push({ path: ['spec', 'host'], host: s.host, slashForm: 'none' });
      break;
    case 'Gateway':
      (Array.isArray(s.servers) ? s.servers : []).forEach((srv, i) => list((srv as Record<string, unknown> | null)?.hosts, ['spec', 'servers', i, 'hosts'], 'optional'));
      break;
    case 'Sidecar':
      obj(s.egress).forEach((l, i) => list(l.hosts, ['spec', 'egress', i, 'hosts'], 'required'));
      break;
    default:
      break;
  }
  return out;
}

function problem(raw: string, slashForm: SlashForm, sidecarExclusions: boolean): string | undefined {
  // Sidecar egress hosts: the webhook's own checks (src/model/sidecar-hosts.ts).
  if (slashForm === 'required') return sidecarEgressHostProblem(raw, sidecarExclusions);
  let host = raw;
  if (slashForm !== 'none') {
    const slash = raw.indexOf('/');
    host = raw.slice(slash + 1);
  }
  if (host === '*' || host === '') return undefined;
  if (parseIp(host)) return undefined;
  if (isValidDnsName(host.replace(/\.$/, ''))) return undefined;
  const odd = [...host].find((c) => !/[A-Za-z0-9.*-]/.test(c));
  if (odd) {
    const code = odd.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    return `contains ${/[\x21-\x7e]/.test(odd) ? `"${odd}"` : `the character U+${code}`}, which no DNS name may hold`;
  }
  if (host.slice(1).includes('*')) return 'has a wildcard that is not the whole left-most label';
  return 'is not a valid DNS name (labels of letters, digits and hyphens, 63 characters at most)';
}

/** Hosts that Istio's validation rejects, at their nodes. */
/** `sidecarExclusions`: Istio 1.31 and later, where `~ns/host` Sidecar egress hosts are valid. */
export function hostNameIssues(resource: Resource, sidecarExclusions = true): SchemaIssue[] {
  if (resource.group !== 'networking.istio.io') return [];
  const issues: SchemaIssue[] = [];
  for (const f of collect(resource)) {
    const why = problem(f.host, f.slashForm, sidecarExclusions);
    if (why) {
      issues.push({
        path: [...f.path],
        target: 'value',
        message: `Host "${f.host}" ${why}: Istio's validation rejects this ${resource.kind}, so the API server refuses it${f.slashForm === 'required' ? ' and the namespace\'s default Sidecar (or none) applies instead' : ''}. ${f.slashForm === 'required' ? 'Write it as namespace/host' : 'Write the real host name'} (a leading "*." wildcard is allowed).`,
      });
    }
  }
  return issues;
}
