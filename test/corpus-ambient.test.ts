// The ambient pages of istio.io: "Egress gateways" (docs/ambient/usage/egress-gateway) and
// "ServiceEntry visibility" (docs/ambient/usage/serviceentry-visibility); the READMEs under
// test/corpus/istio-io/ give each block's source and commit. The egress page creates its
// namespaces and its waypoint with shell commands; `__commands.yaml` holds the objects those
// commands write, and `__curl.yaml` the sample client it deploys. Each section, linted the way the
// page applies it, is clean; a variant with one realistic mistake gives exactly its finding.
import { describe, expect, it } from 'vitest';
import { corpusPage, lineOf, replaceOnce } from './corpus-helpers.js';

const egress = corpusPage('ambient-egress-gateway');
const visibility = corpusPage('serviceentry-visibility');
const REGISTRY_ONLY = { meshConfig: { mode: 'REGISTRY_ONLY' as const, label: 'test mesh config' } };

describe('istio.io ambient egress gateways page', () => {
  const ACCESS = ['commands', 'curl', 1, 2];
  const TLS_AND_SECOND = ['commands', 'curl', 3, 2, 4];

  it('the waypoint, the ServiceEntry and its AuthorizationPolicy lint clean, in ALLOW_ANY and in REGISTRY_ONLY', async () => {
    expect(await egress.lintSet(ACCESS)).toEqual([]);
    expect(await egress.lintSet(ACCESS, { lint: REGISTRY_ONLY })).toEqual([]);
  });

  it('TLS origination at the waypoint and a second ServiceEntry (__3 replaces __1) lint clean', async () => {
    expect(await egress.lintSet(TLS_AND_SECOND)).toEqual([]);
    expect(await egress.lintSet(TLS_AND_SECOND, { lint: REGISTRY_ONLY })).toEqual([]);
  });

  it('the waypoint applied with --for workload: it does not take the ServiceEntry\'s service traffic', async () => {
    const t = replaceOnce(egress.read('commands'), 'istio.io/waypoint-for: service', 'istio.io/waypoint-for: workload');
    expect(await egress.lintSet(ACCESS, { edits: { commands: t } })).toEqual([`waypoint-traffic-type-mismatch ${egress.name('commands')}:${lineOf(t, 'istio.io/use-waypoint: waypoint')}`]);
  });

  it('the waypoint applied under another name than the namespace label names (--name egress without --enroll-namespace)', async () => {
    const t = replaceOnce(egress.read('commands'), '  name: waypoint\n', '  name: egress\n');
    expect(await egress.lintSet(ACCESS, { edits: { commands: t } })).toEqual([`use-waypoint-not-found ${egress.name('commands')}:${lineOf(t, 'istio.io/use-waypoint: waypoint')}`]);
  });

  it('a ServiceEntry of a team namespace bound to the egress waypoint, whose listener admits its own namespace only', async () => {
    const se = replaceOnce(egress.read(1), '  namespace: istio-egress\n', '  namespace: team-a\n  labels:\n    istio.io/use-waypoint: waypoint\n    istio.io/use-waypoint-namespace: istio-egress\n');
    expect(await egress.lintSet(ACCESS, { edits: { 1: se } })).toEqual([`waypoint-binding-refused ${egress.name(1)}:${lineOf(se, 'istio.io/use-waypoint: waypoint')}`]);
  });
});

describe('istio.io ServiceEntry visibility page', () => {
  it('each mesh configuration of the page lints clean alone and with the egress gateway page', async () => {
    for (const block of [1, 2]) {
      expect(await visibility.lintSet([block])).toEqual([]);
      const files: Record<string, string> = {};
      for (const b of ['commands', 'curl', 1, 2]) files[egress.name(b)] = egress.read(b);
      expect(await visibility.lintSet([block], { extra: files })).toEqual([]);
    }
  });

  // "Waypoints": a NAMESPACE entry may not use a waypoint of another namespace, even one whose
  // listener admits every namespace (CrossNamespaceWaypointForbidden).
  it('a NAMESPACE-visible ServiceEntry bound to a waypoint of another namespace that admits all namespaces', async () => {
    const waypoint = replaceOnce(egress.read('commands'), '    protocol: HBONE\n', '    protocol: HBONE\n    allowedRoutes:\n      namespaces:\n        from: All\n');
    const se = replaceOnce(egress.read(1), '  namespace: istio-egress\n', '  namespace: team-a\n  labels:\n    istio.io/use-waypoint: waypoint\n    istio.io/use-waypoint-namespace: istio-egress\n');
    const extra = { [egress.name('commands')]: waypoint, [egress.name(1)]: se };
    // Without the visibility setting the cross-namespace binding is accepted.
    expect(await visibility.lintSet([], { extra })).toEqual([]);
    expect(await visibility.lintSet([1], { extra })).toEqual([`waypoint-binding-refused ${egress.name(1)}:${lineOf(se, 'istio.io/use-waypoint: waypoint')}`]);
    // The policy of block __1 makes entries of istio-system PUBLIC: there the binding stands.
    const inSystem = replaceOnce(se, '  namespace: team-a\n', '  namespace: istio-system\n');
    expect(await visibility.lintSet([1], { extra: { ...extra, [egress.name(1)]: inSystem } })).toEqual([]);
  });
});
