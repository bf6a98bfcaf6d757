// Baselines end to end through main(): --write-baseline then --baseline.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempTree, runCli } from './helpers.js';

const run = (argv: string[], cwd: string) => runCli(argv, cwd, { env: { NO_COLOR: '1' } });

interface JsonReport {
  summary: Record<string, number>;
  findings: { ruleId: string; file: string; line: number }[];
}

const json = (stdout: string): JsonReport => JSON.parse(stdout) as JsonReport;

/** A resource-less document with one yaml-syntax error. */
const DUP = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n';
/** DUP repeats one ConfigMap on purpose (equal findings); duplicate-resource would add findings of its own. */
const NO_DUPLICATE_RULE = { '.mesh-egress-lint.yaml': 'rules:\n  duplicate-resource: off\n' };
/** A ConfigMap with schema violations: findings tied to a resource. */
const CM = (name: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  retries: 3\n`;

describe('--write-baseline', () => {
  it('records the findings, reports them as baselined and exits 0', async () => {
    const dir = tempTree({ 'a.yaml': `${DUP}---\n${CM('one')}`, 'b/b.yaml': DUP , ...NO_DUPLICATE_RULE });
    const before = await run(['.', '--format', 'json'], dir);
    expect(before.code).toBe(1);
    const n = json(before.stdout).findings.length;

    const w = await run(['.', '--format', 'json', '--write-baseline', 'lint-baseline.json'], dir);
    expect(w.code).toBe(0);
    expect(w.stderr).toBe(`mesh-egress-lint: wrote baseline lint-baseline.json (${n} findings)\n`);
    expect(json(w.stdout).findings).toEqual([]);
    expect(json(w.stdout).summary).toMatchObject({ errors: 0, warnings: 0, infos: 0, baselined: n });

    const file = JSON.parse(readFileSync(path.join(dir, 'lint-baseline.json'), 'utf8')) as {
      version: number;
      tool: string;
      findings: { file: string; ruleId: string; fingerprint: string; count: number; resource?: string }[];
    };
    expect(file.version).toBe(1);
    expect(file.tool).toBe('mesh-egress-lint');
    expect(file.findings.map((e) => e.file)).toEqual([...file.findings.map((e) => e.file)].sort());
    expect(file.findings.reduce((s, e) => s + e.count, 0)).toBe(n);
    expect(file.findings.find((e) => e.ruleId === 'schema-violation')?.resource).toBe('ConfigMap default/one');
    for (const e of file.findings) expect(e.fingerprint).toMatch(/^[0-9a-f]{64}$/);

    // The baseline lies among the manifests but is not linted itself.
    const again = await run(['.', '--format', 'json', '--baseline', 'lint-baseline.json'], dir);
    expect(json(again.stdout).findings).toEqual([]);
    expect(again.code).toBe(0);
  });

  it('is deterministic: the same findings give the same bytes', async () => {
    const dir = tempTree({ 'z.yaml': DUP, 'a.yaml': `${CM('x')}---\n${CM('y')}`, 'm/m.yaml': `${DUP}---\n${DUP}` , ...NO_DUPLICATE_RULE });
    // Dot files are not linted, so neither baseline sees the other.
    await run(['.', '--write-baseline', '.b1.json'], dir);
    await run(['.', '--write-baseline', '.b2.json'], dir);
    expect(readFileSync(path.join(dir, '.b1.json'), 'utf8')).toBe(readFileSync(path.join(dir, '.b2.json'), 'utf8'));
  });
});

describe('--baseline', () => {
  it('hides recorded findings, shows new ones, counts the hidden in summary.baselined', async () => {
    const dir = tempTree({ 'a.yaml': CM('old'), 'b.yaml': DUP , ...NO_DUPLICATE_RULE });
    expect((await run(['.', '--write-baseline', '.baseline.json'], dir)).code).toBe(0);
    const clean = await run(['.', '--format', 'json', '--baseline', '.baseline.json'], dir);
    expect(clean.code).toBe(0);
    const hidden = json(clean.stdout).summary.baselined!;
    expect(hidden).toBeGreaterThan(1);

    // A new resource with the same problem, and a new file: both are new findings.
    writeFileSync(path.join(dir, 'a.yaml'), `# a comment that moves every line down\n\n${CM('old')}---\n${CM('new')}`);
    writeFileSync(path.join(dir, 'c.yaml'), DUP);
    const after = await run(['.', '--format', 'json', '--baseline', '.baseline.json'], dir);
    const r = json(after.stdout);
    expect(after.code).toBe(1);
    expect(r.summary.baselined).toBe(hidden);
    expect(r.findings.map((f) => `${f.ruleId}@${f.file}:${f.line}`)).toEqual(['schema-violation@a.yaml:15', 'yaml-syntax@c.yaml:5']);
    expect(r.summary.errors).toBe(2);
  });

  it('counts duplicates: a third equal finding in a file is new', async () => {
    const dir = tempTree({ 'a.yaml': `${DUP}---\n${DUP}` , ...NO_DUPLICATE_RULE });
    await run(['.', '--write-baseline', 'bl.json'], dir);
    const entries = (JSON.parse(readFileSync(path.join(dir, 'bl.json'), 'utf8')) as { findings: { count: number }[] }).findings;
    expect(entries).toHaveLength(1);
    expect(entries[0]!.count).toBe(2);
    writeFileSync(path.join(dir, 'a.yaml'), `${DUP}---\n${DUP}---\n${DUP}`);
    const r = json((await run(['.', '--format', 'json', '--baseline', 'bl.json'], dir)).stdout);
    expect(r.findings).toHaveLength(1);
    expect(r.summary.baselined).toBe(2);
  });

  it('matches files relative to the baseline file, whatever the working directory', async () => {
    const dir = tempTree({ 'manifests/a.yaml': DUP, 'manifests/cm.yaml': CM('x') });
    await run(['manifests', '--write-baseline', 'ci/baseline.json'], dir);
    const fromSub = await run(['.', '--format', 'json', '--baseline', '../ci/baseline.json'], path.join(dir, 'manifests'));
    expect(json(fromSub.stdout).findings).toEqual([]);
    expect(fromSub.code).toBe(0);
  });

  it('exits 2 on a missing, malformed or newer baseline', async () => {
    const dir = tempTree({ 'a.yaml': DUP, 'bad.json': '{"version": 1', 'v9.json': '{"version": 9, "findings": []}' });
    const missing = await run(['.', '--baseline', 'nope.json'], dir);
    expect(missing).toMatchObject({ code: 2, stdout: '' });
    expect(missing.stderr).toBe('mesh-egress-lint: cannot read baseline nope.json: no such file (create it with --write-baseline)\n');
    expect((await run(['.', '--baseline', 'bad.json'], dir)).stderr).toMatch(/^mesh-egress-lint: baseline bad\.json is not valid JSON/);
    const v9 = await run(['.', '--baseline', 'v9.json'], dir);
    expect(v9.code).toBe(2);
    expect(v9.stderr).toBe('mesh-egress-lint: baseline v9.json has version 9; this mesh-egress-lint reads version 1 (rewrite it with --write-baseline)\n');
  });

  it('applies after inline suppressions: a suppressed finding is not recorded', async () => {
    const dir = tempTree({ 'a.yaml': `# mesh-egress-lint-disable yaml-syntax -- vendored\n${DUP}` });
    const w = await run(['.', '--format', 'json', '--write-baseline', 'bl.json'], dir);
    expect(json(w.stdout).summary).toMatchObject({ suppressed: 1, baselined: 0 });
    expect((JSON.parse(readFileSync(path.join(dir, 'bl.json'), 'utf8')) as { findings: unknown[] }).findings).toEqual([]);
  });
});
