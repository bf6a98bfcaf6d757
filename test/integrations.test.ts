// The GitHub Action and the pre-commit hook, run the way their hosts run them: the Action's bash
// steps with GitHub's expressions filled in, the hook's entry and args with the changed files.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { tempTree } from './helpers.js';

const ROOT = path.resolve(__dirname, '..');

interface Step {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  with?: Record<string, string>;
  shell?: string;
  run?: string;
  env?: Record<string, string>;
  'working-directory'?: string;
}

const action = parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
};

interface Ctx {
  workspace: string;
  inputs: Record<string, string>;
  /** Outputs of the steps run so far, by step id. */
  steps: Record<string, Record<string, string>>;
  /** github.event.pull_request.head.repo.full_name (a pull request) and github.repository. */
  headRepo?: string;
  repository: string;
}

const context = (workspace: string, inputs: Record<string, string> = {}, headRepo?: string): Ctx => ({ workspace, inputs, steps: {}, headRepo, repository: 'owner/repo' });

/** Fills `${{ github.* }}`, `${{ inputs.* }}` and `${{ steps.<id>.outputs.* }}` like the runner. */
function expand(s: string, ctx: Ctx): string {
  return s.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_m, expr: string) => {
    if (expr === 'github.action_path') return ROOT;
    if (expr === 'github.workspace') return ctx.workspace;
    if (expr === 'github.event.pull_request.head.repo.full_name') return ctx.headRepo ?? '';
    const input = /^inputs\.([\w-]+)$/.exec(expr);
    if (input) return ctx.inputs[input[1]!] ?? action.inputs[input[1]!]?.default ?? '';
    const out = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expr);
    if (out) return ctx.steps[out[1]!]?.[out[2]!] ?? '';
    throw new Error(`unexpected expression ${expr}`);
  });
}

/** A step's `if:`, of the two forms the action uses: `steps.<id>.outputs.<name> ==|!= '<value>'`. */
function condition(step: Step, ctx: Ctx): boolean {
  if (step.if === undefined) return true;
  const m = /^\$\{\{\s*steps\.([\w-]+)\.outputs\.([\w-]+)\s*(==|!=)\s*'([^']*)'\s*\}\}$/.exec(step.if);
  if (!m) throw new Error(`unexpected condition ${step.if}`);
  const value = ctx.steps[m[1]!]?.[m[2]!] ?? '';
  return m[3] === '==' ? value === m[4] : value !== m[4];
}

function runStep(step: Step, ctx: Ctx) {
  const outputFile = path.join(tempTree({ out: '' }), 'out');
  const env = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, expand(String(v), ctx)]));
  // The runner's bash: `bash --noprofile --norc -eo pipefail {0}`.
  const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', expand(step.run!, ctx)], {
    cwd: step['working-directory'] ? expand(step['working-directory'], ctx) : ctx.workspace,
    encoding: 'utf8',
    env: { ...process.env, ...env, GITHUB_OUTPUT: outputFile, GITHUB_REPOSITORY: ctx.repository },
  });
  const outputs: Record<string, string> = {};
  for (const line of readFileSync(outputFile, 'utf8').split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) outputs[line.slice(0, eq)] = line.slice(eq + 1);
  }
  if (step.id) ctx.steps[step.id] = outputs;
  return r;
}

/** Runs the action's shell steps after the build (the build is this checkout's `npm run build`), in order, as the runner would. */
function runAction(ctx: Ctx): { ran: string[]; log: string; failed?: { step: string; status: number | null } } {
  const ran: string[] = [];
  let log = '';
  for (const step of action.runs.steps) {
    if (step.name === 'Set up Node.js' || step.name === 'Build mesh-egress-lint') continue;
    if (!condition(step, ctx)) continue;
    ran.push(step.name!);
    if (step.uses) continue; // upload-sarif: not run here (no network, no GitHub)
    const r = runStep(step, ctx);
    log += r.stdout + r.stderr;
    if (r.status !== 0) return { ran, log, failed: { step: step.name!, status: r.status } };
  }
  return { ran, log };
}

const BROKEN = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: httpbin, namespace: apps}
spec:
  hosts: [httpbin.org]
  gateways: [missing-gateway]
  http:
  - route:
    - destination: {host: httpbin.org}
`;
const SE = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: httpbin, namespace: apps}
spec:
  hosts: [httpbin.org]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: DNS
`;
const WARNING_ONLY = `apiVersion: v1
kind: Service
metadata: {name: b, namespace: default}
spec: {ports: [{port: 80}]}
`;

describe('GitHub Action (action.yml)', () => {
  it('uses current majors: setup-node on a maintained Node, upload-sarif v4', () => {
    expect(action.runs.using).toBe('composite');
    const uses = action.runs.steps.filter((s) => s.uses).map((s) => s.uses);
    expect(uses).toEqual(['actions/setup-node@v6', 'github/codeql-action/upload-sarif@v4']);
    expect(['22', '24']).toContain(action.inputs['node-version']!.default);
    const names = action.runs.steps.map((s) => s.name);
    expect(names.indexOf('Upload SARIF to code scanning')).toBeLessThan(names.indexOf('Fail on findings'));
    expect(existsSync(path.join(ROOT, 'dist', 'cli', 'main.js')), 'run `npm run build` first').toBe(true);
  });

  it('on a push: writes SARIF, uploads it, prints the findings as text, then fails the job', () => {
    const workspace = tempTree({ 'manifests/vs.yaml': BROKEN, 'manifests/se.yaml': SE });
    const ctx = context(workspace, { paths: 'manifests/' });
    const r = runAction(ctx);
    expect(r.ran).toEqual(['Decide where findings go', 'Lint', 'Upload SARIF to code scanning', 'Fail on findings']);
    expect(r.failed).toEqual({ step: 'Fail on findings', status: 1 });
    expect(ctx.steps.lint!['exit-code']).toBe('1');
    expect(ctx.steps.mode!.upload).toBe('true');
    const sarif = JSON.parse(readFileSync(path.join(workspace, 'results.sarif'), 'utf8'));
    expect(sarif.runs[0].results.map((x: { ruleId: string }) => x.ruleId)).toContain('gateway-not-found');
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('manifests/vs.yaml');
    expect(r.log).toMatch(/^manifests\/vs\.yaml\n.*gateway-not-found/m); // readable findings in the job log
    expect(r.log).toMatch(/^::error title=mesh-egress-lint::findings at or above/m);
  });

  it('on a pull request from a fork: no upload (read-only token), annotations instead', () => {
    const workspace = tempTree({ 'manifests/vs.yaml': BROKEN, 'manifests/se.yaml': SE });
    const ctx = context(workspace, { paths: 'manifests/' }, 'someone/repo');
    const r = runAction(ctx);
    expect(r.ran).toEqual(['Decide where findings go', 'Lint', 'Fail on findings']);
    expect(ctx.steps.mode!.upload).toBe('false');
    expect(r.log).toMatch(/^::error file=manifests\/vs\.yaml,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=gateway-not-found::/m);
    expect(r.log).toMatch(/Pull request from a fork/);
    // A pull request from a branch of the repository itself uploads.
    const same = context(workspace, { paths: 'manifests/' }, 'owner/repo');
    expect(runAction(same).ran).toContain('Upload SARIF to code scanning');
    // upload: 'false' always annotates; a value that is not auto/true/false stops the action.
    expect(runAction(context(workspace, { paths: 'manifests/', upload: 'false' })).ran).not.toContain('Upload SARIF to code scanning');
    expect(runAction(context(workspace, { paths: 'manifests/', upload: 'yes' })).failed).toEqual({ step: 'Decide where findings go', status: 2 });
  });

  it("keeps the config file's failOn unless the fail-on input is set", () => {
    const warn = tempTree({ 'm/svc.yaml': WARNING_ONLY, '.mesh-egress-lint.yaml': 'failOn: warning\n' });
    const byConfig = context(warn, { paths: 'm' });
    expect(runAction(byConfig).failed).toEqual({ step: 'Fail on findings', status: 1 });
    expect(byConfig.steps.lint!['exit-code']).toBe('1');
    const byInput = context(warn, { paths: 'm', 'fail-on': 'error' });
    expect(runAction(byInput).failed).toBeUndefined();
    expect(byInput.steps.lint!['exit-code']).toBe('0');
    const never = tempTree({ 'm/vs.yaml': BROKEN, 'm/se.yaml': SE, '.mesh-egress-lint.yaml': 'failOn: never\n' });
    const c = context(never, { paths: 'm' });
    expect(runAction(c).failed).toBeUndefined();
    expect(c.steps.lint!['exit-code']).toBe('0');
    const clean = context(tempTree({ 'm/se.yaml': SE }), { paths: 'm' });
    expect(runAction(clean).ran).toEqual(['Decide where findings go', 'Lint', 'Upload SARIF to code scanning']);
  });

  it('lints the bundled examples from the workspace, and stops with exit 2 on a bad option', () => {
    for (const set of ['good', 'broken'] as const) {
      const ctx = context(ROOT, { paths: `examples/registry-only-service-entries/${set}`, 'sarif-file': path.join(tempTree({}), 'r.sarif') });
      runAction(ctx);
      expect(ctx.steps.lint!['exit-code'], set).toBe(set === 'good' ? '0' : '1');
    }
    const bad = context(tempTree({ 'm/se.yaml': SE }), { paths: 'm', args: '--no-such-option' });
    const r = runAction(bad);
    expect(r.failed).toEqual({ step: 'Lint', status: 2 });
    expect(r.log).toMatch(/Unknown option '--no-such-option'/);
  });
});

describe('pre-commit hook (.pre-commit-hooks.yaml)', () => {
  const hooks = parse(readFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as { id: string; entry: string; language: string; args?: string[]; pass_filenames?: boolean; always_run?: boolean; require_serial?: boolean }[];
  const hook = hooks.find((h) => h.id === 'mesh-egress-lint')!;

  it('runs a bin of package.json with --staged on every commit, with npm scripts in the background (npm pack output)', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string>; scripts: Record<string, string> };
    expect(hook.language).toBe('node');
    const [bin, ...args] = hook.entry.split(' ');
    expect(pkg.bin[bin!]).toBe('bin/mesh-egress-lint.js');
    expect(args).toEqual(['--staged']);
    // The whole tree is read from git, so file names are not passed; a deletion (which pre-commit
    // does not pass as a file) can break another file, so the hook runs on every commit.
    expect(hook.pass_filenames).toBe(false);
    expect(hook.always_run).toBe(true);
    expect(hook.require_serial).toBe(true);
    // pre-commit reads the tarball name from npm pack's standard output; the prepare build runs
    // during npm pack, and only background scripts keep its banner and output off that stream.
    expect(pkg.scripts.prepare).toBeDefined();
    expect(readFileSync(path.join(ROOT, '.npmrc'), 'utf8')).toMatch(/^foreground-scripts=false$/m);
  });
});
