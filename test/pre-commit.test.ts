// The hook as pre-commit installs and runs it (Debian's `pre-commit`): a scratch repository whose
// .pre-commit-config.yaml points at a clone of this repository and a rev. pre-commit installs the
// `language: node` hook with `npm install` and `npm pack` (it reads the tarball's name from npm
// pack's standard output), then `npm install -g` of that tarball into its own environment. Only the
// npm registry is reached (for the dependencies). One install serves every step.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempTree } from './helpers.js';
import { DR, git, repositorySnapshot, SVC, VS, runAsync as run } from './git-repo.js';

const ROOT = path.resolve(__dirname, '..');
const preCommit = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' });
const present = !preCommit.error && preCommit.status === 0;
if (!present) console.warn('test/pre-commit.test.ts: skipped, `pre-commit` is not installed (Debian package pre-commit)');

const ENV = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };


describe.skipIf(!present)('pre-commit hook, installed by pre-commit from a git repository', () => {
  let work: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(() => {
    const hook = repositorySnapshot();
    const home = tempTree({});
    env = { ...ENV, PRE_COMMIT_HOME: path.join(home, 'cache'), PRE_COMMIT_COLOR: 'never' };
    work = tempTree({ 'k8s/vs.yaml': VS, 'k8s/dr.yaml': DR, 'k8s/svc.yaml': SVC, '.gitignore': 'scratch/\n' });
    writeFileSync(path.join(work, '.pre-commit-config.yaml'), `repos:\n  - repo: ${hook.url}\n    rev: ${hook.rev}\n    hooks:\n      - id: mesh-egress-lint\n`);
    git(work, 'init', '-q');
    git(work, 'add', '-A');
    git(work, 'commit', '-q', '-m', 'init');
  }, 120_000);

  it('installs, passes `run --all-files` on a clean tree, refuses a commit that breaks an unchanged file, and takes the fix', async () => {
    // The install (npm install, npm pack, npm install -g of the tarball) and a first run.
    const all = await run('pre-commit', ['run', '--all-files'], work, env);
    expect(all.out).toMatch(/mesh-egress-lint\.+Passed/);
    expect(all.status, all.out).toBe(0);
    expect((await run('pre-commit', ['install'], work, env)).status).toBe(0);

    // Untracked and ignored scratch files: one would hide the break, one is broken itself.
    writeFileSync(path.join(work, 'k8s/scratch-dr.yaml'), DR.replace('name: reviews\n', 'name: reviews-scratch\n'));
    mkdirSync(path.join(work, 'scratch'));
    writeFileSync(path.join(work, 'scratch/broken.yaml'), 'a: [\n');

    // Rename the subset in the DestinationRule only: the unchanged VirtualService now routes to nothing.
    writeFileSync(path.join(work, 'k8s/dr.yaml'), DR.replace('name: v1', 'name: v1-renamed'));
    git(work, 'add', 'k8s/dr.yaml');
    const refused = await run('git', ['commit', '-m', 'rename subset'], work, env);
    expect(refused.status, refused.out).not.toBe(0);
    expect(refused.out).toMatch(/mesh-egress-lint\.+Failed/);
    expect(refused.out).toMatch(/k8s\/vs\.yaml\n\s+12:17\s+error\s+.*defines no subset "v1".*subset-not-found/);
    expect(refused.out).not.toMatch(/scratch/);
    expect(git(work, 'log', '--format=%s')).toBe('init\n');

    // Rename the reference too: the commit goes through.
    writeFileSync(path.join(work, 'k8s/vs.yaml'), VS.replace('subset: v1', 'subset: v1-renamed'));
    git(work, 'add', 'k8s/vs.yaml');
    const done = await run('git', ['commit', '-m', 'rename subset and its reference'], work, env);
    expect(done.out).toMatch(/mesh-egress-lint\.+Passed/);
    expect(done.status, done.out).toBe(0);
    expect(git(work, 'log', '--format=%s')).toBe('rename subset and its reference\ninit\n');
    expect(readFileSync(path.join(work, 'scratch/broken.yaml'), 'utf8')).toBe('a: [\n');
  }, 600_000);
});
