// .mesh-egress-lint.yaml end to end through main(): discovery, validation errors, and each setting's effect.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ASSUME_KEYS,
  CONFIG_KEYS,
  FAIL_ON_VALUES,
  MESH_CONFIG_KEYS,
  OUTBOUND_MODES,
  OUTBOUND_POLICY_KEYS,
  RULE_SETTING_KEYS,
  SEVERITY_VALUES,
  parseConfig,
} from '../src/config/config-file.js';
import { loadRules } from '../src/rules/index.js';
import { closestName as closest } from '../src/util/suggest.js';
import { tempTree, runCli } from './helpers.js';

const run = (argv: string[], cwd: string) => runCli(argv, cwd, { env: { NO_COLOR: '1' } });

interface JsonReport {
  summary: Record<string, number>;
  findings: { ruleId: string; severity: string; file: string; line: number }[];
}

async function runJson(argv: string[], cwd: string): Promise<{ code: number; report: JsonReport; stderr: string }> {
  const r = await run([...argv, '--format', 'json'], cwd);
  expect(r.stderr).toBe('');
  return { code: r.code, report: JSON.parse(r.stdout) as JsonReport, stderr: r.stderr };
}

/** A document with a duplicate key: one yaml-syntax error on line 4, and nothing else to lint. */
const BROKEN = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n';

const HTTPS_SE = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: api
  namespace: shop
spec:
  hosts: [api.example.com]
  location: MESH_EXTERNAL
  resolution: DNS
  ports:
  - number: 443
    name: https
    protocol: HTTPS
`;

describe('config discovery', () => {
  it('finds .mesh-egress-lint.yaml in a parent of the working directory', async () => {
    const dir = tempTree({ '.mesh-egress-lint.yaml': 'rules:\n  yaml-syntax: warning\n', 'a/b/broken.yaml': BROKEN });
    const { code, report } = await runJson(['.'], path.join(dir, 'a', 'b'));
    expect(report.findings.map((f) => `${f.ruleId}:${f.severity}`)).toEqual(['yaml-syntax:warning']);
    expect(code).toBe(0);
  });

  it('prefers the nearest config and reads .yml too', async () => {
    const dir = tempTree({
      '.mesh-egress-lint.yaml': 'rules:\n  yaml-syntax: warning\n',
      'a/.mesh-egress-lint.yml': 'rules:\n  yaml-syntax: info\n',
      'a/broken.yaml': BROKEN,
    });
    const { report } = await runJson(['.'], path.join(dir, 'a'));
    expect(report.findings.map((f) => f.severity)).toEqual(['info']);
  });

  it('uses --config instead of discovery, and exits 2 when it does not exist', async () => {
    const dir = tempTree({ '.mesh-egress-lint.yaml': 'rules:\n  yaml-syntax: warning\n', 'conf/strict.yaml': 'rules:\n  yaml-syntax: \'off\'\n', 'broken.yaml': BROKEN });
    const { code, report } = await runJson(['.', '--config', 'conf/strict.yaml'], dir);
    expect(report.findings).toEqual([]);
    expect(code).toBe(0);
    const missing = await run(['.', '--config', 'nope.yaml'], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('mesh-egress-lint: cannot read config nope.yaml: no such file\n');
  });
});

describe('config validation: one located line, exit 2', () => {
  async function configError(config: string): Promise<string> {
    const dir = tempTree({ '.mesh-egress-lint.yaml': config, 'broken.yaml': BROKEN });
    const r = await run(['.'], dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    return r.stderr.trimEnd();
  }

  it('names an unknown top-level key and the closest known one', async () => {
    expect(await configError('namespace: shop\nignorePath:\n  - vendor/**\n')).toBe(
      '.mesh-egress-lint.yaml:2:1: unknown key "ignorePath"; did you mean "ignorePaths"?',
    );
  });

  it('lists the known keys when nothing is close', async () => {
    expect(await configError('frobnicate: true\n')).toBe(
      '.mesh-egress-lint.yaml:1:1: unknown key "frobnicate" (known: rules, ignorePaths, namespace, istioVersion, meshConfig, context, failOn, assume)',
    );
  });

  it('names an unknown rule id and the closest catalog id', async () => {
    expect(await configError('rules:\n  yaml-syntax: warning\n  gateway-not-fond: off\n')).toBe(
      '.mesh-egress-lint.yaml:3:3: unknown rule id "gateway-not-fond"; did you mean "gateway-not-found"?',
    );
  });

  it('names an unknown severity and the closest one', async () => {
    expect(await configError('rules:\n  yaml-syntax: warn\n')).toBe(
      '.mesh-egress-lint.yaml:2:16: unknown severity "warn"; did you mean "warning"? (error, warning, info, off)',
    );
    expect(await configError('rules:\n  yaml-syntax: {severity: eror}\n')).toContain(':2:27: unknown severity "eror"; did you mean "error"?');
  });

  it('names an unknown key of a rule setting', async () => {
    expect(await configError('rules:\n  yaml-syntax:\n    severty: info\n')).toBe(
      '.mesh-egress-lint.yaml:3:5: unknown key of rule yaml-syntax "severty"; did you mean "severity"?',
    );
  });

  it('checks failOn, namespace, istioVersion, context and meshConfig values', async () => {
    expect(await configError('failOn: warnings\n')).toBe('.mesh-egress-lint.yaml:1:9: unknown failOn "warnings"; did you mean "warning"? (error, warning, info, never)');
    expect(await configError('namespace: Shop_1\n')).toBe('.mesh-egress-lint.yaml:1:12: namespace "Shop_1" is not a valid namespace name');
    expect(await configError('istioVersion: "1.x"\n')).toBe('.mesh-egress-lint.yaml:1:15: istioVersion "1.x" is not of the form X.Y (e.g. "1.22")');
    expect(await configError('context: [../nowhere-at-all]\n')).toContain(':1:11: context path "../nowhere-at-all" does not exist');
    expect(await configError('meshConfig:\n  outboundTrafficPolicy:\n    mode: REGISTRY_ONY\n')).toBe(
      '.mesh-egress-lint.yaml:3:11: unknown meshConfig.outboundTrafficPolicy.mode "REGISTRY_ONY"; did you mean "REGISTRY_ONLY"? (ALLOW_ANY, REGISTRY_ONLY, ALLOW_ANY_DYNAMIC_DNS)',
    );
    expect(await configError('meshConfig:\n  outboundTrafficPolcy: {mode: ALLOW_ANY}\n')).toBe(
      '.mesh-egress-lint.yaml:2:3: unknown key of meshConfig "outboundTrafficPolcy"; did you mean "outboundTrafficPolicy"?',
    );
    expect(await configError('meshConfig: missing-mesh.yaml\n')).toContain(':1:13: meshConfig file "missing-mesh.yaml" does not exist');
    expect(await configError('ignorePaths: vendor/**\n')).toBe('.mesh-egress-lint.yaml:1:14: ignorePaths must be a list of strings');
  });

  it('reports YAML errors and a config that is not a mapping with a position', async () => {
    expect(await configError('rules:\n  yaml-syntax: warning\n  yaml-syntax: info\n')).toMatch(/^\.mesh-egress-lint\.yaml:3:3: not valid YAML: Map keys must be unique/);
    expect(await configError('- rules\n')).toBe(
      '.mesh-egress-lint.yaml:1:1: the config must be a mapping of settings (rules, ignorePaths, namespace, istioVersion, meshConfig, context, failOn, assume)',
    );
  });

  it('checks rule options against the options the rule declares', async () => {
    const rules = await loadRules();
    const https = rules.find((r) => r.id === 'https-without-tls-route');
    if (!https) return; // rule not implemented in this build
    expect(await configError('rules:\n  https-without-tls-route:\n    options:\n      requireTlsRoot: true\n')).toBe(
      '.mesh-egress-lint.yaml:4:7: unknown option "requireTlsRoot" of rule https-without-tls-route; did you mean "requireTlsRoute"?',
    );
    expect(await configError('rules:\n  https-without-tls-route:\n    options:\n      requireTlsRoute: "yes"\n')).toBe(
      '.mesh-egress-lint.yaml:4:24: option "requireTlsRoute" of rule https-without-tls-route must be true or false',
    );
    expect(await configError('rules:\n  yaml-syntax:\n    options: {strict: true}\n')).toBe(
      '.mesh-egress-lint.yaml:3:15: rule yaml-syntax has no options (unknown option "strict")',
    );
  });
});

describe('config settings take effect', () => {
  it('turns a rule off and overrides severities (string and object forms)', async () => {
    const files = { 'broken.yaml': BROKEN, 'values.yaml': 'replicaCount: 2\n' };
    const off = await runJson(['.'], tempTree({ ...files, '.mesh-egress-lint.yaml': "rules:\n  yaml-syntax: 'off'\n  not-a-manifest: {severity: 'off'}\n" }));
    expect(off.report.findings).toEqual([]);
    expect(off.code).toBe(0);
    const changed = await runJson(['.'], tempTree({ ...files, '.mesh-egress-lint.yaml': 'rules:\n  yaml-syntax: {severity: info}\n  not-a-manifest: error\n' }));
    expect(changed.report.findings.map((f) => `${f.ruleId}:${f.severity}`).sort()).toEqual(['not-a-manifest:error', 'yaml-syntax:info']);
    expect(changed.code).toBe(1);
  });

  it('passes rule options to the rule', async () => {
    if (!(await loadRules()).some((r) => r.id === 'https-without-tls-route')) return;
    const ids = async (config: string): Promise<string[]> => {
      const { report } = await runJson(['.'], tempTree({ 'se.yaml': HTTPS_SE, '.mesh-egress-lint.yaml': config }));
      return report.findings.filter((f) => f.ruleId === 'https-without-tls-route').map((f) => `${f.file}:${f.line}`);
    };
    expect(await ids('rules: {}\n')).toEqual([]);
    expect(await ids('rules:\n  https-without-tls-route:\n    options:\n      requireTlsRoute: true\n')).toEqual(['se.yaml:7']);
  });

  it('applies ignorePaths relative to the config file, from a sub-directory too', async () => {
    const dir = tempTree({
      '.mesh-egress-lint.yaml': 'ignorePaths:\n  - vendor\n  - "**/generated-*.yaml"\n  - team/legacy/\n',
      'vendor/x/broken.yaml': BROKEN,
      'team/legacy/broken.yaml': BROKEN,
      'team/generated-a.yaml': BROKEN,
      'team/app/broken.yaml': BROKEN,
    });
    const fromRoot = await runJson(['.'], dir);
    expect(fromRoot.report.findings.map((f) => f.file)).toEqual(['team/app/broken.yaml']);
    const fromTeam = await runJson(['.'], path.join(dir, 'team'));
    expect(fromTeam.report.findings.map((f) => f.file)).toEqual(['app/broken.yaml']);
    expect(fromTeam.report.summary.files).toBe(1);
  });

  it('reads failOn from the config; --fail-on overrides it', async () => {
    const dir = tempTree({ '.mesh-egress-lint.yaml': 'failOn: info\n', 'values.yaml': 'replicaCount: 2\n' });
    expect((await run(['.'], dir)).code).toBe(1);
    expect((await run(['.', '--fail-on', 'error'], dir)).code).toBe(0);
  });

  it('reads istioVersion as written (1.20 is not 1.2) and namespace', async () => {
    const c = parseConfig('istioVersion: 1.20\nnamespace: shop\n', '/x/.mesh-egress-lint.yaml', '/x');
    expect(c.istioVersion).toBe('1.20');
    expect(c.namespace).toBe('shop');
  });

  it('reads meshConfig inline or from a file relative to the config', async () => {
    const inline = parseConfig('meshConfig:\n  outboundTrafficPolicy: {mode: REGISTRY_ONLY}\n', '/x/.mesh-egress-lint.yaml', '/x');
    expect(inline.meshConfig).toMatchObject({ mode: 'REGISTRY_ONLY' });
    const dir = tempTree({ 'conf/mesh.yaml': 'outboundTrafficPolicy:\n  mode: ALLOW_ANY\n', 'conf/.mesh-egress-lint.yaml': 'meshConfig: mesh.yaml\ncontext: [.]\n' });
    const fromFile = parseConfig(readFileSync(path.join(dir, 'conf/.mesh-egress-lint.yaml'), 'utf8'), path.join(dir, 'conf/.mesh-egress-lint.yaml'), dir);
    expect(fromFile.meshConfig).toMatchObject({ mode: 'ALLOW_ANY' });
    expect(fromFile.context).toEqual([path.join(dir, 'conf')]);
  });
});

describe('did-you-mean', () => {
  it('suggests only close names', () => {
    expect(closest('warn', SEVERITY_VALUES)).toBe('warning');
    expect(closest('IgnorePaths', CONFIG_KEYS)).toBe('ignorePaths');
    expect(closest('zzz', CONFIG_KEYS)).toBeUndefined();
  });
});

describe('schemas/config.schema.json agrees with src/config/config-file.ts', () => {
  const schemaFile = path.resolve(__dirname, '../schemas/config.schema.json');
  const present = existsSync(schemaFile);

  it.skipIf(!present)('has exactly the keys and values the config code accepts', () => {
    const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as SchemaNode;
    const sorted = (xs: readonly string[]): string[] => [...xs].sort();
    expect(sorted(Object.keys(schema.properties ?? {}))).toEqual(sorted(CONFIG_KEYS));
    expect(schema.additionalProperties).toBe(false);

    const ruleValue = schema.properties!.rules!.additionalProperties as SchemaNode;
    const forms = ruleValue.anyOf ?? ruleValue.oneOf ?? [ruleValue];
    const asString = forms.find((f) => f.type === 'string');
    const asObject = forms.find((f) => f.type === 'object');
    expect(sorted(asString?.enum ?? [])).toEqual(sorted(SEVERITY_VALUES));
    expect(sorted(Object.keys(asObject?.properties ?? {}))).toEqual(sorted(RULE_SETTING_KEYS));
    expect(sorted(asObject?.properties?.severity?.enum ?? [])).toEqual(sorted(SEVERITY_VALUES));

    expect(sorted(schema.properties!.failOn!.enum ?? [])).toEqual(sorted(FAIL_ON_VALUES));

    const mesh = (schema.properties!.meshConfig!.anyOf ?? schema.properties!.meshConfig!.oneOf ?? []).find((f) => f.type === 'object');
    expect(sorted(Object.keys(mesh?.properties ?? {}))).toEqual(sorted(MESH_CONFIG_KEYS));
    const otp = mesh?.properties?.outboundTrafficPolicy;
    expect(sorted(Object.keys(otp?.properties ?? {}))).toEqual(sorted(OUTBOUND_POLICY_KEYS));
    expect(sorted(otp?.properties?.mode?.enum ?? [])).toEqual(sorted(OUTBOUND_MODES));
    expect(sorted(Object.keys(schema.properties!.assume!.properties ?? {}))).toEqual(sorted(ASSUME_KEYS));
  });
});

interface SchemaNode {
  type?: string;
  enum?: string[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
}

describe('empty settings', () => {
  it('accepts an empty file and keys with no value', async () => {
    expect(parseConfig('', '/x/.mesh-egress-lint.yaml', '/x')).toMatchObject({ file: '/x/.mesh-egress-lint.yaml' });
    const c = parseConfig('rules:\nignorePaths:\n', '/x/.mesh-egress-lint.yaml', '/x');
    expect(c.rules).toBeUndefined();
  });
});
