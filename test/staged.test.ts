// --staged: the staged tree is judged against the tree at HEAD, both read from git, and the findings
// the change introduces are reported wherever they are (the pre-commit hook runs this).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DR, git, SVC, VS } from './git-repo.js';
import { runCli, tempTree } from './helpers.js';

/** A second DestinationRule for the host that still defines v1: it would hide the broken reference. */
const SCRATCH_DR = DR.replace('name: reviews\n', 'name: reviews-scratch\n');

/** A repository with one commit of the three manifests. */
function repo(extra: Record<string, string> = {}): string {
  const dir = tempTree({ 'k8s/vs.yaml': VS, 'k8s/dr.yaml': DR, 'k8s/svc.yaml': SVC, ...extra });
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'init');
  return dir;
}

const renameSubset = (dir: string) => writeFileSync(path.join(dir, 'k8s/dr.yaml'), DR.replace('name: v1', 'name: v1-renamed'));

describe('--staged', () => {
  it('reports a finding the staged change causes in a file it does not touch', async () => {
    const dir = repo();
    renameSubset(dir);
    // Not staged yet: the index is what a commit would record, and it has not changed.
    const unstaged = await runCli(['--staged'], dir);
    expect(unstaged.code).toBe(0);
    expect(unstaged.stderr).toBe('mesh-egress-lint: the staged tree compared with HEAD: no changes under .\n');
    git(dir, 'add', 'k8s/dr.yaml');
    const r = await runCli(['--staged', '--format', 'compact'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^k8s\/vs\.yaml:12:17: error .*defines no subset "v1".* \[subset-not-found\]\n$/);
    expect(r.stderr).toBe('mesh-egress-lint: the staged tree compared with HEAD: 1 new finding\n');
    // What the old hook form did: only the changed file is reported, so the break goes unseen.
    expect((await runCli(['k8s/dr.yaml', '--context', '.', '--format', 'compact'], dir)).stdout).toBe('');
  });

  it('ignores untracked and git-ignored files, which could hide a finding or add one', async () => {
    const dir = repo({ '.gitignore': 'scratch/\n' });
    writeFileSync(path.join(dir, 'k8s/scratch-dr.yaml'), SCRATCH_DR);
    const ignored = path.join(dir, 'scratch');
    mkdirSync(ignored);
    writeFileSync(path.join(ignored, 'broken.yaml'), 'a: [\n');
    renameSubset(dir);
    git(dir, 'add', 'k8s/dr.yaml');
    const r = await runCli(['--staged', '--format', 'json'], dir);
    const out = JSON.parse(r.stdout) as { findings: { ruleId: string; file: string }[]; summary: { files: number } };
    expect(out.findings.map((f) => `${f.ruleId}@${f.file}`)).toEqual(['subset-not-found@k8s/vs.yaml']);
    expect(out.summary.files).toBe(3);
    // The whole directory, read as it lies, is hidden by the scratch file and broken by the ignored one.
    const plain = JSON.parse((await runCli(['.', '--format', 'json'], dir)).stdout) as { findings: { ruleId: string; file: string }[] };
    expect(plain.findings.map((f) => `${f.ruleId}@${f.file}`)).toEqual(['yaml-syntax@scratch/broken.yaml']);
  });

  it('leaves out findings that were there before, and counts them', async () => {
    // old.yaml: a broken reference of its own, and a host conflict with vs.yaml (a warning).
    const dir = repo({ 'k8s/old.yaml': VS.replace('name: reviews\n', 'name: old\n').replace('subset: v1', 'subset: v9') });
    renameSubset(dir);
    git(dir, 'add', '-A');
    const r = await runCli(['--staged', '--format', 'compact'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout.trimEnd().split('\n')).toEqual([expect.stringMatching(/^k8s\/vs\.yaml:12:17: .*\[subset-not-found\]$/)]);
    expect(r.stderr).toBe('mesh-egress-lint: the staged tree compared with HEAD: 1 new finding (2 already there before the change, not shown)\n');
    // Fixing the reference too: nothing new, exit 0, although the old finding remains.
    writeFileSync(path.join(dir, 'k8s/vs.yaml'), VS.replace('subset: v1', 'subset: v1-renamed'));
    git(dir, 'add', '-A');
    const fixed = await runCli(['--staged'], dir);
    expect(fixed.code).toBe(0);
    expect(fixed.stderr).toMatch(/0 new findings \(2 already there/);
  });

  it('lints the staged contents, with positions in them, when the working file differs', async () => {
    const dir = repo();
    writeFileSync(path.join(dir, 'k8s/vs.yaml'), `# staged comment\n${VS.replace('subset: v1', 'subset: v2')}`);
    git(dir, 'add', 'k8s/vs.yaml');
    writeFileSync(path.join(dir, 'k8s/vs.yaml'), VS); // unstaged fix, not part of the commit
    const r = await runCli(['--staged', '--format', 'compact'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^k8s\/vs\.yaml:13:17: error .*no subset "v2".*\[subset-not-found\]\n$/);
    expect(readFileSync(path.join(dir, 'k8s/vs.yaml'), 'utf8')).toBe(VS);
  });

  it('before the first commit, every finding is new; a deletion is a change too', async () => {
    const dir = tempTree({ 'k8s/vs.yaml': VS, 'k8s/svc.yaml': SVC });
    git(dir, 'init', '-q');
    git(dir, 'add', '-A');
    const first = await runCli(['--staged', '--format', 'compact'], dir);
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(/no commit yet/);
    const d = repo();
    git(d, 'rm', '-q', 'k8s/dr.yaml');
    const del = await runCli(['--staged', '--format', 'compact'], d);
    expect(del.code).toBe(1);
    expect(del.stdout).toMatch(/^k8s\/vs\.yaml:12:17: .*\[subset-not-found\]/);
  });

  it('uses the config file of each tree, and lints only the paths given, from a subfolder', async () => {
    const dir = repo({ '.mesh-egress-lint.yaml': 'rules:\n  subset-not-found: warning\n', 'other/vs.yaml': VS.replace('name: reviews\n', 'name: other\n').replace('reviews\n        subset', 'reviews.other.svc\n        subset') });
    renameSubset(dir);
    git(dir, 'add', '-A');
    const r = await runCli(['--staged', '--format', 'compact'], path.join(dir, 'k8s'));
    expect(r.stdout).toMatch(/^vs\.yaml:12:17: warning .*\[subset-not-found\]\n$/);
    expect(r.code).toBe(0);
    // A change to the config is judged too: the staged config makes the finding an error.
    writeFileSync(path.join(dir, '.mesh-egress-lint.yaml'), 'rules:\n  subset-not-found: error\n');
    git(dir, 'add', '-A');
    expect((await runCli(['--staged', 'k8s', '--format', 'compact'], dir)).stdout).toMatch(/^k8s\/vs\.yaml:12:17: error /);
  });

  it('compares two commits under pre-commit --from-ref/--to-ref (merge base to the later commit)', async () => {
    const dir = repo();
    const base = git(dir, 'rev-parse', 'HEAD').trim();
    renameSubset(dir);
    git(dir, 'commit', '-q', '-am', 'rename');
    const env = { PRE_COMMIT_FROM_REF: base, PRE_COMMIT_TO_REF: 'HEAD' };
    const r = await runCli(['--staged', '--format', 'compact'], dir, { env });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^k8s\/vs\.yaml:12:17: .*\[subset-not-found\]/);
    expect(r.stderr).toMatch(/^mesh-egress-lint: HEAD compared with its merge base with [0-9a-f]{40}: 1 new finding\n$/);
    expect((await runCli(['--staged'], dir, { env: { PRE_COMMIT_FROM_REF: 'HEAD', PRE_COMMIT_TO_REF: 'HEAD' } })).code).toBe(0);
  });

  it('refuses what it cannot do, in one line, and never writes over a tracked file', async () => {
    const dir = repo();
    renameSubset(dir);
    git(dir, 'add', '-A');
    for (const [args, message] of [
      [['--staged', '-'], /cannot read standard input/],
      [['--staged', '--write-baseline', 'b.json'], /record a baseline without it/],
      [['--staged', '--output', 'k8s/vs.yaml'], /--output k8s\/vs\.yaml is a file this run lints; refusing/],
      [['--staged', 'nowhere/'], /cannot read nowhere\/: not in the staged tree .*only what git tracks/],
    ] as const) {
      const r = await runCli([...args], dir);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trimEnd().split('\n').pop()).toMatch(message);
    }
    expect(readFileSync(path.join(dir, 'k8s/vs.yaml'), 'utf8')).toBe(VS);
    const outside = await runCli(['--staged'], tempTree({ 'a.yaml': SVC }));
    expect(outside.code).toBe(2);
    expect(outside.stderr).toMatch(/^mesh-egress-lint: --staged: .* is not in a git work tree\n$/);
    // Machine formats get their report even without changes.
    const clean = repo();
    const sarif = await runCli(['--staged', '--format', 'sarif'], clean);
    expect(sarif.code).toBe(0);
    expect(JSON.parse(sarif.stdout).runs[0].results).toEqual([]);
    expect(git(clean, 'status', '--porcelain')).toBe('');
  });
});
