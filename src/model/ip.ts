// Addresses and ranges, with ipaddr.js (semantics §4 addresses, §7 capture ranges, §8 special IPs).
import ipaddr from 'ipaddr.js';

export type ParsedRange = [ipaddr.IPv4 | ipaddr.IPv6, number];

export function parseIp(s: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
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
  const ip = parseIp(s);
  if (!ip) return undefined;
  const range = ip.range();
  switch (range) {
    case 'unspecified':
      return 'the unspecified address';
    case 'loopback':
      return 'a loopback address';
    case 'linkLocal':
      return 'a link-local address';
    default:
      break;
  }
  if (ip.kind() === 'ipv4' && (ip as ipaddr.IPv4).match(ipaddr.parseCIDR('224.0.0.0/24') as [ipaddr.IPv4, number])) return 'a link-local multicast address';
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).match(ipaddr.parseCIDR('ff02::/16') as [ipaddr.IPv6, number])) return 'a link-local multicast address';
  return undefined;
}
