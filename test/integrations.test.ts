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
  shell?: string;
  run?: string;
  env?: Record<string, string>;
}

const action = parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string }>;
  runs: { using: string; steps: Step[] };
};

/** Fills `${{ github.* }}`, `${{ inputs.* }}` and `${{ steps.lint.outputs.* }}` like the runner. */
function expand(s: string, ctx: { workspace: string; inputs: Record<string, string>; outputs: Record<string, string> }): string {
  return s.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_m, expr: string) => {
    if (expr === 'github.action_path') return ROOT;
    if (expr === 'github.workspace') return ctx.workspace;
    const input = /^inputs\.([\w-]+)$/.exec(expr);
    if (input) return ctx.inputs[input[1]!] ?? action.inputs[input[1]!]?.default ?? '';
    const out = /^steps\.lint\.outputs\.([\w-]+)$/.exec(expr);
    if (out) return ctx.outputs[out[1]!] ?? '';
    throw new Error(`unexpected expression ${expr}`);
  });
}

function runStep(step: Step, ctx: { workspace: string; inputs: Record<string, string>; outputs: Record<string, string> }) {
  const outputFile = path.join(tempTree({ out: '' }), 'out');
  const env = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, expand(String(v), ctx)]));
  const r = spawnSync('bash', ['-e', '-c', expand(step.run!, ctx)], { cwd: ctx.workspace, encoding: 'utf8', env: { ...process.env, ...env, GITHUB_OUTPUT: outputFile } });
  for (const line of readFileSync(outputFile, 'utf8').split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) ctx.outputs[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return r;
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

describe('GitHub Action (action.yml)', () => {
  const lint = action.runs.steps.find((s) => s.id === 'lint')!;
  const fail = action.runs.steps.find((s) => s.name === 'Fail on findings')!;

  it('is a composite action whose lint step writes SARIF, records the exit code and fails the job after the upload', () => {
    expect(action.runs.using).toBe('composite');
    const names = action.runs.steps.map((s) => s.name);
    expect(names.indexOf('Upload SARIF to code scanning')).toBeLessThan(names.indexOf('Fail on findings'));
    expect(existsSync(path.join(ROOT, 'dist', 'cli', 'main.js')), 'run `npm run build` first').toBe(true);

    const workspace = tempTree({ 'manifests/vs.yaml': BROKEN, 'manifests/se.yaml': SE });
    const ctx = { workspace, inputs: { paths: 'manifests/' }, outputs: {} as Record<string, string> };
    const r = runStep(lint, ctx);
    expect(r.status, r.stderr).toBe(0); // the step itself succeeds so that the upload runs
    expect(ctx.outputs['exit-code']).toBe('1');
    const sarif = JSON.parse(readFileSync(path.join(workspace, 'results.sarif'), 'utf8'));
    expect(sarif.runs[0].results.map((x: { ruleId: string }) => x.ruleId)).toContain('gateway-not-found');
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('manifests/vs.yaml');
    expect(r.stdout).toMatch(/gateway-not-found/); // readable findings in the job log

    // The fail step runs when the recorded exit code is not 0.
    expect(fail.if).toBe("${{ steps.lint.outputs.exit-code != '0' }}");
    expect(ctx.outputs['exit-code'] !== '0').toBe(true);
    const f = runStep(fail, ctx);
    expect(f.status).toBe(1);
    expect(f.stdout).toMatch(/^::error title=mesh-egress-lint::/m);
  });

  it('passes on a clean tree and honours fail-on', () => {
    const clean = tempTree({ 'm/se.yaml': SE });
    const ctx = { workspace: clean, inputs: { paths: 'm' }, outputs: {} as Record<string, string> };
    expect(runStep(lint, ctx).status).toBe(0);
    expect(ctx.outputs['exit-code']).toBe('0');
    const broken = tempTree({ 'm/vs.yaml': BROKEN, 'm/se.yaml': SE });
    const never = { workspace: broken, inputs: { paths: 'm', 'fail-on': 'never' }, outputs: {} as Record<string, string> };
    runStep(lint, never);
    expect(never.outputs['exit-code']).toBe('0');
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
