// AuthorizationPolicy, as far as the egress rules need it: which policies attach to a waypoint
// Gateway, a ServiceEntry or a GatewayClass through `targetRefs` (security.istio.io/v1; the older
// singular `targetRef` too). istio.io docs/ambient/usage/egress-gateway "Enforce access policies":
// a policy whose targetRefs names the ServiceEntry is enforced by the waypoint that serves it;
// docs/ambient/usage/l7-features: a policy targeting the waypoint Gateway applies to everything the
// waypoint serves. The supported targets (istio/api security/v1beta1/authorization_policy.proto,
// `targetRefs`): a Gateway, a Service or a ServiceEntry in the policy's own namespace, and a
// GatewayClass from the root namespace.
import type { FieldPath, Resource } from '../types.js';
import { pushTo } from '../util/collections.js';
import type { Mesh } from './mesh.js';
import { asArray, asString, isObject } from './resource.js';

export interface PolicyTarget {
  group: string;
  kind: string;
  name: string;
  path: FieldPath;
}

export interface AuthorizationPolicyInfo {
  resource: Resource;
  namespace: string;
  /** ALLOW (the default), DENY, AUDIT or CUSTOM. */
  action: string;
  targets: PolicyTarget[];
}

/** Whether a policy limits traffic (AUDIT only logs). */
export function restricts(p: AuthorizationPolicyInfo): boolean {
  return p.action !== 'AUDIT';
}

function policyInfo(r: Resource): AuthorizationPolicyInfo {
  const targets: PolicyTarget[] = [];
  const read = (t: unknown, path: FieldPath) => {
    if (!isObject(t)) return;
    const kind = asString(t.kind);
    const name = asString(t.name);
    if (kind && name) targets.push({ group: asString(t.group) ?? '', kind, name, path });
  };
  asArray(r.spec.targetRefs).forEach((t, i) => read(t, ['spec', 'targetRefs', i]));
  read(r.spec.targetRef, ['spec', 'targetRef']);
  return { resource: r, namespace: r.namespace, action: (asString(r.spec.action) ?? 'ALLOW').toUpperCase(), targets };
}

interface PolicyIndex {
  /** By `group/kind/namespace/name` of the target. */
  byTarget: Map<string, AuthorizationPolicyInfo[]>;
}

const cache = new WeakMap<Mesh, PolicyIndex>();

function index(mesh: Mesh): PolicyIndex {
  let idx = cache.get(mesh);
  if (idx) return idx;
  idx = { byTarget: new Map() };
  for (const r of mesh.modelledResources) {
    if (r.group !== 'security.istio.io' || r.kind !== 'AuthorizationPolicy') continue;
    const p = policyInfo(r);
    for (const t of p.targets) pushTo(idx.byTarget, `${t.group}/${t.kind}/${p.namespace}/${t.name}`, p);
  }
  cache.set(mesh, idx);
  return idx;
}

/** Policies whose targetRefs name an object (ServiceEntry: group networking.istio.io; Gateway: gateway.networking.k8s.io). */
export function policiesTargeting(mesh: Mesh, group: string, kind: string, namespace: string, name: string): AuthorizationPolicyInfo[] {
  return index(mesh).byTarget.get(`${group}/${kind}/${namespace}/${name}`) ?? [];
}

/** Policies of the root namespace that target a GatewayClass, and so every waypoint of that class. */
export function policiesTargetingClass(mesh: Mesh, className: string): AuthorizationPolicyInfo[] {
  return index(mesh).byTarget.get(`gateway.networking.k8s.io/GatewayClass/${mesh.rootNamespace}/${className}`) ?? [];
}
