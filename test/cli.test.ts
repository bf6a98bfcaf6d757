import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempTree, runCli } from './helpers.js';

const cli = (argv: string[], cwd: string, stdin = '', env: NodeJS.ProcessEnv = {}) => runCli(argv, cwd, { stdin, env });

const CLEAN = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: httpbin, namespace: default}
spec:
  hosts: [httpbin.org]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: DNS
`;
const BROKEN_YAML = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n';
const VALUES = 'replicaCount: 2\n';

describe('exit codes', () => {
  it('0 when nothing is at or above --fail-on', async () => {
    const dir = tempTree({ 'se.yaml': CLEAN });
    const r = await cli(['.'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('1 for a yaml-syntax error, and the other files are still linted', async () => {
    const dir = tempTree({ 'a.yaml': BROKEN_YAML, 'b.yaml': VALUES });
    const r = await cli(['--format', 'json'], dir);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.findings.map((f: { ruleId: string; file: string }) => `${f.ruleId} ${f.file}`)).toEqual(['yaml-syntax a.yaml', 'not-a-manifest b.yaml']);
  });

  it('--fail-on decides which severities fail', async () => {
    const dir = tempTree({ 'b.yaml': VALUES });
    expect((await cli(['.'], dir)).code).toBe(0);
    expect((await cli(['.', '--fail-on', 'info'], dir)).code).toBe(1);
    const broken = tempTree({ 'a.yaml': BROKEN_YAML });
    expect((await cli(['.', '--fail-on', 'never'], broken)).code).toBe(0);
  });

  it('is the same for every format', async () => {
    const dir = tempTree({ 'a.yaml': BROKEN_YAML });
    for (const format of ['text', 'json', 'sarif', 'github']) expect((await cli(['.', '--format', format], dir)).code).toBe(1);
  });

  it('2 with a one-line message for usage errors, missing paths and nothing to lint', async () => {
    const dir = tempTree({ 'readme.md': '# no manifests' });
    for (const argv of [['--format', 'xml'], ['--bogus'], ['missing-dir'], ['.'], ['--istio-version', 'latest'], ['--fail-on', 'sometimes'], ['--mesh-config', 'nope.yaml']]) {
      const r = await cli(argv, dir);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), argv.join(' ')).toHaveLength(1);
      expect(r.stderr).toMatch(/^mesh-egress-lint: /);
      expect(r.stdout).toBe('');
    }
  });
});

describe('formats', () => {
  it('json follows the contract, files relative to the cwd', async () => {
    const dir = tempTree({ 'sub/a.yaml': BROKEN_YAML, 'se.yaml': CLEAN });
    const out = JSON.parse((await cli(['--format', 'json'], dir)).stdout);
    expect(Object.keys(out)).toEqual(['tool', 'summary', 'findings']);
    expect(out.tool.name).toBe('mesh-egress-lint');
    // The document with a repeated key is still read (with its last value), so both files hold a resource.
    expect(out.summary).toMatchObject({ files: 2, resources: 2, errors: 1, warnings: 0 });
    expect(out.findings[0]).toMatchObject({ ruleId: 'yaml-syntax', severity: 'error', file: 'sub/a.yaml', line: 5, column: 3 });
  });

  it('sarif is one run with results and nothing else on stdout', async () => {
    const dir = tempTree({ 'a.yaml': BROKEN_YAML });
    const r = await cli(['--format', 'sarif'], dir);
    const sarif = JSON.parse(r.stdout);
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs).toHaveLength(1);
    expect(sarif.runs[0].results[0]).toMatchObject({ ruleId: 'yaml-syntax', level: 'error' });
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('a.yaml');
  });

  it('github prints workflow commands', async () => {
    const dir = tempTree({ 'a.yaml': BROKEN_YAML });
    const r = await cli(['--format', 'github'], dir);
    expect(r.stdout).toMatch(/^::error file=a\.yaml,line=5,col=3,/m);
  });

  it('text has no colour when not a TTY, and colour with FORCE_COLOR', async () => {
    const dir = tempTree({ 'a.yaml': BROKEN_YAML });
    expect((await cli([], dir)).stdout).not.toMatch(/\u001b\[/);
    expect((await cli([], dir, '', { FORCE_COLOR: '1' })).stdout).toMatch(/\u001b\[/);
    expect((await cli([], dir, '', { FORCE_COLOR: '1', NO_COLOR: '1' })).stdout).not.toMatch(/\u001b\[/);
  });

  it('--output writes the report to a file and --quiet keeps errors only', async () => {
    const dir = tempTree({ 'a.yaml': BROKEN_YAML, 'b.yaml': VALUES });
    const r = await cli(['--format', 'json', '--output', 'out.json', '--quiet'], dir);
    expect(r.stdout).toBe('');
    const out = JSON.parse(readFileSync(path.join(dir, 'out.json'), 'utf8'));
    expect(out.findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(['yaml-syntax']);
  });

  it('reads standard input with "-"', async () => {
    const dir = tempTree({});
    const r = await cli(['-', '--format', 'json'], dir, BROKEN_YAML);
    const out = JSON.parse(r.stdout);
    expect(out.findings[0]).toMatchObject({ ruleId: 'yaml-syntax', file: '<stdin>', line: 5 });
    expect(r.code).toBe(1);
  });

  it('is deterministic: the same input gives byte-identical output', async () => {
    const dir = tempTree({ 'a.yaml': BROKEN_YAML, 'b.yaml': VALUES, 'c.yaml': CLEAN });
    for (const format of ['text', 'json', 'sarif', 'github']) {
      const a = await cli(['--format', format], dir);
      const b = await cli(['--format', format], dir);
      expect(a.stdout).toBe(b.stdout);
    }
  });
});

describe('rules command', () => {
  it('lists implemented rules in every format', async () => {
    const dir = tempTree({});
    const text = await cli(['rules'], dir);
    expect(text.stdout).toMatch(/^yaml-syntax\s+error/m);
    const json = JSON.parse((await cli(['rules', '--format', 'json'], dir)).stdout);
    expect(json.map((r: { id: string }) => r.id)).toContain('not-a-manifest');
    expect((await cli(['rules', '--format', 'markdown'], dir)).stdout).toMatch(/^\| id \| default \| summary \|/);
  });

  it('lists exactly the rule files that exist', async () => {
    const dir = tempTree({});
    const json = JSON.parse((await cli(['rules', '--format', 'json'], dir)).stdout) as { id: string }[];
    const files = json.map((r) => path.join(__dirname, '..', 'src', 'rules', `${r.id}.ts`));
    for (const f of files) expect(existsSync(f), f).toBe(true);
  });
});

describe('--mesh-config', () => {
  it('accepts a raw MeshConfig file and rejects a bad mode', async () => {
    const dir = tempTree({ 'se.yaml': CLEAN, 'mesh.yaml': 'outboundTrafficPolicy:\n  mode: REGISTRY_ONLY\n', 'bad.yaml': 'outboundTrafficPolicy:\n  mode: BLOCK\n' });
    expect((await cli(['se.yaml', '--mesh-config', 'mesh.yaml'], dir)).code).toBe(0);
    const bad = await cli(['se.yaml', '--mesh-config', 'bad.yaml'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/BLOCK/);
  });
});

describe('the installed entry point', () => {
  const bin = path.join(__dirname, '..', 'bin', 'mesh-egress-lint.js');
  const built = existsSync(path.join(__dirname, '..', 'dist', 'cli', 'main.js'));
  it('runs from bin/ after the build, with the same exit codes', () => {
    expect(built, 'run `npm run build` (npm ci runs it through prepare)').toBe(true);
    const dir = tempTree({ 'a.yaml': BROKEN_YAML });
    const r = spawnSync(process.execPath, [bin, '.', '--format', 'json'], { cwd: dir, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout).findings[0].ruleId).toBe('yaml-syntax');
    const v = execFileSync(process.execPath, [bin, '--version'], { encoding: 'utf8' });
    expect(v.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('parsing on several threads', () => {
  const bin = path.join(__dirname, '..', 'bin', 'mesh-egress-lint.js');
  const run = (cwd: string, threads: string, format: string) =>
    spawnSync(process.execPath, [bin, 'tree', '--format', format, '--fail-on', 'never', '--timing'], { cwd, encoding: 'utf8', env: { ...process.env, MESH_EGRESS_LINT_THREADS: threads }, maxBuffer: 1 << 26 });
  const generate = async (): Promise<string> => {
    expect(existsSync(path.join(__dirname, '..', 'dist', 'load', 'worker.js')), 'run `npm run build`').toBe(true);
    const { generateTree } = (await import('../scripts/gen-tree.mjs')) as { generateTree: (dir: string, n: number) => { files: number } };
    const dir = tempTree({});
    const { files } = generateTree(path.join(dir, 'tree'), 2500);
    expect(files).toBeGreaterThanOrEqual(400); // the size at which worker threads start
    return dir;
  };

  it('gives byte-identical output with one thread and with worker threads', async () => {
    const dir = await generate();
    // A directive makes every file a job for the full parser, the case worker threads are for.
    const tree = path.join(dir, 'tree');
    for (const ns of readdirSync(tree)) {
      for (const f of readdirSync(path.join(tree, ns))) {
        const p = path.join(tree, ns, f);
        writeFileSync(p, `%YAML 1.2\n---\n${readFileSync(p, 'utf8')}`);
      }
    }
    for (const format of ['json', 'sarif']) {
      const one = run(dir, '1', format);
      const two = run(dir, '2', format);
      expect(one.status).toBe(0);
      expect(one.stderr).toMatch(/by the fast reader, \d+ by the full YAML parser, on 1 thread/);
      if (os.availableParallelism() >= 2) expect(two.stderr).toMatch(/ 0 by the fast reader, \d+ by the full YAML parser, on 2 thread/);
      expect(JSON.parse(one.stdout).findings?.length ?? JSON.parse(one.stdout).runs[0].results.length).toBeGreaterThan(0);
      expect(two.stdout).toBe(one.stdout);
    }
  });

  it('stays on one thread when the fast reader reads the files', async () => {
    const dir = await generate();
    const r = run(dir, '2', 'json');
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/Parsed (\d+) file\(s\): \1 by the fast reader, 0 by the full YAML parser, on 1 thread\(s\)/);
  });
});

describe('--timing', () => {
  it('prints every phase and every rule to standard error, and which parser read the files', async () => {
    const dir = tempTree({
      'a.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  ports:\n  - port: 80\n',
      'b.yaml': 'apiVersion: v1\nkind: Service\nmetadata: &m {name: b}\nspec: {externalName: x.example.com, type: ExternalName}\n',
    });
    const r = await cli(['--format', 'json', '--timing'], dir);
    expect(JSON.parse(r.stdout).summary.files).toBe(2); // the report itself is unchanged
    const rows = [...r.stderr.matchAll(/^ {2}(\S+(?: \S+)?) +(\d+\.\d) +/gm)].map((m) => m[1]);
    const ruleIds = JSON.parse((await cli(['rules', '--format', 'json'], dir)).stdout).map((x: { id: string }) => `rule ${x.id}`);
    expect(rows).toEqual(['load', 'parse', 'model', ...ruleIds, 'locate', 'report']);
    expect(r.stderr).toMatch(/^ {2}total +\d+\.\d$/m);
    // The anchor in b.yaml is outside the fast reader's subset.
    expect(r.stderr).toMatch(/^Parsed 2 file\(s\): 1 by the fast reader, 1 by the full YAML parser, on 1 thread\(s\)$/m);
  });
});

describe('start-up', () => {
  it('does not load the full YAML parser or fast-glob for clean plain YAML (they load on first use)', () => {
    const script = `
      import { createRequire } from 'node:module';
      const require = createRequire(import.meta.url);
      const { main } = await import(${JSON.stringify(path.join(__dirname, '..', 'dist', 'cli', 'main.js'))});
      const run = (argv) => main({ argv, cwd: process.cwd(), env: {}, stdout: () => {}, stderr: () => {}, stdin: () => Buffer.alloc(0), isTTY: false });
      const loaded = () => ['yaml', 'fast-glob'].filter((m) => Object.keys(require.cache).some((k) => k.includes('/node_modules/' + m + '/')));
      const clean = await run(['good', '--format', 'json']);
      const before = loaded();
      const broken = await run(['broken', '--format', 'json']);
      console.log(JSON.stringify({ clean, before, broken, after: loaded() }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: path.join(__dirname, '..', 'examples', 'https-tls-route'), encoding: 'utf8' });
    expect(r.stderr).toBe('');
    // A run with findings needs the parser for their positions.
    expect(JSON.parse(r.stdout)).toEqual({ clean: 0, before: [], broken: 1, after: ['yaml'] });
  });
});

describe('README', () => {
  it('lists the rules exactly as `mesh-egress-lint rules --format markdown` prints them', async () => {
    const readme = readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
    const table = /<!-- rules-table:start -->\n([\s\S]*?)\n<!-- rules-table:end -->/.exec(readme)?.[1];
    const printed = (await cli(['rules', '--format', 'markdown'], tempTree({}))).stdout.trimEnd();
    expect(table).toBe(printed);
  });
});
