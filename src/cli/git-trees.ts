// Trees of a git repository written out for linting: the tree of a commit (HEAD, a ref) and the
// index (the tracked files with their staged contents). Only what git tracks takes part, never
// untracked or ignored files of the working directory. Blobs are read raw with `git cat-file
// --batch` (no smudge or end-of-line filters, no `export-ignore`), into a temporary directory that
// the caller removes; the repository itself is only read.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export class GitError extends Error {}

/** Which files of a tree to write: the manifests a walk would read, and the paths named. */
export type WantedPath = (repoPath: string) => boolean;

interface Entry {
  mode: string;
  sha: string;
  path: string;
}

/** Bytes git may print (the blobs of every wanted file at once). */
const MAX_GIT_OUTPUT = 4 * 1024 * 1024 * 1024 - 1;

function git(cwd: string, args: string[], input?: string): Buffer {
  const r = spawnSync('git', args, { cwd, input, maxBuffer: MAX_GIT_OUTPUT, stdio: ['pipe', 'pipe', 'pipe'] });
  if (r.error) throw new GitError(`cannot run git: ${r.error.message}`);
  if (r.status !== 0) throw new GitError(`git ${args.join(' ')}: ${r.stderr.toString('utf8').trim().split('\n')[0] ?? `exit ${r.status}`}`);
  return r.stdout;
}

/** Whether git has a command that runs: `git --version`. */
export function gitAvailable(cwd: string): boolean {
  const r = spawnSync('git', ['--version'], { cwd, stdio: 'ignore' });
  return !r.error && r.status === 0;
}

/** The work tree root holding `cwd` (real path), or a GitError when `cwd` is not in one. */
export function repositoryRoot(cwd: string): string {
  const out = git(cwd, ['rev-parse', '--show-toplevel']).toString('utf8').trim();
  return realpathSync(out);
}

/** The commit a revision names, or undefined when it names none (HEAD before the first commit). */
export function resolveCommit(root: string, rev: string): string | undefined {
  const r = spawnSync('git', ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] });
  return r.status === 0 ? r.stdout.toString('utf8').trim() : undefined;
}

/** The best common ancestor of two commits (what `git diff A...B` compares with), if any. */
export function mergeBase(root: string, a: string, b: string): string | undefined {
  const r = spawnSync('git', ['merge-base', a, b], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] });
  return r.status === 0 ? r.stdout.toString('utf8').trim() : undefined;
}

/** Whether the index differs from `commit` (or holds anything, without a commit) under `paths`. */
export function indexDiffers(root: string, commit: string | undefined, paths: string[]): boolean {
  if (!commit) return indexEntries(root).length > 0;
  const r = spawnSync('git', ['diff', '--cached', '--quiet', '--no-ext-diff', commit, '--', ...paths], { cwd: root, stdio: 'ignore' });
  return r.status !== 0;
}

/** Whether a tree (a commit, or the index) holds anything at or under `repoPath`. */
export function treeHas(root: string, tree: string | 'index', repoPath: string): boolean {
  const args = tree === 'index' ? ['ls-files', '-z', '--', repoPath] : ['ls-tree', '-r', '-z', '--name-only', '--full-tree', tree, '--', repoPath];
  return git(root, args).length > 0;
}

/** Whether two commits differ under `paths`. */
export function commitsDiffer(root: string, a: string, b: string, paths: string[]): boolean {
  const r = spawnSync('git', ['diff', '--quiet', '--no-ext-diff', a, b, '--', ...paths], { cwd: root, stdio: 'ignore' });
  return r.status !== 0;
}

function splitZ(out: Buffer): string[] {
  return out.toString('utf8').split('\0').filter((s) => s !== '');
}

/** `git ls-files --stage`: stage-0 entries only (a path in a merge conflict has no staged content yet). */
function indexEntries(root: string): Entry[] {
  const out: Entry[] = [];
  for (const line of splitZ(git(root, ['ls-files', '--stage', '-z', '--full-name']))) {
    const m = /^(\d{6}) ([0-9a-f]+) (\d)\t(.*)$/s.exec(line);
    if (m && m[3] === '0') out.push({ mode: m[1]!, sha: m[2]!, path: m[4]! });
  }
  return out;
}

/** `git ls-tree -r` of a commit. */
function commitEntries(root: string, commit: string): Entry[] {
  const out: Entry[] = [];
  for (const line of splitZ(git(root, ['ls-tree', '-r', '-z', '--full-tree', commit]))) {
    const m = /^(\d{6}) (\w+) ([0-9a-f]+)\t(.*)$/s.exec(line);
    if (m && m[2] === 'blob') out.push({ mode: m[1]!, sha: m[3]!, path: m[4]! });
  }
  return out;
}

/**
 * Writes the wanted regular files of a tree (a commit, or the index when `commit` is 'index')
 * into a new temporary directory and returns it. Symbolic links and submodules are left out (a
 * walk does not follow links either). An undefined commit is the empty tree.
 */
export function writeTree(root: string, commit: string | 'index' | undefined, wanted: WantedPath): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'mesh-egress-lint-tree-'));
  try {
    const entries = commit === undefined ? [] : (commit === 'index' ? indexEntries(root) : commitEntries(root, commit)).filter((e) => (e.mode === '100644' || e.mode === '100755') && wanted(e.path));
    if (entries.length === 0) return dir;
    const out = git(root, ['cat-file', '--batch'], entries.map((e) => `${e.sha}\n`).join(''));
    let at = 0;
    for (const e of entries) {
      const nl = out.indexOf(0x0a, at);
      const header = out.toString('utf8', at, nl);
      const m = /^([0-9a-f]+) blob (\d+)$/.exec(header);
      if (!m || m[1] !== e.sha) throw new GitError(`git cat-file --batch: unexpected answer "${header}" for ${e.path}`);
      const size = Number(m[2]);
      const target = path.join(dir, ...e.path.split('/'));
      // git paths never hold `..` segments, but a path must not leave the directory all the same.
      if (!target.startsWith(dir + path.sep)) throw new GitError(`unexpected path in the git tree: ${e.path}`);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, out.subarray(nl + 1, nl + 1 + size));
      at = nl + 1 + size + 1;
    }
    return dir;
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

export function removeTree(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
