// Addresses and ranges, with ipaddr.js (semantics §4 addresses, §7 capture ranges, §8 special IPs).
import ipaddr from 'ipaddr.js';

export type ParsedRange = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Characters an address literal can hold (IPv4, IPv6, a zone after `%`): host names fail this at once. */
const ADDRESS_CHARS = /^[0-9a-fA-F:.%]+$/;

export function parseIp(s: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  if (!ADDRESS_CHARS.test(s)) return undefined;
  try {
    return ipaddr.isValid(s) ? ipaddr.parse(s) : undefined;
  } catch {
    return undefined;
  }
}

/** `a.b.c.d/n`, or a bare address as a single-host range. */
export function parseRange(s: string): ParsedRange | undefined {
  const t = s.trim();
  try {
    if (t.includes('/')) return ipaddr.parseCIDR(t);
    const ip = parseIp(t);
    return ip ? [ip, ip.kind() === 'ipv4' ? 32 : 128] : undefined;
  } catch {
    return undefined;
  }
}

export function addressInRange(ip: string, range: string): boolean {
  const addr = parseIp(ip);
  const r = parseRange(range);
  if (!addr || !r) return false;
  const a = addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress() ? (addr as ipaddr.IPv6).toIPv4Address() : addr;
  if (a.kind() !== r[0].kind()) return false;
  return (a as ipaddr.IPv4).match(r as [ipaddr.IPv4, number]);
}

/** Why Kubernetes rejects an endpoint address (unspecified, loopback, link-local, link-local multicast), or undefined. */
export function specialAddressReason(s: string): string | undefined {
  let ip = parseIp(s);
  if (!ip) return undefined;
  // Go's net.IP (Kubernetes' ValidateNonSpecialIP) treats ::ffff:a.b.c.d as the IPv4 address.
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
  const range = ip.range();
  switch (range) {
    case 'unspecified':
      // ipaddr.js names all of 0.0.0.0/8 so; Kubernetes (IsUnspecified) rejects only 0.0.0.0 and ::.
      if (ip.kind() === 'ipv6' || ip.toNormalizedString() === '0.0.0.0') return 'the unspecified address';
      break;
    case 'loopback':
      return 'a loopback address';
    case 'linkLocal':
      return 'a link-local address';
    default:
      break;
  }
  if (ip.kind() === 'ipv4' && (ip as ipaddr.IPv4).match(ipaddr.parseCIDR('224.0.0.0/24') as [ipaddr.IPv4, number])) return 'a link-local multicast address';
  if (ip.kind() === 'ipv6') {
    // Go's IsLinkLocalMulticast: ff02::/16 whatever the flag bits (ff12::, ff32::, …).
    const b = ip.toByteArray();
    if (b[0] === 0xff && (b[1]! & 0x0f) === 0x02) return 'a link-local multicast address';
  }
  return undefined;
}

/**
 * An address as Go's net/netip reads it (Istio's annotation checks; Kubernetes' strict IP validation):
 * dotted-quad IPv4 without leading zeros, IPv6 without a zone. ipaddr.js alone also accepts `010.1.1.1`
 * (octal), `127.1` and `3232235521`, which Go rejects.
 */
export function parseIpStrict(s: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(s)) {
    if (s.split('.').some((o) => (o.length > 1 && o.startsWith('0')) || Number(o) > 255)) return undefined;
    return ipaddr.IPv4.parse(s);
  }
  if (s.includes(':') && !s.includes('%') && ipaddr.IPv6.isValid(s)) return ipaddr.IPv6.parse(s);
  return undefined;
}

/** `addr/bits` as Go's netip.ParsePrefix reads it (host bits may be set; no spaces, no bare address). */
export function parsePrefixStrict(s: string): ParsedRange | undefined {
  const slash = s.indexOf('/');
  if (slash === -1) return undefined;
  const ip = parseIpStrict(s.slice(0, slash));
  const bits = s.slice(slash + 1);
  if (!ip || !/^(0|[1-9]\d{0,2})$/.test(bits)) return undefined;
  const n = Number(bits);
  return n <= (ip.kind() === 'ipv4' ? 32 : 128) ? [ip, n] : undefined;
}
