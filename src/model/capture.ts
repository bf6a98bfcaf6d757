// Traffic-capture annotations of pod templates (semantics §7): what Istio accepts, and which
// outbound traffic the resulting iptables rules leave outside the sidecar.
//
// Validation (istio/istio pkg/kube/inject/validate.go, run by the injector; a failure rejects the pod):
//   includeOutboundIPRanges  `*`, or a comma-separated list parsed with Go's netip.ParsePrefix
//                            (no spaces, no bare addresses); empty = outbound capture off.
//   excludeOutboundIPRanges  the same list, `*` not allowed.
//   excludeOutboundPorts     comma-separated decimal ports (spaces allowed, 0–65535).
//   includeOutboundPorts     not validated by the injector: each entry becomes an iptables
//                            `--dport`, so a bad entry makes istio-init / the CNI plugin fail.
// iptables order (tools/istio-iptables/pkg/capture/run.go): excluded ports (TCP and UDP) return,
// loopback returns, excluded CIDRs return, included ports redirect, included CIDRs redirect.
import ipaddr from 'ipaddr.js';
import type { Workload } from './kinds.js';
import { parsePrefixStrict, type ParsedRange } from './ip.js';
import { nameFew } from '../util/few.js';

export const CAPTURE_ANNOTATIONS = {
  includeOutboundIPRanges: 'traffic.sidecar.istio.io/includeOutboundIPRanges',
  excludeOutboundIPRanges: 'traffic.sidecar.istio.io/excludeOutboundIPRanges',
  includeOutboundPorts: 'traffic.sidecar.istio.io/includeOutboundPorts',
  excludeOutboundPorts: 'traffic.sidecar.istio.io/excludeOutboundPorts',
} as const;

export type CaptureAnnotation = keyof typeof CAPTURE_ANNOTATIONS;
export const CAPTURE_ANNOTATION_KEYS = Object.keys(CAPTURE_ANNOTATIONS) as CaptureAnnotation[];

/** Address space that is not an external destination: private, shared, loopback, link-local, multicast, reserved. */
export const DEFAULT_INTERNAL_RANGES = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '224.0.0.0/3',
  '::/128',
  '::1/128',
  'fc00::/7',
  'fe80::/10',
  'ff00::/8',
];

/** Injection is off for the pod: no sidecar, so the annotations do nothing. */
export function injectionDisabled(w: Workload): boolean {
  const v = (w.labels['sidecar.istio.io/inject'] ?? w.annotations['sidecar.istio.io/inject'])?.toLowerCase();
  return v !== undefined && !['y', 'yes', 'true', 'on'].includes(v);
}

// ---------------------------------------------------------------- validation

export interface ParsedCapture {
  /** CIDR entries as written, with their parsed range. */
  ranges?: { text: string; range: ParsedRange }[];
  /** `*` in includeOutboundIPRanges. */
  wildcard?: boolean;
  /** Port entries: single ports and (includeOutboundPorts only) iptables ranges `lo:hi`. */
  ports?: { text: string; from: number; to: number }[];
}

export type CaptureCheck = { ok: true; value: ParsedCapture } | { ok: false; problem: string; effect: string };

const REJECTED = 'the sidecar injector rejects the pod, so it is never created';
const INIT_FAILS = "istio-init's iptables rules fail, so the pod never starts";

/**
 * Parses an annotation value the way Istio does. `problem` continues the sentence "<annotation> "<value>" …",
 * `effect` says what happens at run time.
 */
export function checkCaptureAnnotation(which: CaptureAnnotation, value: string): CaptureCheck {
  const bad = (problem: string, effect = REJECTED): CaptureCheck => ({ ok: false, problem, effect });
  // "is not a CIDR" for a one-entry value, "has an entry, "x", that is not a CIDR" otherwise.
  const entryIs = (entry: string, what: string, single: boolean) => (single ? `is ${what}` : `has an entry, "${entry}", that is ${what}`);
  if (which === 'includeOutboundIPRanges' || which === 'excludeOutboundIPRanges') {
    if (value === '*') return which === 'includeOutboundIPRanges' ? { ok: true, value: { wildcard: true } } : bad('is not allowed (`*` is only valid in includeOutboundIPRanges)');
    if (value === '') return { ok: true, value: { ranges: [] } };
    const entries = value.split(',');
    const single = entries.length === 1;
    const ranges: NonNullable<ParsedCapture['ranges']> = [];
    for (const entry of entries) {
      const range = parsePrefixStrict(entry);
      if (range) {
        ranges.push({ text: entry, range });
        continue;
      }
      if (entry === '') return bad('has an empty entry (a stray comma)');
      if (entry.trim() !== entry && parsePrefixStrict(entry.trim())) return bad(`${single ? 'has' : `has an entry, "${entry}", with`} spaces around ${single ? 'the CIDR' : 'it'}, which Istio does not trim`);
      if (entry === '*') return bad('mixes `*` with other entries');
      const bits = entry.includes(':') ? 128 : 32;
      if (parsePrefixStrict(`${entry}/${bits}`)) return bad(`${entryIs(entry, 'an address, not a CIDR', single)} (write ${entry}/${bits})`);
      return bad(entryIs(entry, 'not a CIDR', single));
    }
    return { ok: true, value: { ranges } };
  }
  const trimmed = value.trim();
  if (trimmed === '') return { ok: true, value: { ports: [] } };
  const ports: NonNullable<ParsedCapture['ports']> = [];
  const effect = which === 'excludeOutboundPorts' ? REJECTED : INIT_FAILS;
  const entries = trimmed.split(',');
  const single = entries.length === 1;
  for (const raw of entries) {
    const entry = raw.trim();
    if (entry === '') return bad('has an empty entry (a stray comma)', effect);
    const range = which === 'includeOutboundPorts' ? /^(\d+):(\d+)$/.exec(entry) : null;
    if (range) {
      const from = Number(range[1]);
      const to = Number(range[2]);
      if (from < 1 || to > 65535 || from > to) return bad(entryIs(entry, 'not a port range within 1-65535', single), effect);
      ports.push({ text: entry, from, to });
      continue;
    }
    if (!/^\d+$/.test(entry)) return bad(entryIs(entry, which === 'excludeOutboundPorts' && /^\d+:\d+$/.test(entry) ? 'a port range, which this annotation does not accept' : 'not a port number', single), effect);
    const n = Number(entry);
    if (n > 65535) return bad(entryIs(entry, 'not a port number (1-65535)', single), effect);
    if (n === 0) return bad('lists port 0, which matches no connection', 'that entry does nothing');
    ports.push({ text: entry, from: n, to: n });
  }
  return { ok: true, value: { ports } };
}

// ---------------------------------------------------------------- address arithmetic

type Family = 'ipv4' | 'ipv6';
/** Inclusive address interval. */
type Interval = [bigint, bigint];

const WIDTH: Record<Family, number> = { ipv4: 32, ipv6: 128 };

function toBig(ip: ipaddr.IPv4 | ipaddr.IPv6): bigint {
  return ip.toByteArray().reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
}

function intervalOf([ip, bits]: ParsedRange): { family: Family; iv: Interval } {
  const family = ip.kind() as Family;
  const w = BigInt(WIDTH[family]);
  const hostBits = w - BigInt(bits);
  const start = (toBig(ip) >> hostBits) << hostBits;
  return { family, iv: [start, start + (1n << hostBits) - 1n] };
}

function normalize(ivs: Interval[]): Interval[] {
  const sorted = [...ivs].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: Interval[] = [];
  for (const iv of sorted) {
    const last = out[out.length - 1];
    if (last && iv[0] <= last[1] + 1n) {
      if (iv[1] > last[1]) last[1] = iv[1];
    } else out.push([iv[0], iv[1]]);
  }
  return out;
}

/**
 * a minus b, both normalized (sorted, disjoint): one merge pass over the two lists, so a list of
 * n ranges costs O(n) here (after the O(n log n) sort), not O(n²).
 */
function subtract(a: Interval[], b: Interval[]): Interval[] {
  const cur = normalize(a);
  const cut = normalize(b);
  const out: Interval[] = [];
  let j = 0;
  for (const [s0, e] of cur) {
    let s = s0;
    // Ranges of b that end before this interval starts cannot touch it or any later one.
    while (j < cut.length && cut[j]![1] < s) j++;
    let k = j;
    while (k < cut.length && cut[k]![0] <= e && s <= e) {
      const [bs, be] = cut[k]!;
      if (bs > s) out.push([s, bs - 1n]);
      if (be >= e) {
        s = e + 1n;
        break;
      }
      s = be + 1n;
      k++;
    }
    if (s <= e) out.push([s, e]);
  }
  return out;
}

function fromBig(n: bigint, family: Family): string {
  const bytes: number[] = [];
  for (let i = 0; i < WIDTH[family] / 8; i++) bytes.unshift(Number((n >> BigInt(8 * i)) & 0xffn));
  return ipaddr.fromByteArray(bytes).toString();
}

/** The smallest CIDR list covering exactly an interval. */
function toCidrs([s, e]: Interval, family: Family): string[] {
  const out: string[] = [];
  const w = WIDTH[family];
  let start = s;
  while (start <= e) {
    let bits = w;
    while (bits > 0) {
      const size = 1n << BigInt(w - bits + 1);
      if (start % size !== 0n || start + size - 1n > e) break;
      bits--;
    }
    out.push(`${fromBig(start, family)}/${bits}`);
    start += 1n << BigInt(w - bits);
  }
  return out;
}

/** A set of addresses per family, from CIDR strings (invalid entries ignored). */
export class AddressSet {
  readonly v4: Interval[];
  readonly v6: Interval[];

  constructor(v4: Interval[] = [], v6: Interval[] = []) {
    this.v4 = normalize(v4);
    this.v6 = normalize(v6);
  }

  static of(ranges: ParsedRange[]): AddressSet {
    const v4: Interval[] = [];
    const v6: Interval[] = [];
    for (const r of ranges) {
      const { family, iv } = intervalOf(r);
      (family === 'ipv4' ? v4 : v6).push(iv);
    }
    return new AddressSet(v4, v6);
  }

  static parse(cidrs: readonly string[]): AddressSet {
    return AddressSet.of(cidrs.flatMap((c) => (parsePrefixStrict(c.trim()) ? [parsePrefixStrict(c.trim())!] : [])));
  }

  static everything(): AddressSet {
    return new AddressSet([[0n, (1n << 32n) - 1n]], [[0n, (1n << 128n) - 1n]]);
  }

  minus(other: AddressSet): AddressSet {
    return new AddressSet(subtract(this.v4, other.v4), subtract(this.v6, other.v6));
  }

  only(family: Family): AddressSet {
    return family === 'ipv4' ? new AddressSet(this.v4, []) : new AddressSet([], this.v6);
  }

  get empty(): boolean {
    return this.v4.length === 0 && this.v6.length === 0;
  }

  /** The set as CIDRs, IPv4 first; with `limit`, stops once more than `limit` are found. */
  cidrs(limit = Number.POSITIVE_INFINITY): string[] {
    const out: string[] = [];
    for (const [family, ivs] of [['ipv4', this.v4], ['ipv6', this.v6]] as const) {
      for (const iv of ivs) {
        for (const c of toCidrs(iv, family)) out.push(c);
        if (out.length > limit) return out;
      }
    }
    return out;
  }
}

// ---------------------------------------------------------------- what escapes the sidecar

export interface Escape {
  annotation: CaptureAnnotation;
  /** What escapes, for the message ("traffic to 52.94.0.0/16", "TCP and UDP traffic to any address on port 5432"). */
  what: string;
  /** What still reaches the sidecar although it falls under `what` ("port 443, which is captured everywhere"). */
  except?: string;
  /** Everything outbound escapes (0.0.0.0/0, ::/0, an empty include list). */
  all: boolean;
}

/**
 * The outbound traffic that skips the sidecar because of the workload's annotations, one entry per
 * annotation responsible. `values` holds the parsed valid annotations; `internal` the address space
 * that does not count as an external destination.
 */
export function captureEscapes(values: Partial<Record<CaptureAnnotation, ParsedCapture>>, internal: AddressSet): Escape[] {
  const out: Escape[] = [];
  const includePorts = values.includeOutboundPorts?.ports ?? [];
  // Long lists name their first entries and count the rest (a list can hold tens of thousands).
  const portList = (ps: { text: string }[]) => `port${ps.length > 1 ? 's' : ''} ${nameFew(ps.slice(0, 5).map((p) => p.text), ps.length)}`;

  const exPorts = values.excludeOutboundPorts?.ports ?? [];
  if (exPorts.length > 0) out.push({ annotation: 'excludeOutboundPorts', what: `TCP and UDP traffic to any address on ${portList(exPorts)}`, all: false });

  const exRanges = values.excludeOutboundIPRanges?.ranges ?? [];
  const escaping = exRanges.filter((r) => !AddressSet.of([r.range]).minus(internal).empty);
  if (escaping.length > 0) {
    const excluded = AddressSet.of(escaping.map((r) => r.range));
    const everything = AddressSet.everything();
    const all = everything.only('ipv4').minus(excluded).empty || everything.only('ipv6').minus(excluded).empty;
    const listed = nameFew(escaping.slice(0, 5).map((r) => r.text), escaping.length);
    out.push({ annotation: 'excludeOutboundIPRanges', what: all ? `traffic to every address (${listed})` : `traffic to ${listed}`, all });
  }

  const inc = values.includeOutboundIPRanges;
  if (inc && !inc.wildcard && inc.ranges) {
    const except = includePorts.length > 0 ? `${portList(includePorts)}, which ${includePorts.length > 1 ? 'are' : 'is'} captured everywhere` : undefined;
    if (inc.ranges.length === 0) {
      out.push({ annotation: 'includeOutboundIPRanges', what: 'all outbound traffic (an empty list turns outbound capture off)', except, all: !except });
    } else {
      const included = AddressSet.of(inc.ranges.map((r) => r.range));
      // A family the list never mentions is taken to be absent from the cluster (single-stack).
      let outside = AddressSet.everything().minus(included).minus(internal);
      if (included.v6.length === 0) outside = outside.only('ipv4');
      if (included.v4.length === 0) outside = outside.only('ipv6');
      if (!outside.empty) {
        const cidrs = outside.cidrs(4);
        const listed = nameFew(inc.ranges.slice(0, 5).map((r) => r.text), inc.ranges.length);
        const what = cidrs.length <= 4 ? `traffic to ${cidrs.join(', ')}` : `traffic to every public address outside ${listed}`;
        out.push({ annotation: 'includeOutboundIPRanges', what, except, all: false });
      }
    }
  }
  return out;
}
