// Manifests and git and process helpers shared by the tests of --staged, the pre-commit hook and the install.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { tempTree } from './helpers.js';

/** A VirtualService routing to subset v1 of reviews, in another file than its DestinationRule. */
export const VS = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts:
  - reviews
  http:
  - route:
    - destination:
        host: reviews
        subset: v1
`;
/** The DestinationRule that defines subset v1. */
export const DR = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
spec:
  host: reviews.default.svc.cluster.local
  subsets:
  - name: v1
    labels:
      version: v1
`;
export const SVC = `apiVersion: v1
kind: Service
metadata:
  name: reviews
spec:
  selector: {app: reviews}
  ports: [{port: 9080, name: http}]
`;

/** Runs git with a fixed identity; throws with git's message when it fails. */
export function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' } });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}


const ROOT = path.resolve(__dirname, '..');

/**
 * A git repository holding this repository's files as they are now (tracked, and new files not
 * ignored), committed and tagged v<package.json version>: what a user clones, or points a
 * pre-commit `repo:` and `rev:` at.
 */
export function repositorySnapshot(): { url: string; rev: string } {
  const dir = path.join(tempTree({}), 'mesh-egress-lint');
  const files = git(ROOT, 'ls-files', '-z', '--cached', '--others', '--exclude-standard').split('\0').filter((f) => f !== '');
  for (const f of files) {
    const from = path.join(ROOT, f);
    const to = path.join(dir, f);
    mkdirSync(path.dirname(to), { recursive: true });
    try {
      cpSync(from, to);
    } catch {
      // Deleted in the working tree but still in the index: not part of the current state.
    }
  }
  const rev = `v${(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version}`;
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'release');
  git(dir, 'tag', rev);
  return { url: dir, rev };
}

/** Runs a command without blocking the test worker (an install takes a minute). */
export function runAsync(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ status: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 600_000 });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.on('error', (e) => resolve({ status: null, out: `${out}${e.message}` }));
    child.on('close', (status) => resolve({ status, out }));
  });
}
