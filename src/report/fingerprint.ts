import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Finding } from '../types.js';

/** API group of an apiVersion: `networking.istio.io/v1beta1` → `networking.istio.io`, `v1` → ''. */
function apiGroup(apiVersion: string): string {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/**
 * A logical fingerprint of a finding: rule, resource identity (API group, not version, so that a
 * v1beta1 → v1 upgrade keeps it) and field path. Line numbers are left out on purpose so that the
 * fingerprint survives unrelated edits of the file (microsoft/sarif-tools#104). The file takes part
 * only for findings that have no resource (syntax errors, unreadable files).
 * Used by the SARIF `partialFingerprints` and by baseline files.
 */
export function findingFingerprint(f: Finding): string {
  const parts: string[] = [f.ruleId];
  if (f.resource) {
    const r = f.resource;
    parts.push(`${apiGroup(r.apiVersion)}/${r.kind}/${r.namespace}/${r.name}`);
  } else {
    parts.push('');
  }
  parts.push(JSON.stringify(f.path ?? []));
  if (!f.resource) parts.push(f.file);
  return createHash('sha256').update(parts.join('\0'), 'utf8').digest('hex');
}

const repositoryRoots = new Map<string, string | undefined>();

/**
 * The name of a finding's file for its fingerprint, the same from any working directory: relative
 * to the git work tree that holds it (the folder with `.git`), else the absolute path.
 * Standard input stays `<stdin>`.
 */
export function fingerprintPath(displayPath: string, cwd: string): string {
  if (displayPath === '<stdin>') return displayPath;
  const abs = path.resolve(cwd, displayPath);
  const root = repositoryRoot(path.dirname(abs));
  return (root === undefined ? abs : path.relative(root, abs)).split(path.sep).join('/');
}

function repositoryRoot(dir: string): string | undefined {
  if (repositoryRoots.has(dir)) return repositoryRoots.get(dir);
  const parent = path.dirname(dir);
  const root = existsSync(path.join(dir, '.git')) ? dir : parent === dir ? undefined : repositoryRoot(parent);
  repositoryRoots.set(dir, root);
  return root;
}
