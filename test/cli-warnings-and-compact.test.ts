// --quiet and --max-warnings as ESLint has them, and the compact one-line format.
import { describe, expect, it } from 'vitest';
import { REGISTRY_ONLY_UNREGISTERED_CALL as MIXED, runCli, tempTree } from './helpers.js';

const WARNING_ONLY = `apiVersion: v1
kind: Service
metadata: {name: b, namespace: default}
spec: {ports: [{port: 80}]}
`;

describe('--quiet and --max-warnings', () => {
  it('--quiet neither shows nor counts warnings, for the report and the exit code', async () => {
    const dir = tempTree({ 'w.yaml': WARNING_ONLY, 'e.yaml': MIXED });
    const loud = await runCli(['w.yaml', '--fail-on', 'warning', '--format', 'json'], dir);
    expect(loud.code).toBe(1);
    const quiet = await runCli(['w.yaml', '--fail-on', 'warning', '--quiet', '--format', 'json'], dir);
    expect(quiet.code).toBe(0);
    const report = JSON.parse(quiet.stdout);
    expect(report.findings).toEqual([]);
    expect(report.summary.warnings).toBe(0);
    // Errors still show and fail.
    expect((await runCli(['.', '--quiet'], dir)).code).toBe(1);
  });

  it('--max-warnings N fails the run on more than N warnings only', async () => {
    const dir = tempTree({ 'w.yaml': WARNING_ONLY });
    expect((await runCli(['w.yaml', '--max-warnings', '1'], dir)).code).toBe(0);
    const over = await runCli(['w.yaml', '--max-warnings', '0'], dir);
    expect(over.code).toBe(1);
    expect(over.stderr).toBe('mesh-egress-lint: 1 warnings, more than --max-warnings 0\n');
    expect((await runCli(['w.yaml', '--max-warnings', '0', '--quiet'], dir)).code).toBe(0);
    for (const bad of ['-1', 'x', '1.5']) {
      const r = await runCli(['w.yaml', `--max-warnings=${bad}`], dir);
      expect(r.code, bad).toBe(2);
      expect(r.stderr).toMatch(/--max-warnings ".*" is not a whole number/);
    }
  });
});

describe('--format compact', () => {
  it('is one `file:line:col: severity message [rule]` line per finding, and nothing for a clean run', async () => {
    const dir = tempTree({ 'e.yaml': MIXED, 'w.yaml': WARNING_ONLY, 'clean/se.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n' });
    const r = await runCli(['e.yaml', 'w.yaml', '--format', 'compact'], dir);
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).toMatch(/^[ew]\.yaml:\d+:\d+: (error|warning) .+ \[[a-z-]+\]$/);
    expect(lines[0]).toMatch(/^e\.yaml:21:\d+: error .*unregistered\.example\.org.* \[missing-service-entry\]$/);
    expect((await runCli(['clean', '--format', 'compact'], dir)).stdout).toBe('');
  });
});

