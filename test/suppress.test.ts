// Inline suppressions and the ignore annotation, end to end through main().
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { SUPPRESSION_RULE_ID } from '../src/findings/suppress.js';
import { tempTree } from './helpers.js';

interface JsonReport {
  summary: Record<string, number>;
  findings: { ruleId: string; severity: string; message: string; file: string; line: number; column: number }[];
}

async function lintFiles(files: Record<string, string>, extra: string[] = []): Promise<{ code: number; report: JsonReport }> {
  const dir = tempTree(files);
  let stdout = '';
  let stderr = '';
  const code = await main({
    argv: ['.', '--format', 'json', ...extra],
    cwd: dir,
    env: {},
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    stdin: () => Buffer.alloc(0),
    isTTY: false,
  });
  expect(stderr).toBe('');
  return { code, report: JSON.parse(stdout) as JsonReport };
}

const at = (r: JsonReport, ruleId?: string): string[] => r.findings.filter((f) => !ruleId || f.ruleId === ruleId).map((f) => `${f.ruleId}@${f.line}`);

/** A ConfigMap whose only finding is a yaml-syntax error on the `name: b` line. */
const dup = (lead = ''): string => `${lead}apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n`;

/** A ConfigMap with two schema violations (a number in data, an unknown top-level field). */
const configMap = (annotations: string): string => `apiVersion: v1
kind: ConfigMap
metadata:
  name: app-settings
  namespace: shop
${annotations ? `  annotations:\n${annotations}` : ''}data:
  retries: 3
bogusTop: 1
`;

describe('# mesh-egress-lint-disable-next-line', () => {
  it('suppresses the named rule on the next line and counts it', async () => {
    const { code, report } = await lintFiles({
      'a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  # mesh-egress-lint-disable-next-line yaml-syntax -- generated file, fixed upstream in PLAT-12\n  name: b\n',
    });
    expect(report.findings).toEqual([]);
    expect(report.summary).toMatchObject({ errors: 0, warnings: 0, infos: 0, suppressed: 1 });
    expect(code).toBe(0);
  });

  it('skips comment and blank lines to find the next line, and accepts several ids and *', async () => {
    const withIds = await lintFiles({
      'a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  # mesh-egress-lint-disable-next-line not-a-manifest, yaml-syntax -- reason\n  # another comment\n\n  name: b\n',
    });
    expect(at(withIds.report)).toEqual([`${SUPPRESSION_RULE_ID}@5`]);
    expect(withIds.report.findings[0]!.message).toBe('This # mesh-egress-lint-disable-next-line of "not-a-manifest" suppresses nothing: remove it (or the id).');
    expect(withIds.report.summary.suppressed).toBe(1);
    const star = await lintFiles({ 'a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  # mesh-egress-lint-disable-next-line * -- reason\n  name: b\n' });
    expect(star.report.findings).toEqual([]);
  });

  it('does not reach further than the next line', async () => {
    const { code, report } = await lintFiles({
      'a.yaml': '# mesh-egress-lint-disable-next-line yaml-syntax -- reason\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n',
    });
    expect(at(report)).toEqual([`${SUPPRESSION_RULE_ID}@1`, 'yaml-syntax@6']);
    expect(report.findings[0]!).toMatchObject({ severity: 'warning', column: 1 });
    expect(report.findings[0]!.message).toContain('suppresses nothing');
    expect(report.summary).toMatchObject({ errors: 1, warnings: 1, suppressed: 0 });
    expect(code).toBe(1);
  });
});

describe('# mesh-egress-lint-disable (whole document)', () => {
  it('applies to its own --- document only, wherever it stands in it', async () => {
    const { report } = await lintFiles({
      'a.yaml': `${dup()}# mesh-egress-lint-disable yaml-syntax -- legacy document, owned by team X\n---\n${dup()}---\n${dup('# mesh-egress-lint-disable yaml-syntax -- third one too\n')}`,
    });
    // Documents start on lines 1, 7 and 13; the error of the second (line 12) stays (the repeated
    // ConfigMap's duplicate-resource findings are not what this test is about).
    expect(at(report, 'yaml-syntax')).toEqual(['yaml-syntax@12']);
    expect(report.summary.suppressed).toBe(2);
  });

  it('is not read from inside a block scalar', async () => {
    const { report } = await lintFiles({
      'a.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: script\ndata:\n  run.sh: |\n    # mesh-egress-lint-disable * -- not a directive\n    echo hi\n---\n${dup()}`,
    });
    expect(at(report)).toEqual(['yaml-syntax@14']);
  });
});

describe('mesh-egress-lint.io/ignore annotation', () => {
  it('suppresses the listed rules for that resource, with an optional reason', async () => {
    const plain = await lintFiles({ 'cm.yaml': configMap('') });
    expect(at(plain.report, 'schema-violation').length).toBeGreaterThan(0);
    const n = at(plain.report, 'schema-violation').length;

    const ignored = await lintFiles({
      'cm.yaml': configMap('    mesh-egress-lint.io/ignore: "schema-violation"\n    mesh-egress-lint.io/ignore-reason: "read by a legacy tool that wants numbers"\n'),
    });
    expect(at(ignored.report)).toEqual([]);
    expect(ignored.report.summary.suppressed).toBe(n);
    expect(ignored.code).toBe(0);

    const star = await lintFiles({ 'cm.yaml': configMap('    mesh-egress-lint.io/ignore: "*"\n') });
    expect(at(star.report)).toEqual([]);
  });

  it('does not touch other resources in the same file', async () => {
    const { report } = await lintFiles({
      'cm.yaml': `${configMap('    mesh-egress-lint.io/ignore: schema-violation\n')}---\n${configMap('').replace('app-settings', 'other')}`,
    });
    expect(report.findings.length).toBeGreaterThan(0);
    expect(report.findings.every((f) => f.ruleId === 'schema-violation' && f.line > 11)).toBe(true);
  });

  it('reports unknown rule ids, misspelt annotations and ids that suppress nothing', async () => {
    const { report } = await lintFiles({
      'cm.yaml': configMap('    mesh-egress-lint.io/ignore: "schema-violation, gateway-not-fond, yaml-syntax"\n    mesh-egress-lint.io/ignore-reasons: "typo"\n'),
    });
    const messages = report.findings.filter((f) => f.ruleId === SUPPRESSION_RULE_ID).map((f) => f.message);
    expect([...messages].sort()).toEqual(
      [
        'Unknown rule id "gateway-not-fond" in this mesh-egress-lint.io/ignore annotation; did you mean "gateway-not-found"? It suppresses nothing for that id.',
        'Unknown annotation "mesh-egress-lint.io/ignore-reasons"; did you mean "mesh-egress-lint.io/ignore-reason"? It suppresses nothing (known: mesh-egress-lint.io/ignore, mesh-egress-lint.io/ignore-reason).',
        'This mesh-egress-lint.io/ignore annotation of "yaml-syntax" suppresses nothing: remove it (or the id).',
      ].sort(),
    );
    expect(at(report, 'schema-violation')).toEqual([]);
  });
});

describe('invalid directives are reported and do not suppress', () => {
  it('a directive without a reason', async () => {
    const { code, report } = await lintFiles({
      'a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  # mesh-egress-lint-disable-next-line yaml-syntax\n  name: b\n',
    });
    expect(at(report)).toEqual([`${SUPPRESSION_RULE_ID}@5`, 'yaml-syntax@6']);
    expect(report.findings[0]!.message).toBe(
      'This # mesh-egress-lint-disable-next-line has no reason, so it suppresses nothing: add " -- <why the finding is acceptable>" after the rule ids.',
    );
    expect(report.findings[0]!.column).toBe(3);
    expect(report.summary).toMatchObject({ errors: 1, warnings: 1, suppressed: 0 });
    expect(code).toBe(1);
  });

  it('an empty reason, no rule id, an unknown rule id, an unknown directive', async () => {
    const { report } = await lintFiles({
      'a.yaml': [
        '# mesh-egress-lint-disable yaml-syntax --',
        '# mesh-egress-lint-disable -- no ids',
        '# mesh-egress-lint-disable yaml-syntx -- typo',
        '# mesh-egress-lint-disable-line yaml-syntax -- not a directive',
        'apiVersion: v1',
        'kind: Service',
        'metadata: {name: a, name: b}',
        '',
      ].join('\n'),
    });
    const problems = report.findings.filter((f) => f.ruleId === SUPPRESSION_RULE_ID).map((f) => `${f.line}: ${f.message}`);
    expect(problems).toEqual([
      '1: This # mesh-egress-lint-disable has no reason, so it suppresses nothing: add " -- <why the finding is acceptable>" after the rule ids.',
      '2: This # mesh-egress-lint-disable names no rule id; write "# mesh-egress-lint-disable <rule-id>[,<rule-id>] -- <reason>" ("*" for every rule). It suppresses nothing.',
      '3: Unknown rule id "yaml-syntx" in this # mesh-egress-lint-disable; did you mean "yaml-syntax"? It suppresses nothing for that id.',
      '4: Unknown directive "mesh-egress-lint-disable-line"; did you mean "mesh-egress-lint-disable-next-line"? It suppresses nothing (known: mesh-egress-lint-disable-next-line, mesh-egress-lint-disable).',
    ]);
    expect(at(report, 'yaml-syntax')).toEqual(['yaml-syntax@7']);
  });

  it('a suppression of a rule that is off is not reported as unused', async () => {
    const { report } = await lintFiles({
      '.mesh-egress-lint.yaml': "rules:\n  yaml-syntax: 'off'\n",
      'a.yaml': `# mesh-egress-lint-disable yaml-syntax -- reason\n${dup()}`,
    });
    expect(report.findings).toEqual([]);
  });
});
