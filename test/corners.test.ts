// Inputs that once cost more than linear time or text: a capture annotation listing tens of thousands
// of CIDRs, and thousands of resources claiming one host. The sizes are ones a quadratic step would
// need minutes (or more memory than the process has) for; the assertions are on counts and message
// sizes, not on time.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateCorner } from '../scripts/gen-corners.mjs';
import { AddressSet } from '../src/model/capture.js';
import type { SidecarInfo } from '../src/model/kinds.js';
import { NamespaceSidecars } from '../src/model/sidecar-index.js';
import { EVERY_CHANNEL, PartyIndex, type Channels } from '../src/util/parties.js';
import { lintPaths } from './helpers.js';

async function lintCorner(name: string, n: number) {
  const dir = mkdtempSync(path.join(tmpdir(), 'mel-corner-'));
  generateCorner(dir, name, n);
  return lintPaths([dir], { cwd: dir });
}

function byRule(findings: { ruleId: string }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of findings) out[f.ruleId] = (out[f.ruleId] ?? 0) + 1;
  return out;
}

/** No message grows with the number of parties: each names a few and counts the rest. */
function expectShortMessages(findings: { message: string }[], limit = 1200) {
  const longest = Math.max(...findings.map((f) => f.message.length));
  expect(longest).toBeLessThan(limit);
}

describe('corners that must stay linear', { timeout: 240_000 }, () => {
  it('includeOutboundIPRanges and excludeOutboundIPRanges with 40,000 CIDRs each', async () => {
    const r = await lintCorner('capture-cidrs', 40_000);
    const found = r.findings.filter((f) => f.ruleId === 'capture-bypasses-egress-policy');
    expect(found).toHaveLength(2);
    expectShortMessages(found);
    expect(found.map((f) => f.message).join('\n')).toMatch(/outside 11\.0\.0\.0\/24, 11\.0\.2\.0\/24, 11\.0\.4\.0\/24, 11\.0\.6\.0\/24, 11\.0\.8\.0\/24 and 39,995 more skip/);
    expect(found.map((f) => f.message).join('\n')).toMatch(/traffic to 111\.0\.0\.0\/24, .* and 39,995 more skip/);
  });

  it('8,000 Gateways declaring one host on one gateway workload', async () => {
    const r = await lintCorner('gateways-one-host', 8000);
    const found = r.findings.filter((f) => f.ruleId === 'gateway-conflict');
    expect(found).toHaveLength(7999);
    expectShortMessages(found);
    // The last one collides with every earlier Gateway: five named (by name), the rest counted.
    const last = found.find((f) => f.resource?.name === 'egress-7999')!;
    expect(last.message).toContain('Gateway istio-system/egress-0, Gateway istio-system/egress-1, Gateway istio-system/egress-10, Gateway istio-system/egress-100, Gateway istio-system/egress-1000 and 7,994 more');
    expect(found.find((f) => f.resource?.name === 'egress-2')!.message).toContain('by Gateway istio-system/egress-0, Gateway istio-system/egress-1 for');
  });

  it('6,000 ServiceEntries declaring one host and port with different protocols', async () => {
    const r = await lintCorner('service-entries-one-host', 6000);
    // HTTP, TCP and HTTPS in turn: each conflicts with the other two protocols' 4,000 entries.
    expect(byRule(r.findings)).toEqual({ 'service-entry-protocol-conflict': 6000, 'service-entry-addresses-required': 2000 });
    const conflicts = r.findings.filter((f) => f.ruleId === 'service-entry-protocol-conflict');
    expectShortMessages(conflicts);
    for (const f of conflicts) expect(f.message).toMatch(/ and 3,995 more declare the same host/);
    // The TCP entries (every third, resolution DNS or NONE) share 0.0.0.0:443: the DNS ones name each other.
    const shared = r.findings.filter((f) => f.ruleId === 'service-entry-addresses-required' && /resolution DNS/.test(f.message));
    expect(shared).toHaveLength(1000);
    expectShortMessages(shared);
    for (const f of shared) expect(f.message).toMatch(/ and 1,994 more on the same port/);
  });

  it('8,000 VirtualServices claiming one host for the same sidecars', async () => {
    const r = await lintCorner('virtual-services-one-host', 8000);
    const found = r.findings.filter((f) => f.ruleId === 'virtual-service-host-conflict');
    expect(found).toHaveLength(7999);
    expectShortMessages(found);
    const last = found.find((f) => f.resource?.name === 'route-7999')!;
    // Named in input order: the oldest claims first.
    expect(last.message).toContain('by VirtualService team/route-0, VirtualService team/route-1, VirtualService team/route-2, VirtualService team/route-3, VirtualService team/route-4 and 7,994 more:');
  });

  it('10,000 workloads in one namespace, each with its own Sidecar', async () => {
    const r = await lintCorner('sidecars-one-namespace', 10_000);
    const found = r.findings.filter((f) => f.ruleId === 'missing-service-entry');
    expect(found).toHaveLength(10_000);
    // Each workload's own Sidecar sets REGISTRY_ONLY for it.
    for (const f of found) expect(f.message).toContain(`(set by Sidecar team/${f.resource!.name})`);
  });
});

describe('NamespaceSidecars', () => {
  const sc = (name: string, workloadSelector?: Record<string, string>) => ({ resource: { ref: `Sidecar team/${name}` }, namespace: 'team', workloadSelector, outboundModePath: [] }) as unknown as SidecarInfo;
  it('answers as the first Sidecar in input order whose selector matches, else the first without a selector', () => {
    const list = [sc('b', { app: 'a', tier: 'x' }), sc('wide'), sc('a', { app: 'a' }), sc('empty', {}), sc('wide2'), sc('c', { tier: 'x' })];
    const idx = new NamespaceSidecars(list);
    const name = (s?: SidecarInfo) => s?.resource.ref;
    expect(name(idx.selecting({ app: 'a', tier: 'x' }))).toBe('Sidecar team/b');
    expect(name(idx.selecting({ app: 'a' }))).toBe('Sidecar team/a');
    expect(name(idx.selecting({ tier: 'x', other: '1' }))).toBe('Sidecar team/c');
    expect(idx.selecting({ app: 'b' })).toBeUndefined();
    expect(name(idx.namespaceWide)).toBe('Sidecar team/wide');
    fc.assert(
      fc.property(fc.array(fc.option(fc.dictionary(fc.constantFrom('app', 'tier', 'v'), fc.constantFrom('1', '2')), { nil: undefined }), { maxLength: 12 }), fc.dictionary(fc.constantFrom('app', 'tier', 'v'), fc.constantFrom('1', '2')), (selectors, labels) => {
        const sidecars = selectors.map((sel, i) => sc(`s${i}`, sel));
        const expected = sidecars.find((s) => s.workloadSelector && Object.keys(s.workloadSelector).length > 0 && Object.entries(s.workloadSelector).every(([k, v]) => labels[k] === v));
        expect(new NamespaceSidecars(sidecars).selecting(labels)).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });
});

describe('AddressSet.minus', () => {
  // Ranges inside 10.0.0.0/24 checked address by address against the definition.
  const cidr = fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 24, max: 32 })).map(([a, bits]) => `10.0.0.${a}/${bits}`);
  const inRange = (addr: number, c: string) => {
    const [base, bits] = c.split('/');
    const start = Number(base!.split('.')[3]) & ~((1 << (32 - Number(bits))) - 1) & 0xff;
    return addr >= start && addr < start + 2 ** (32 - Number(bits));
  };
  it('keeps exactly the addresses of the first set not in the second', () => {
    fc.assert(
      fc.property(fc.array(cidr, { maxLength: 12 }), fc.array(cidr, { maxLength: 12 }), (a, b) => {
        const left = AddressSet.parse(a).minus(AddressSet.parse(b)).cidrs();
        for (let addr = 0; addr < 256; addr++) {
          const expected = a.some((c) => inRange(addr, c)) && !b.some((c) => inRange(addr, c));
          expect(left.some((c) => inRange(addr, c))).toBe(expected);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('PartyIndex', () => {
  // Brute force: every earlier party sharing a channel, the asking party left out.
  const channelsArb: fc.Arbitrary<Channels> = fc.oneof(fc.constant(EVERY_CHANNEL as Channels), fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 3 }));
  const overlaps = (x: Channels, y: Channels) => {
    if (x === EVERY_CHANNEL) return y === EVERY_CHANNEL || y.length > 0;
    if (y === EVERY_CHANNEL) return x.length > 0;
    return x.some((c) => y.includes(c));
  };
  it('counts and names the parties a brute-force comparison finds', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8'), channelsArb), { maxLength: 30 }), fc.constantFrom<'name' | 'added'>('name', 'added'), (items, order) => {
        const index = new PartyIndex(order, 3);
        const added: [string, Channels][] = [];
        for (const [ref, channels] of items) {
          const expected = [...new Set(added.filter(([r, c]) => r !== ref && overlaps(c, channels)).map(([r]) => r))];
          // 'added': by when the party was first added on some channel.
          const firstAdded = (r: string) => added.findIndex(([x, c]) => x === r && (c === EVERY_CHANNEL || c.length > 0));
          expected.sort(order === 'name' ? undefined : (x, y) => firstAdded(x) - firstAdded(y));
          const got = index.query(channels, ref);
          expect(got.count).toBe(expected.length);
          expect(got.first).toEqual(expected.slice(0, 3));
          index.add(ref, channels);
          added.push([ref, channels]);
        }
      }),
      { numRuns: 500 },
    );
  });
});
