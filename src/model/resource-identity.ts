// The identity of a Kubernetes object: API group, kind, namespace and name. The version is not part
// of it (networking.istio.io/v1 and v1beta1 of one VirtualService are the same object), and
// cluster-scoped kinds have no namespace (Resource.namespace is ''). Two manifests with one identity
// are one object: `kubectl apply` of both leaves the one applied last, and an apply replaces the
// fields the earlier apply set (the last-applied-configuration three-way merge), so nothing of the
// earlier definition is merged in.
//
// Kustomize inputs are not applied as they stand: a base and its overlays' patches name the same
// object on purpose, and `kustomize build` merges them. Files under a directory holding a
// Kustomization are therefore not judged here.
import path from 'node:path';
import type { Resource } from '../types.js';
import { pushTo } from '../util/collections.js';

export function resourceIdentity(r: Resource): string | undefined {
  if (!r.name || !r.kind) return undefined;
  return `${r.group}/${r.kind}/${r.namespace}/${r.name}`;
}

function isKustomization(r: Resource): boolean {
  return r.kind === 'Kustomization' || r.kind === 'Component' ? r.group === 'kustomize.config.k8s.io' : false;
}

/** Resources defined more than once, each list in input order (first definition first). */
export function repeatedResources(resources: readonly Resource[]): Resource[][] {
  // Directories holding a Kustomization (its file's directory); a file under one is a kustomize input.
  const kustomizeDirs = new Set<string>();
  for (const r of resources) if (isKustomization(r) && r.doc.file.path !== '<stdin>') kustomizeDirs.add(path.dirname(r.doc.file.path));
  const underKustomize = new Map<string, boolean>();
  const isKustomizeInput = (file: string): boolean => {
    if (kustomizeDirs.size === 0 || file === '<stdin>') return false;
    const dir = path.dirname(file);
    let known = underKustomize.get(dir);
    if (known === undefined) {
      known = false;
      for (let d = dir; ; d = path.dirname(d)) {
        if (kustomizeDirs.has(d)) {
          known = true;
          break;
        }
        if (path.dirname(d) === d) break;
      }
      underKustomize.set(dir, known);
    }
    return known;
  };
  const byIdentity = new Map<string, Resource[]>();
  for (const r of resources) {
    const id = resourceIdentity(r);
    if (id === undefined || isKustomization(r) || isKustomizeInput(r.doc.file.path)) continue;
    pushTo(byIdentity, id, r);
  }
  return [...byIdentity.values()].filter((list) => list.length > 1);
}

/**
 * The objects as applying the input leaves them, in input order (files sorted by path, documents
 * in order, as `kubectl apply -f` of the same paths applies them). An object defined more than once
 * keeps the content of its last definition (each apply replaces the object) but the place of its
 * first: it was created then, and Istio orders conflicting configuration by creation time
 * (model.sortConfigByCreationTime), which a later apply does not change.
 */
export function asApplied(resources: readonly Resource[]): { resources: readonly Resource[]; superseded: ReadonlyMap<Resource, Resource> } {
  const repeated = repeatedResources(resources);
  if (repeated.length === 0) return { resources, superseded: new Map() };
  // first definition -> last definition; every definition but the last is superseded.
  const replacement = new Map<Resource, Resource>();
  /** Each superseded definition -> the definition that replaces it. */
  const superseded = new Map<Resource, Resource>();
  const moved = new Set<Resource>();
  for (const list of repeated) {
    const last = list[list.length - 1]!;
    replacement.set(list[0]!, last);
    moved.add(last);
    for (const r of list.slice(0, -1)) superseded.set(r, last);
  }
  const out: Resource[] = [];
  for (const r of resources) {
    const kept = replacement.get(r);
    if (kept) out.push(kept);
    else if (!superseded.has(r) && !moved.has(r)) out.push(r);
  }
  return { resources: out, superseded };
}
