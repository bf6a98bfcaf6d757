import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ajvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { findingFingerprint } from '../src/report/fingerprint.js';
import { getReporter } from '../src/report/index.js';
import { createSarifReporter } from '../src/report/sarif.js';
import type { ReportInput } from '../src/report/types.js';
import type { Rule } from '../src/rules/types.js';
import type { Finding } from '../src/types.js';

const require = createRequire(import.meta.url);
// CommonJS packages: their classes are on `.default` when imported from ES modules under NodeNext.
const Ajv04 = ajvDraft04.default;
const addFormats = ajvFormats.default;

// ---------------------------------------------------------------------------------------------
// Fixtures

const rules: Rule[] = [
  {
    id: 'mtls-to-external-host',
    severity: 'error',
    summary: 'ISTIO_MUTUAL toward a host that has no sidecar',
    docs: 'docs/rules/mtls-to-external-host.md',
    securitySeverity: 8,
    related: ['IST0128'],
    check: () => {},
  },
  {
    id: 'service-entry-addresses',
    severity: 'warning',
    summary: 'TCP ServiceEntry without addresses',
    docs: 'docs/rules/service-entry-addresses.md',
    check: () => {},
  },
  {
    id: 'not-a-manifest',
    severity: 'info',
    summary: 'Document is not a Kubernetes manifest',
    docs: 'docs/rules/not-a-manifest.md',
    check: () => {},
  },
  {
    id: 'mesh-config-conflict',
    severity: 'warning',
    summary: 'Two mesh-config sources disagree',
    docs: 'docs/rules/mesh-config-conflict.md',
    check: () => {},
  },
];

const resource = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'DestinationRule',
  namespace: 'shop',
  name: 'payments',
};

function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    ruleId: 'mtls-to-external-host',
    severity: 'error',
    message: 'TLS mode ISTIO_MUTUAL toward api.stripe.com: the handshake fails (503).',
    file: 'manifests/egress.yaml',
    line: 12,
    column: 9,
    endLine: 12,
    endColumn: 22,
    resource,
    path: ['spec', 'trafficPolicy', 'tls', 'mode'],
    ...overrides,
  };
}

const findings: Finding[] = [
  finding(),
  finding({
    ruleId: 'service-entry-addresses',
    severity: 'warning',
    message: 'Port 5432 is TCP and the ServiceEntry has no addresses.',
    line: 30,
    column: 5,
    endLine: 31,
    endColumn: 18,
    resource: { apiVersion: 'networking.istio.io/v1beta1', kind: 'ServiceEntry', namespace: 'shop', name: 'db' },
    path: ['spec', 'ports', 0],
  }),
  finding({
    ruleId: 'not-a-manifest',
    severity: 'info',
    message: 'values.yaml is not a manifest: lint `helm template` output.',
    file: 'charts/my chart/values #1.yaml',
    line: 1,
    column: 1,
    endLine: 1,
    endColumn: 2,
    resource: undefined,
    path: [],
  }),
];

function makeInput(overrides: Partial<ReportInput> = {}): ReportInput {
  return {
    tool: {
      name: 'mesh-egress-lint',
      version: '0.1.0',
      informationUri: 'https://github.com/example/mesh-egress-lint',
    },
    findings,
    summary: { files: 5, documents: 9, resources: 8, skipped: 0, errors: 1, warnings: 1, infos: 1 },
    rules,
    severities: {
      'mtls-to-external-host': 'error',
      'service-entry-addresses': 'warning',
      'not-a-manifest': 'info',
    },
    cwd: '/home/ci/repo',
    color: false,
    ...overrides,
  };
}

const cleanSummary = { files: 5, documents: 9, resources: 8, skipped: 0, errors: 0, warnings: 0, infos: 0 };

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[/;

// ---------------------------------------------------------------------------------------------
// json

describe('json reporter', () => {
  it('follows the contract exactly', () => {
    const out = getReporter('json')(makeInput());
    expect(out.endsWith('}\n')).toBe(true);
    expect(out).toContain('\n  "tool": {\n    "name"'); // two-space indentation
    expect(JSON.parse(out)).toEqual({
      tool: { name: 'mesh-egress-lint', version: '0.1.0' },
      summary: { files: 5, documents: 9, resources: 8, skipped: 0, errors: 1, warnings: 1, infos: 1 },
      findings: [
        {
          ruleId: 'mtls-to-external-host',
          severity: 'error',
          message: 'TLS mode ISTIO_MUTUAL toward api.stripe.com: the handshake fails (503).',
          file: 'manifests/egress.yaml',
          line: 12,
          column: 9,
          endLine: 12,
          endColumn: 22,
          resource: { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', namespace: 'shop', name: 'payments' },
        },
        {
          ruleId: 'service-entry-addresses',
          severity: 'warning',
          message: 'Port 5432 is TCP and the ServiceEntry has no addresses.',
          file: 'manifests/egress.yaml',
          line: 30,
          column: 5,
          endLine: 31,
          endColumn: 18,
          resource: { apiVersion: 'networking.istio.io/v1beta1', kind: 'ServiceEntry', namespace: 'shop', name: 'db' },
        },
        {
          ruleId: 'not-a-manifest',
          severity: 'info',
          message: 'values.yaml is not a manifest: lint `helm template` output.',
          file: 'charts/my chart/values #1.yaml',
          line: 1,
          column: 1,
          endLine: 1,
          endColumn: 2,
        },
      ],
    });
  });

  it('keeps key order and the finding order', () => {
    const parsed = JSON.parse(getReporter('json')(makeInput()));
    expect(Object.keys(parsed)).toEqual(['tool', 'summary', 'findings']);
    expect(Object.keys(parsed.summary)).toEqual(['files', 'documents', 'resources', 'skipped', 'errors', 'warnings', 'infos']);
    expect(Object.keys(parsed.findings[0])).toEqual([
      'ruleId', 'severity', 'message', 'file', 'line', 'column', 'endLine', 'endColumn', 'resource',
    ]);
    expect(parsed.findings.map((f: Finding) => f.line)).toEqual([12, 30, 1]);
  });

  it('adds suppressed and baselined only when defined', () => {
    const parsed = JSON.parse(
      getReporter('json')(makeInput({ summary: { ...cleanSummary, suppressed: 2, baselined: 0 }, findings: [] })),
    );
    expect(parsed.summary).toEqual({ ...cleanSummary, suppressed: 2, baselined: 0 });
    expect(parsed.findings).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// text

describe('text reporter', () => {
  it('groups by file with aligned columns and a summary', () => {
    const out = getReporter('text')(makeInput());
    const lines = out.split('\n');
    expect(lines[0]).toBe('manifests/egress.yaml');
    expect(lines[1]).toMatch(/^ {2}12:9 {2}error {4}TLS mode ISTIO_MUTUAL .* {2}mtls-to-external-host$/);
    expect(lines[2]).toMatch(/^ {2}30:5 {2}warning {2}Port 5432 .* {2}service-entry-addresses$/);
    // Rule ids start in the same column.
    expect(lines[1]!.indexOf('mtls-to-external-host')).toBe(lines[2]!.indexOf('service-entry-addresses'));
    expect(lines[3]).toBe('');
    expect(lines[4]).toBe('charts/my chart/values #1.yaml');
    expect(lines[5]).toBe('  1:1  info  values.yaml is not a manifest: lint `helm template` output.  not-a-manifest');
    expect(lines[7]).toBe('✖ 3 problems (1 error, 1 warning, 1 info) in 5 files');
    expect(out.endsWith('files\n')).toBe(true);
  });

  it('reports a clean run with skipped, suppressed and baselined counts', () => {
    const out = getReporter('text')(
      makeInput({ findings: [], summary: { ...cleanSummary, skipped: 1, suppressed: 2, baselined: 3 } }),
    );
    expect(out).toBe('✔ No problems in 5 files (8 resources); 1 file skipped, 2 suppressed, 3 baselined\n');
    expect(getReporter('text')(makeInput({ findings: [], summary: cleanSummary }))).toBe(
      '✔ No problems in 5 files (8 resources)\n',
    );
  });

  it('uses no colour codes when color is false and colours when true', () => {
    expect(getReporter('text')(makeInput())).not.toMatch(ANSI);
    expect(getReporter('text')(makeInput({ color: true }))).toMatch(ANSI);
  });

  it('escapes control characters, ANSI sequences and bidi overrides from the input', () => {
    const hostile = finding({
      file: 'evil\u001b]0;pwned\u0007.yaml',
      message: 'host \u001b[31mred\u001b[0m \u202eevil\u202c \u2066x\u2069 del\u007f c1\u009b nl\nend',
    });
    for (const color of [false, true]) {
      const out = getReporter('text')(makeInput({ findings: [hostile], color }));
      // The only raw ESC bytes allowed are chalk's own colour codes.
      const withoutOurColours = out.replace(/\u001b\[\d+(;\d+)*m/g, '');
      // eslint-disable-next-line no-control-regex
      expect(withoutOurColours).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
      expect(out).toContain('host \\u001b[31mred\\u001b[0m \\u202eevil\\u202c \\u2066x\\u2069 del\\u007f c1\\u009b nl\\nend');
      expect(out).toContain('evil\\u001b]0;pwned\\u0007.yaml');
    }
    expect(getReporter('text')(makeInput({ findings: [hostile] }))).not.toMatch(/\u001b/);
  });
});

// ---------------------------------------------------------------------------------------------
// github

describe('github reporter', () => {
  it('writes one workflow command per finding', () => {
    const out = getReporter('github')(makeInput());
    expect(out.split('\n')).toEqual([
      '::error file=manifests/egress.yaml,line=12,col=9,endLine=12,endColumn=22,title=mtls-to-external-host::TLS mode ISTIO_MUTUAL toward api.stripe.com: the handshake fails (503).',
      // Lines 30-31: no columns, which workflow commands allow only on a one-line range.
      '::warning file=manifests/egress.yaml,line=30,endLine=31,title=service-entry-addresses::Port 5432 is TCP and the ServiceEntry has no addresses.',
      '::notice file=charts/my chart/values #1.yaml,line=1,col=1,endLine=1,endColumn=2,title=not-a-manifest::values.yaml is not a manifest: lint `helm template` output.',
      '',
    ]);
  });

  it("applies GitHub's escaping to data and properties", () => {
    const out = getReporter('github')(
      makeInput({
        findings: [finding({ file: 'a,b:c%d.yaml', message: '100% broken\r\nsecond line: a,b \u001b[31m' })],
      }),
    );
    expect(out).toBe(
      '::error file=a%2Cb%3Ac%25d.yaml,line=12,col=9,endLine=12,endColumn=22,title=mtls-to-external-host::100%25 broken%0D%0Asecond line: a,b \\u001b[31m\n',
    );
  });

  it('prints nothing for a clean run', () => {
    expect(getReporter('github')(makeInput({ findings: [], summary: cleanSummary }))).toBe('');
  });
});

// ---------------------------------------------------------------------------------------------
// sarif
// No npm package ships the final OASIS schema as a file; @microsoft/jest-sarif ships
// sarif-2.1.0-rtm.5 (draft-04), which differs from the final one only in descriptions, a few enum
// additions (artifact roles) and GUID/language patterns, none of which this reporter emits.

const sarifSchema = JSON.parse(
  readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'),
) as Record<string, unknown>;

function sarifValidator() {
  // rtm.5's `language` pattern ("^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$", fixed in the final
  // schema) is not a valid regular expression with the `u` flag, hence unicodeRegExp: false.
  // Formats (uri, uri-reference, date-time) are checked for real by ajv-formats.
  const ajv = new Ajv04({ allErrors: true, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile(sarifSchema);
}
const validateSarif = sarifValidator();

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

function sarif(input: ReportInput = makeInput()): Json {
  const out = getReporter('sarif')(input);
  expect(out.endsWith('\n')).toBe(true);
  return JSON.parse(out);
}

describe('sarif reporter', () => {
  it('is valid against the SARIF 2.1.0 schema, with findings and when clean', () => {
    for (const input of [makeInput(), makeInput({ findings: [], summary: cleanSummary })]) {
      const log = sarif(input);
      const ok = validateSarif(log);
      expect(validateSarif.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
    }
  });

  it('the schema check is real: it rejects broken logs', () => {
    const log = sarif();
    log.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0;
    expect(validateSarif(log)).toBe(false);
    const log2 = sarif();
    log2.runs[0].results[0].level = 'fatal';
    expect(validateSarif(log2)).toBe(false);
    const log3 = sarif();
    log3.runs[0].tool.driver.bogus = true;
    expect(validateSarif(log3)).toBe(false);
  });

  it('has one run, the header GitHub expects and results: [] when clean', () => {
    const log = sarif(makeInput({ findings: [], summary: cleanSummary }));
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    expect(log.runs[0].results).toEqual([]);
    expect(log.runs[0].columnKind).toBe('utf16CodeUnits');
    expect(log.runs[0].originalUriBaseIds).toEqual({ '%SRCROOT%': { uri: 'file:///home/ci/repo/' } });
    const driver = log.runs[0].tool.driver;
    expect(driver.name).toBe('mesh-egress-lint');
    expect(driver.semanticVersion).toBe('0.1.0');
    expect(driver.informationUri).toBe('https://github.com/example/mesh-egress-lint');
  });

  it('describes every rule of the catalog, in order', () => {
    const driverRules = sarif().runs[0].tool.driver.rules;
    expect(driverRules.map((r: Json) => r.id)).toEqual(rules.map((r) => r.id));
    const [mtls, addresses, notManifest, conflict] = driverRules;
    expect(mtls).toMatchObject({
      id: 'mtls-to-external-host',
      name: 'MtlsToExternalHost',
      shortDescription: { text: 'ISTIO_MUTUAL toward a host that has no sidecar' },
      // From the rule page's "What it catches" section when the page exists, else the summary.
      fullDescription: { text: expect.any(String) },
      help: { text: expect.any(String), markdown: expect.any(String) },
      helpUri: 'https://github.com/example/mesh-egress-lint/blob/main/docs/rules/mtls-to-external-host.md',
      defaultConfiguration: { level: 'error' },
    });
    expect(mtls.properties['security-severity']).toBe('8.0');
    expect(mtls.properties.tags).toEqual(expect.arrayContaining(['istio', 'egress', 'security', 'IST0128']));
    expect(addresses.defaultConfiguration).toEqual({ level: 'warning' });
    expect(addresses.properties['security-severity']).toBeUndefined();
    expect(addresses.properties.tags).not.toContain('security');
    expect(notManifest.defaultConfiguration).toEqual({ level: 'note' });
    // Off: absent from the severities of a configured run.
    expect(conflict.defaultConfiguration).toEqual({ level: 'warning', enabled: false });
    for (const r of driverRules) {
      expect(r.shortDescription.text.length).toBeGreaterThan(0);
      expect(r.fullDescription.text.length).toBeGreaterThan(0);
      expect(r.help.text.length).toBeGreaterThan(0);
      const security = r.properties['security-severity'];
      if (security !== undefined) {
        expect(security).toMatch(/^\d+\.\d$/);
        expect(Number(security)).toBeGreaterThan(0);
        expect(Number(security)).toBeLessThanOrEqual(10);
      }
    }
  });

  it('applies configured severities to the default level', () => {
    const log = sarif(
      makeInput({ severities: { 'mtls-to-external-host': 'warning', 'service-entry-addresses': 'off' } }),
    );
    const [mtls, addresses] = log.runs[0].tool.driver.rules;
    expect(mtls.defaultConfiguration).toEqual({ level: 'warning' });
    expect(addresses.defaultConfiguration).toEqual({ level: 'warning', enabled: false });
    // Without any configuration every rule is on at its default severity.
    const plain = sarif(makeInput({ severities: {} })).runs[0].tool.driver.rules;
    expect(plain.map((r: Json) => r.defaultConfiguration.enabled)).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('writes results with ruleIndex, level, location, logical location and fingerprint', () => {
    const run = sarif().runs[0];
    expect(run.results).toHaveLength(3);
    for (const result of run.results) {
      expect(run.tool.driver.rules[result.ruleIndex].id).toBe(result.ruleId);
      const region = result.locations[0].physicalLocation.region;
      expect(Object.keys(region).sort()).toEqual(['endColumn', 'endLine', 'startColumn', 'startLine']);
      expect(result.partialFingerprints.primaryLocationLineHash).toBeUndefined();
      expect(result.partialFingerprints['meshEgressLint/v1']).toMatch(/^[0-9a-f]{64}$/);
      expect(result.message.text.length).toBeGreaterThan(0);
    }
    expect(run.results.map((r: Json) => r.level)).toEqual(['error', 'warning', 'note']);
    expect(run.results[0].locations[0]).toEqual({
      physicalLocation: {
        artifactLocation: { uri: 'manifests/egress.yaml', uriBaseId: '%SRCROOT%' },
        region: { startLine: 12, startColumn: 9, endLine: 12, endColumn: 22 },
      },
      logicalLocations: [{ name: 'payments', fullyQualifiedName: 'DestinationRule shop/payments', kind: 'resource' }],
    });
    // Spaces and `#` are percent-encoded; no logical location without a resource.
    expect(run.results[2].locations[0].physicalLocation.artifactLocation).toEqual({
      uri: 'charts/my%20chart/values%20%231.yaml',
      uriBaseId: '%SRCROOT%',
    });
    expect(run.results[2].locations[0].logicalLocations).toBeUndefined();
  });

  it('maps <stdin> to the uri "stdin" and cluster-scoped resources to "Kind name"', () => {
    const run = sarif(
      makeInput({
        findings: [
          finding({
            file: '<stdin>',
            resource: { apiVersion: 'v1', kind: 'Namespace', namespace: '', name: 'shop' },
          }),
        ],
      }),
    ).runs[0];
    expect(run.results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('stdin');
    expect(run.results[0].locations[0].logicalLocations[0].fullyQualifiedName).toBe('Namespace shop');
  });

  it('adds a descriptor for a rule outside the catalog so ruleIndex stays valid', () => {
    const run = sarif(makeInput({ findings: [finding({ ruleId: 'internal-error' })] })).runs[0];
    expect(run.tool.driver.rules).toHaveLength(rules.length + 1);
    expect(run.tool.driver.rules[run.results[0].ruleIndex].id).toBe('internal-error');
    expect(validateSarif(sarif(makeInput({ findings: [finding({ ruleId: 'internal-error' })] })))).toBe(true);
  });

  it('reads help from the rule page when it exists', () => {
    const root = mkdtempSync(join(tmpdir(), 'mel-report-'));
    mkdirSync(join(root, 'docs', 'rules'), { recursive: true });
    const page = [
      '# mtls-to-external-host',
      '',
      '- Default severity: error',
      '',
      'A DestinationRule sets `ISTIO_MUTUAL` toward a host',
      'that has no sidecar, so the handshake fails.',
      '',
      '## Incorrect',
      '```yaml',
      'mode: ISTIO_MUTUAL',
      '```',
    ].join('\n');
    writeFileSync(join(root, 'docs', 'rules', 'mtls-to-external-host.md'), page);
    const log = JSON.parse(createSarifReporter({ packageRoot: root })(makeInput()));
    const [mtls, addresses] = log.runs[0].tool.driver.rules;
    expect(mtls.fullDescription.text).toBe(
      'A DestinationRule sets `ISTIO_MUTUAL` toward a host that has no sidecar, so the handshake fails.',
    );
    expect(mtls.help).toEqual({ text: page, markdown: page });
    expect(addresses.help).toEqual({
      text: 'TCP ServiceEntry without addresses',
      markdown: 'TCP ServiceEntry without addresses',
    });
    expect(validateSarif(log)).toBe(true);
  });
});

describe('SARIF fullDescription of the shipped rule pages', () => {
  it('is whole sentences for every rule: a list the paragraph introduces is joined to it', async () => {
    const { loadRules } = await import('../src/rules/index.js');
    const all = await loadRules();
    const log = sarif(makeInput({ rules: all, severities: {}, findings: [] })) as any;
    for (const r of log.runs[0].tool.driver.rules) {
      const text: string = r.fullDescription.text;
      expect(text.length, r.id).toBeLessThanOrEqual(1024);
      expect(text, r.id).toMatch(/[.!?)]$/);
      expect(text, r.id).not.toMatch(/:$/);
    }
    const yamlSyntax = log.runs[0].tool.driver.rules.find((r: { id: string }) => r.id === 'yaml-syntax');
    expect(yamlSyntax.fullDescription.text).toMatch(/cannot read as YAML: a syntax error: .*; a key written twice in the same mapping: .*; a float JSON cannot hold/);
  });

  it('is cut after a full sentence when the page is longer than GitHub accepts', () => {
    const root = mkdtempSync(join(tmpdir(), 'mel-report-'));
    mkdirSync(join(root, 'docs', 'rules'), { recursive: true });
    const sentence = 'A sentence of exactly sixty characters, give or take a few. ';
    writeFileSync(join(root, 'docs', 'rules', 'mtls-to-external-host.md'), `# x\n\n## What it catches\n\n${sentence.repeat(30)}\n`);
    const log = JSON.parse(createSarifReporter({ packageRoot: root })(makeInput()));
    const text: string = log.runs[0].tool.driver.rules[0].fullDescription.text;
    expect(text.length).toBeLessThanOrEqual(1024);
    expect(text).toMatch(/few\.$/);
  });
});

// ---------------------------------------------------------------------------------------------
// fingerprints

describe('findingFingerprint', () => {
  const base = finding();

  it('survives line and column changes (unrelated edits)', () => {
    const moved = finding({ line: 40, column: 3, endLine: 41, endColumn: 7, message: 'reworded' });
    expect(findingFingerprint(moved)).toBe(findingFingerprint(base));
  });

  it('survives an apiVersion upgrade within the same group', () => {
    expect(findingFingerprint(finding({ resource: { ...resource, apiVersion: 'networking.istio.io/v1beta1' } }))).toBe(
      findingFingerprint(base),
    );
  });

  it('differs when the path, resource or rule differs', () => {
    const fp = findingFingerprint(base);
    expect(findingFingerprint(finding({ path: ['spec', 'trafficPolicy', 'tls'] }))).not.toBe(fp);
    expect(findingFingerprint(finding({ resource: { ...resource, name: 'billing' } }))).not.toBe(fp);
    expect(findingFingerprint(finding({ resource: { ...resource, namespace: 'other' } }))).not.toBe(fp);
    expect(findingFingerprint(finding({ resource: { ...resource, kind: 'ServiceEntry' } }))).not.toBe(fp);
    expect(findingFingerprint(finding({ ruleId: 'service-entry-addresses' }))).not.toBe(fp);
  });

  it('uses the file only for findings without a resource', () => {
    expect(findingFingerprint(finding({ file: 'other.yaml' }))).toBe(findingFingerprint(base));
    const a = finding({ resource: undefined, path: [] });
    expect(findingFingerprint(finding({ resource: undefined, path: [], line: 9 }))).toBe(findingFingerprint(a));
    expect(findingFingerprint(finding({ resource: undefined, path: [], file: 'other.yaml' }))).not.toBe(
      findingFingerprint(a),
    );
  });
});
