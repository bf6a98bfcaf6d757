// The CI report formats checked against what their consumers check: --format gitlab against the
// JSON schema GitLab validates each Code Quality issue with, plus the rules GitLab's documentation
// adds; --format junit with `xmllint --schema` against the JUnit XSD Jenkins' xunit plugin
// publishes. Sources of both schemas: test/schemas/README.md.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { REGISTRY_ONLY_UNREGISTERED_CALL as MIXED, runCli, tempTree } from './helpers.js';

const ROOT = path.resolve(__dirname, '..');
const SCHEMAS = path.join(ROOT, 'test', 'schemas');
const EXAMPLES = ['egress-gateway-per-upstream', 'https-tls-route', 'kubernetes-services', 'registry-only-service-entries', 'capture-ranges'];

const WARNING_ONLY = `apiVersion: v1
kind: Service
metadata: {name: b, namespace: default}
spec: {ports: [{port: 80}]}
`;

// Two VirtualServices that make the same mistake the same way in one file, and a message with
// characters that need escaping in XML and JSON (a host name quoted from the input).
const TWIN_MISTAKES = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: a, namespace: apps}
spec:
  hosts: [a.example.com]
  gateways: [missing-gateway]
  http:
  - route:
    - destination: {host: a.example.com}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: b, namespace: apps}
spec:
  hosts: [b.example.com]
  gateways: ["gw-<&>\\"'\\u0007]]>"]
  http:
  - route:
    - destination: {host: b.example.com}
`;

interface GitlabIssue {
  type: string;
  check_name: string;
  description: string;
  fingerprint: string;
  severity: string;
  location: { path: string; lines: { begin: number; end?: number } };
}

const gitlabSchema = JSON.parse(readFileSync(path.join(SCHEMAS, 'gitlab-codeclimate.json'), 'utf8'));
const validateIssue = new Ajv({ strict: false, allErrors: true }).compile(gitlabSchema);

/** Checks a Code Quality report the way GitLab reads it; returns the issues. */
function checkGitlab(stdout: string, repo: string): GitlabIssue[] {
  const issues = JSON.parse(stdout) as GitlabIssue[];
  expect(Array.isArray(issues)).toBe(true);
  for (const issue of issues) {
    // GitLab validates every issue against its schema and drops the report at the first invalid one.
    expect(validateIssue(issue), JSON.stringify(validateIssue.errors)).toBe(true);
    // GitLab's documentation ("Code Quality report format"): these are required too.
    expect(['info', 'minor', 'major', 'critical', 'blocker']).toContain(issue.severity);
    expect(issue.check_name).toMatch(/^[a-z][a-z0-9-]*$/);
    expect(issue.description.length).toBeGreaterThan(0);
    expect(Number.isInteger(issue.location.lines.begin) && issue.location.lines.begin >= 1).toBe(true);
    // location.path: relative to the repository, no "./" or "..", '/' separators, naming a real file.
    expect(issue.location.path).not.toMatch(/^(\/|\.\/|\.\.\/)|\\/);
    expect(readFileSync(path.join(repo, issue.location.path)).length).toBeGreaterThan(0);
  }
  // The merge request widget tells issues apart by fingerprint: each must be unique in the report.
  const fingerprints = issues.map((i) => i.fingerprint);
  expect(new Set(fingerprints).size).toBe(fingerprints.length);
  return issues;
}

function git(cwd: string, ...args: string[]): void {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
}

describe('--format gitlab (GitLab Code Quality)', () => {
  it('is valid for GitLab on every bundled broken example, with the findings of the JSON report', async () => {
    let total = 0;
    for (const ex of EXAMPLES) {
      const dir = path.join('examples', ex, 'broken');
      const r = await runCli([dir, '--format', 'gitlab'], ROOT);
      const json = JSON.parse((await runCli([dir, '--format', 'json'], ROOT)).stdout) as { findings: { ruleId: string; file: string; line: number }[] };
      expect(r.code, ex).toBe(json.findings.length > 0 ? 1 : 0);
      const issues = checkGitlab(r.stdout, ROOT);
      expect(issues.map((i) => `${i.check_name}@${i.location.path}:${i.location.lines.begin}`)).toEqual(json.findings.map((f) => `${f.ruleId}@${f.file}:${f.line}`));
      total += issues.length;
    }
    expect(total).toBeGreaterThan(5);
  });

  it('maps severities, keeps twin findings apart, and is an empty array for a clean run', async () => {
    const dir = tempTree({ 'e.yaml': MIXED, 'w.yaml': WARNING_ONLY, 'twins.yaml': TWIN_MISTAKES, 'clean/ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n' });
    const issues = checkGitlab((await runCli(['e.yaml', 'w.yaml', 'twins.yaml', '--format', 'gitlab'], dir)).stdout, dir);
    const json = JSON.parse((await runCli(['e.yaml', 'w.yaml', 'twins.yaml', '--format', 'json'], dir)).stdout) as { findings: { severity: string }[] };
    expect(issues.map((i) => i.severity)).toEqual(json.findings.map((f) => ({ error: 'major', warning: 'minor', info: 'info' })[f.severity]));
    expect(issues.map((i) => i.severity)).toEqual(expect.arrayContaining(['major', 'minor']));
    expect(issues.filter((i) => i.location.path === 'twins.yaml' && i.check_name === 'gateway-not-found')).toHaveLength(2);
    const clean = await runCli(['clean', '--format', 'gitlab'], dir);
    expect(clean.code).toBe(0);
    expect(JSON.parse(clean.stdout)).toEqual([]);
  });

  it('keeps fingerprints across unrelated edits, and gives paths relative to the repository from a subfolder', async () => {
    const repo = tempTree({ 'k8s/apps/vs.yaml': TWIN_MISTAKES, 'k8s/apps/e.yaml': MIXED });
    git(repo, 'init', '-q');
    const sub = path.join(repo, 'k8s');
    const before = checkGitlab((await runCli(['apps', '--format', 'gitlab'], sub)).stdout, repo);
    expect(before.length).toBeGreaterThan(2);
    expect(before.every((i) => i.location.path.startsWith('k8s/apps/'))).toBe(true);
    // Lines move (a comment on top), findings stay: same fingerprints, new line numbers.
    writeFileSync(path.join(repo, 'k8s/apps/vs.yaml'), `# owned by the apps team\n\n${TWIN_MISTAKES}`);
    const after = checkGitlab((await runCli(['apps', '--format', 'gitlab'], sub)).stdout, repo);
    expect(after.map((i) => i.fingerprint).sort()).toEqual(before.map((i) => i.fingerprint).sort());
    const line = (issues: GitlabIssue[]) => issues.find((i) => i.location.path === 'k8s/apps/vs.yaml')!.location.lines.begin;
    expect(line(after)).toBe(line(before) + 2);
    // Byte-identical from run to run.
    expect((await runCli(['apps', '--format', 'gitlab'], sub)).stdout).toBe((await runCli(['apps', '--format', 'gitlab'], sub)).stdout);
  });
});

const xmllint = spawnSync('xmllint', ['--version'], { encoding: 'utf8' }).status === 0;

describe('--format junit (JUnit XML)', () => {
  /** `xmllint --schema junit-10.xsd`: the report must be well-formed XML valid against the XSD. */
  function checkJunit(xml: string): void {
    const file = path.join(tempTree({}), 'report.xml');
    writeFileSync(file, xml);
    const r = spawnSync('xmllint', ['--noout', '--schema', path.join(SCHEMAS, 'junit-10.xsd'), file], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/validates/);
  }

  it('validates against junit-10.xsd on every bundled example, one failing testcase per finding', async ({ skip }) => {
    if (!xmllint) skip('xmllint not installed (Debian package libxml2-utils)');
    for (const ex of EXAMPLES) {
      for (const set of ['broken', 'good']) {
        const dir = path.join('examples', ex, set);
        const r = await runCli([dir, '--format', 'junit'], ROOT);
        checkJunit(r.stdout);
        const json = JSON.parse((await runCli([dir, '--format', 'json'], ROOT)).stdout) as { findings: { ruleId: string; file: string; line: number; column: number }[] };
        const failures = [...r.stdout.matchAll(/<failure /g)].length;
        expect(failures, `${ex}/${set}`).toBe(json.findings.length);
        expect(r.stdout).toContain(`failures="${json.findings.length}"`);
        for (const f of json.findings) expect(r.stdout).toContain(`name="${f.file}:${f.line}:${f.column} ${f.ruleId}"`);
        if (json.findings.length === 0) expect(r.stdout).toMatch(/<testcase name="no findings in \d+ files?"/);
      }
    }
  });

  it('escapes what the input quotes, and stays valid for a clean run and for syntax errors', async ({ skip }) => {
    if (!xmllint) skip('xmllint not installed (Debian package libxml2-utils)');
    const dir = tempTree({ 'twins.yaml': TWIN_MISTAKES, 'bad.yaml': 'a: "unclosed\n', 'weird <&>".yaml': WARNING_ONLY, 'clean/ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n' });
    const r = await runCli(['.', '--format', 'junit'], dir);
    expect(r.code).toBe(1);
    checkJunit(r.stdout);
    expect(r.stdout).toContain('gw-&lt;&amp;&gt;&quot;');
    expect(r.stdout).not.toContain('\u0007');
    expect(r.stdout).toContain('name="weird &lt;&amp;&gt;&quot;.yaml"');
    checkJunit((await runCli(['clean', '--format', 'junit'], dir)).stdout);
  });
});
