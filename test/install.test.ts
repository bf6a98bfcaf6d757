// The release path as a user follows it. The package is not on the npm registry (`npm view
// mesh-egress-lint` is a 404), so no page may print a registry install (`npx mesh-egress-lint@…`,
// `npm install -g mesh-egress-lint`). The install commands the README and docs/ci.md print are run
// as printed, with bash, on a fresh clone of a snapshot of this repository: npm's global prefix is
// a temporary folder (npm_config_prefix), and docs/ci.md's repository address, marked there to be
// replaced, is the snapshot's. The installed command then lints every example set as the
// repository's own build does, byte for byte.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempTree } from './helpers.js';
import { git, repositorySnapshot, runAsync as run } from './git-repo.js';

const ROOT = path.resolve(__dirname, '..');
const VERSION = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const ADDRESS_TO_REPLACE = 'https://github.com/mesh-egress-lint/mesh-egress-lint.git';

/** The pages that print commands: the README, docs/*.md, docs/rules/*.md, examples/README.md. */
function pages(): string[] {
  const docs = readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`);
  const rules = readdirSync(path.join(ROOT, 'docs/rules')).filter((f) => f.endsWith('.md')).map((f) => `docs/rules/${f}`);
  return ['README.md', 'CHANGELOG.md', 'examples/README.md', ...docs, ...rules];
}

/** The body of the first fenced block tagged `lang` after the heading `heading` (## or ###). */
function blockAfter(file: string, heading: string, lang: string): string {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  const at = text.indexOf(`\n${heading}\n`);
  expect(at, `${file}: heading "${heading}"`).toBeGreaterThanOrEqual(0);
  const m = new RegExp('^```' + lang + '\\n([\\s\\S]*?)^```$', 'm').exec(text.slice(at));
  expect(m, `${file}: a ${lang} block after "${heading}"`).not.toBeNull();
  return m![1]!;
}


/** A shell script run as a user's terminal or CI job would, with npm's global prefix under `prefix`. */
function shell(script: string, cwd: string, prefix: string, extra: NodeJS.ProcessEnv = {}) {
  const env = { ...process.env, ...extra, npm_config_prefix: prefix, PATH: `${path.join(prefix, 'bin')}${path.delimiter}${process.env.PATH ?? ''}` };
  return run('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], cwd, env);
}

/** Every example set, good and broken, by the installed command and by this repository's build: the same JSON and exit code. */
async function lintsExamplesAsTheRepositoryDoes(installed: string) {
  const sets = readdirSync(path.join(ROOT, 'examples'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => ['good', 'broken'].filter((k) => existsSync(path.join(ROOT, 'examples', d.name, k))).map((k) => `examples/${d.name}/${k}`));
  expect(sets.length).toBeGreaterThanOrEqual(2);
  for (const set of sets) {
    const mine = spawnSync(installed, [set, '--format', 'json'], { cwd: ROOT, encoding: 'utf8' });
    const ours = spawnSync(process.execPath, [path.join(ROOT, 'bin/mesh-egress-lint.js'), set, '--format', 'json'], { cwd: ROOT, encoding: 'utf8' });
    expect(mine.stderr, set).toBe('');
    expect(mine.status, set).toBe(ours.status);
    expect(mine.stdout, set).toBe(ours.stdout);
    // A good set is clean; a broken one has findings (some sets only warnings, which exit 0).
    const findings = (JSON.parse(mine.stdout) as { findings: unknown[] }).findings.length;
    if (set.endsWith('/good')) expect([mine.status, findings], set).toEqual([0, 0]);
    else expect(findings, set).toBeGreaterThan(0);
  }
}

describe('the release: version, changelog and what the pages print', () => {
  it('prints no install from the npm registry, where the package is not published', () => {
    const registry = /\bnpx\b[^\n`]*\bmesh-egress-lint\b|\bnpm (?:install|i|add)\b[^\n`]*\s(?:-g|--global)\s+mesh-egress-lint(?![\w./-])|\bnpm (?:install|i|add)\b[^\n`]*\smesh-egress-lint@/;
    for (const page of pages()) {
      const lines = readFileSync(path.join(ROOT, page), 'utf8').split('\n');
      // examples/README.md runs `npx mesh-egress-lint` in a clone, where npm runs the project's own bin.
      const offending = lines.filter((l) => registry.test(l) && !(page === 'examples/README.md' && /^npx mesh-egress-lint examples\//.test(l)));
      expect(offending, page).toEqual([]);
    }
  });

  it('names the package.json version in the changelog and in the install commands', () => {
    const changelog = readFileSync(path.join(ROOT, 'CHANGELOG.md'), 'utf8');
    // Keep a Changelog: an Unreleased section first, then the versions, newest first, each dated.
    const versions = [...changelog.matchAll(/^## \[([^\]]+)\](?: - (\d{4}-\d{2}-\d{2}))?$/gm)].map((m) => [m[1], m[2]]);
    expect(versions[0]).toEqual(['Unreleased', undefined]);
    expect(versions[1]![0]).toBe(VERSION);
    expect(versions[1]![1]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(changelog).toMatch(new RegExp(`^## \\[${VERSION.replace(/\./g, '\\.')}\\] - [\\s\\S]*?^### Added$`, 'm'));
    expect(blockAfter('README.md', '## Install', 'sh')).toContain(`mesh-egress-lint-${VERSION}.tgz`);
    const ci = blockAfter('docs/ci.md', '## Installing the command in a CI job', 'sh');
    expect(ci).toContain(`--branch v${VERSION} `);
    expect(ci).toContain(`mesh-egress-lint-${VERSION}.tgz`);
  });

  it('gives the GitLab job the same install lines as the shell install of docs/ci.md', () => {
    const sh = blockAfter('docs/ci.md', '## Installing the command in a CI job', 'sh').trimEnd().split('\n');
    const gitlab = blockAfter('docs/ci.md', '## GitLab CI', 'yaml');
    const before = /^ {2}before_script:\n((?: {4}- .*\n)+)/m.exec(gitlab)?.[1]?.split('\n').filter((l) => l !== '').map((l) => l.slice('    - '.length));
    expect(before).toEqual(sh.slice(1));
    expect(gitlab).toContain(`MESH_EGRESS_LINT_GIT: ${sh[0]!.slice('MESH_EGRESS_LINT_GIT='.length)}`);
  });
});

describe('installing as the pages print it', () => {
  let snapshot: { url: string; rev: string };
  beforeAll(() => {
    snapshot = repositorySnapshot();
  }, 120_000);

  it("README: in a fresh clone, pack and install the tarball; the command runs from npm's bin", async () => {
    const clone = path.join(tempTree({}), 'clone');
    git(path.dirname(clone), 'clone', '-q', snapshot.url, clone);
    const prefix = tempTree({});
    const script = blockAfter('README.md', '## Install', 'sh');
    const r = await shell(script, clone, prefix);
    expect(r.status, r.out).toBe(0);
    expect(r.out).toContain('No problems');
    expect(existsSync(path.join(clone, `mesh-egress-lint-${VERSION}.tgz`))).toBe(true);
    const installed = path.join(prefix, 'bin', 'mesh-egress-lint');
    // Installed, not linked to the clone: it works with the clone gone.
    expect(readdirSync(path.join(prefix, 'lib', 'node_modules'))).toContain('mesh-egress-lint');
    spawnSync('rm', ['-rf', clone]);
    expect(spawnSync(installed, ['--version'], { encoding: 'utf8' }).stdout.trim()).toBe(VERSION);
    await lintsExamplesAsTheRepositoryDoes(installed);
  }, 600_000);

  it('docs/ci.md: clone the release tag and install it, with only the marked address replaced', async () => {
    const script = blockAfter('docs/ci.md', '## Installing the command in a CI job', 'sh');
    expect(script).toContain(ADDRESS_TO_REPLACE);
    const job = tempTree({});
    const prefix = tempTree({});
    const r = await shell(script.replace(ADDRESS_TO_REPLACE, `file://${snapshot.url}`), job, prefix, { TMPDIR: job });
    expect(r.status, r.out).toBe(0);
    // The tag was checked out: the clone is at the snapshot's tagged commit.
    expect(git(path.join(job, 'mesh-egress-lint'), 'describe', '--tags', '--exact-match').trim()).toBe(snapshot.rev);
    const installed = path.join(prefix, 'bin', 'mesh-egress-lint');
    expect(spawnSync(installed, ['--version'], { encoding: 'utf8' }).stdout.trim()).toBe(VERSION);
    await lintsExamplesAsTheRepositoryDoes(installed);
  }, 600_000);
});
