// Standard input: --stdin-filename names it, and a `helm template` stream's `# Source:` comments
// make the findings name the template file and the line within the rendered document.
//
// The streams are written as helm writes them (helm pkg/action renderResources and pkg/cmd
// template.go): for each manifest "---\n# Source: <chart>/templates/<file>\n<manifest>\n", the
// manifest trimmed of surrounding white space (releaseutil.SplitManifests), a subchart's templates
// under <chart>/charts/<subchart>/templates/.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempTree } from './helpers.js';
import { git } from './git-repo.js';

/** A VirtualService for host `name` bound to `gateway`: `gateways` is its line 7, the value at column 14. */
const VS = (name: string, gateway: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ${name}
spec:
  hosts: [${name}]
  gateways: [${gateway}]
  http:
  - route:
    - destination: {host: ${name}}
`;
const SVC = (name: string) => `apiVersion: v1
kind: Service
metadata: {name: ${name}}
spec:
  selector: {app: ${name}}
  ports: [{port: 80, name: http}]
`;

/** What `helm template` prints for these (template path, rendered manifest) pairs. */
function helmTemplate(manifests: [string, string][]): string {
  return manifests.map(([source, doc]) => `---\n# Source: ${source}\n${doc.trim()}\n`).join('');
}

interface JsonFinding {
  ruleId: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

const at = (f: JsonFinding) => `${f.ruleId}@${f.file}:${f.line}:${f.column}-${f.endLine}:${f.endColumn}`;

async function lintStdin(stdin: string, args: string[] = [], cwd = tempTree({})) {
  const r = await runCli(['-', '--format', 'json', ...args], cwd, { stdin });
  expect(r.stderr).toBe('');
  return { code: r.code, findings: (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings };
}

describe('# Source: comments of helm template on standard input', () => {
  it('name the template file and the line within the rendered document', async () => {
    const stream = helmTemplate([
      ['shop/templates/service.yaml', SVC('reviews')],
      ['shop/templates/vs.yaml', VS('reviews', 'missing-gw')],
    ]);
    // In the stream, the gateways line is line 17; in the rendered VirtualService it is line 7.
    expect(stream.split('\n')[16]).toBe('  gateways: [missing-gw]');
    const { code, findings } = await lintStdin(stream);
    expect(code).toBe(1);
    expect(findings.map(at)).toEqual(['gateway-not-found@shop/templates/vs.yaml:7:14-7:24']);
    const text = await runCli(['-'], tempTree({}), { stdin: stream });
    expect(text.stdout).toMatch(/^shop\/templates\/vs\.yaml\n {2}7:14 {2}error {2}Gateway default\/missing-gw /);
  });

  it('count lines per rendered document when one template renders several, subcharts included, and sort by file', async () => {
    const stream = helmTemplate([
      ['shop/templates/vs.yaml', VS('a', 'gw-a')],
      ['shop/charts/sub/templates/vs.yaml', VS('c', 'gw-c')],
      ['shop/templates/vs.yaml', `# a comment the template wrote\n${VS('b', 'gw-b')}`],
      ['shop/templates/services.yaml', SVC('a')],
      ['shop/templates/services.yaml', SVC('b')],
    ]);
    const { findings } = await lintStdin(stream);
    expect(findings.map(at)).toEqual([
      // No Service c in the stream: the route's host is unknown too (line 10, column 27).
      'gateway-not-found@shop/charts/sub/templates/vs.yaml:7:14-7:18',
      'unknown-destination-host@shop/charts/sub/templates/vs.yaml:10:27-10:28',
      'gateway-not-found@shop/templates/vs.yaml:7:14-7:18',
      'gateway-not-found@shop/templates/vs.yaml:8:14-8:18',
    ]);
  });

  it('leave documents without the comment, a comment after content, and files read from disk under their own names and lines', async () => {
    const plain = `${SVC('plain')}---\n${VS('plain', 'gw-p')}`;
    const { findings } = await lintStdin(`${plain}${helmTemplate([['shop/templates/vs.yaml', VS('t', 'gw-t')]])}`);
    expect(findings.map(at)).toEqual(['gateway-not-found@<stdin>:14:14-14:18', 'gateway-not-found@shop/templates/vs.yaml:7:14-7:18', 'unknown-destination-host@shop/templates/vs.yaml:10:27-10:28']);
    // A `# Source:` comment after the document's content is not helm's header.
    const late = `---\n${SVC('x')}---\n${VS('x', 'gw-x').replace('kind: VirtualService\n', 'kind: VirtualService\n# Source: not/a/header.yaml\n')}`;
    expect((await lintStdin(late)).findings.map(at)).toEqual(['gateway-not-found@<stdin>:16:14-16:18']);
    // `helm template --output-dir` writes files with the same headers: those are real files, named as they are.
    const dir = tempTree({ 'out/shop/templates/vs.yaml': helmTemplate([['shop/templates/vs.yaml', VS('d', 'gw-d')], ['shop/templates/vs.yaml', SVC('d')]]) });
    const onDisk = await runCli(['out', '--format', 'compact'], dir);
    expect(onDisk.stdout).toBe('out/shop/templates/vs.yaml:9:14: error Gateway default/gw-d (named "gw-d") is not in the input, so the rules bound to it are served by no gateway. If it exists outside these files, lint with --context DIR, or list \"default/gw-d\" under assume.gateways in .mesh-egress-lint.yaml. [gateway-not-found]\n');
  });

  it('map a syntax error to the template whose document it ends, and lint the documents after it', async () => {
    const stream = helmTemplate([
      ['shop/templates/service.yaml', SVC('reviews')],
      ['shop/templates/bad.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\n'],
      ['shop/templates/vs.yaml', VS('reviews', 'missing-gw')],
    ]);
    const { findings } = await lintStdin(stream);
    // Found on the `---` after the unclosed flow mapping: the line after the broken document's last
    // line, as at the end of a file.
    expect(findings.map(at)).toEqual(['yaml-syntax@shop/templates/bad.yaml:4:1-4:2', 'gateway-not-found@shop/templates/vs.yaml:7:14-7:24']);
    // The last document of the stream.
    const last = helmTemplate([['shop/templates/bad.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\n']]);
    expect((await lintStdin(last)).findings.map(at)).toEqual(['yaml-syntax@shop/templates/bad.yaml:4:1-4:2']);
  });

  it('keep suppression comments working, read where the stream has them, and report bad ones at the template', async () => {
    const suppressed = (directive: string) =>
      helmTemplate([
        ['shop/templates/service.yaml', SVC('reviews')],
        ['shop/templates/vs.yaml', VS('reviews', 'missing-gw').replace('  gateways:', `  ${directive}\n  gateways:`)],
      ]);
    const ok = await lintStdin(suppressed('# mesh-egress-lint-disable-next-line gateway-not-found -- the gateway comes from the platform chart'));
    expect(ok.findings).toEqual([]);
    expect(ok.code).toBe(0);
    // Without a reason the directive suppresses nothing, and says so at its line of the template.
    const noReason = await lintStdin(suppressed('# mesh-egress-lint-disable-next-line gateway-not-found'));
    expect(noReason.findings.map(at)).toEqual(['invalid-suppression@shop/templates/vs.yaml:7:3-7:57', 'gateway-not-found@shop/templates/vs.yaml:8:14-8:24']);
    // The ignore annotation on the resource.
    const annotated = helmTemplate([
      ['shop/templates/service.yaml', SVC('reviews')],
      ['shop/templates/vs.yaml', VS('reviews', 'missing-gw').replace('  name: reviews\n', '  name: reviews\n  annotations:\n    mesh-egress-lint.io/ignore: gateway-not-found\n    mesh-egress-lint.io/ignore-reason: the gateway comes from the platform chart\n')],
    ]);
    expect((await lintStdin(annotated)).findings).toEqual([]);
  });

  it('record the template names in a baseline, which then holds when the documents move in the stream', async () => {
    const dir = tempTree({});
    const first = helmTemplate([
      ['shop/templates/service.yaml', SVC('reviews')],
      ['shop/templates/vs.yaml', VS('reviews', 'missing-gw')],
    ]);
    const written = await runCli(['-', '--write-baseline', 'baseline.json'], dir, { stdin: first });
    expect(written.code).toBe(0);
    const baseline = JSON.parse(readFileSync(path.join(dir, 'baseline.json'), 'utf8')) as { findings: { file: string; ruleId: string }[] };
    expect(baseline.findings.map((e) => `${e.ruleId}@${e.file}`)).toEqual(['gateway-not-found@shop/templates/vs.yaml']);
    // Another template renders first (so every line of the stream moves) and brings a new finding.
    const later = helmTemplate([
      ['shop/templates/a-service.yaml', SVC('ratings')],
      ['shop/templates/a-vs.yaml', VS('ratings', 'other-gw')],
      ['shop/templates/service.yaml', SVC('reviews')],
      ['shop/templates/vs.yaml', VS('reviews', 'missing-gw')],
    ]);
    const { code, findings } = await lintStdin(later, ['--baseline', 'baseline.json'], dir);
    expect(code).toBe(1);
    expect(findings.map(at)).toEqual(['gateway-not-found@shop/templates/a-vs.yaml:7:14-7:22']);
  });

  it('give the template names and lines to SARIF, GitLab (from the repository root), GitHub and JUnit reports', async () => {
    // A repository with the chart under charts/; `helm template shop ./shop` run in charts/.
    const repo = tempTree({ 'charts/shop/Chart.yaml': 'apiVersion: v2\nname: shop\nversion: 0.1.0\n', 'charts/shop/templates/vs.yaml': '{{/* the template */}}\n' });
    git(repo, 'init', '-q');
    const cwd = path.join(repo, 'charts');
    const stdin = helmTemplate([
      ['shop/templates/service.yaml', SVC('reviews')],
      ['shop/templates/vs.yaml', VS('reviews', 'missing-gw')],
    ]);
    const sarif = JSON.parse((await runCli(['-', '--format', 'sarif'], cwd, { stdin })).stdout);
    const loc = sarif.runs[0].results[0].locations[0].physicalLocation;
    expect(loc.artifactLocation.uri).toBe('shop/templates/vs.yaml');
    expect(loc.region).toMatchObject({ startLine: 7, startColumn: 14, endLine: 7, endColumn: 24 });
    const gitlab = JSON.parse((await runCli(['-', '--format', 'gitlab'], cwd, { stdin })).stdout);
    expect(gitlab.map((i: { location: unknown }) => i.location)).toEqual([{ path: 'charts/shop/templates/vs.yaml', lines: { begin: 7, end: 7 } }]);
    const github = await runCli(['-', '--format', 'github'], cwd, { stdin });
    expect(github.stdout).toMatch(/^::error file=shop\/templates\/vs\.yaml,line=7,col=14,endLine=7,endColumn=24,title=gateway-not-found::/);
    const junit = await runCli(['-', '--format', 'junit'], cwd, { stdin });
    expect(junit.stdout).toContain('shop/templates/vs.yaml:7:14');
  });
});

describe('--stdin-filename', () => {
  const stream = `${SVC('reviews')}---\n${VS('reviews', 'missing-gw')}`;

  it('reports standard input under the name given, in every format', async () => {
    const { findings } = await lintStdin(stream, ['--stdin-filename', 'rendered/all.yaml']);
    expect(findings.map(at)).toEqual(['gateway-not-found@rendered/all.yaml:14:14-14:24']);
    const dir = tempTree({});
    const sarif = JSON.parse((await runCli(['-', '--stdin-filename', 'rendered/all.yaml', '--format', 'sarif'], dir, { stdin: stream })).stdout);
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('rendered/all.yaml');
    const compact = await runCli(['-', '--stdin-filename=./x/../chart.yaml', '--format', 'compact'], dir, { stdin: stream });
    expect(compact.stdout).toMatch(/^chart\.yaml:14:14: error Gateway default\/missing-gw .*\[gateway-not-found\]\n$/);
    // The `# Source:` names still win for the documents that carry them.
    const helm = await lintStdin(helmTemplate([['shop/templates/all.yaml', SVC('reviews')], ['shop/templates/all.yaml', VS('reviews', 'missing-gw')]]), ['--stdin-filename', 'rendered/all.yaml']);
    expect(helm.findings.map(at)).toEqual(['gateway-not-found@shop/templates/all.yaml:7:14-7:24']);
  });

  it('names standard input in a baseline and in suppressions', async () => {
    const dir = tempTree({});
    expect((await runCli(['-', '--stdin-filename', 'all.yaml', '--write-baseline', 'b.json'], dir, { stdin: stream })).code).toBe(0);
    expect(readFileSync(path.join(dir, 'b.json'), 'utf8')).toContain('"file": "all.yaml"');
    expect((await lintStdin(stream, ['--stdin-filename', 'all.yaml', '--baseline', 'b.json'], dir)).findings).toEqual([]);
    // Under another name the baseline does not apply.
    expect((await lintStdin(stream, ['--stdin-filename', 'other.yaml', '--baseline', 'b.json'], dir)).findings.map(at)).toEqual(['gateway-not-found@other.yaml:14:14-14:24']);
  });

  it('needs "-" among the paths and a name', async () => {
    for (const args of [['--stdin-filename', 'x.yaml'], ['-', '--stdin-filename', ''], ['-', '--stdin-filename', ' ']]) {
      const r = await runCli(args, tempTree({ 'a.yaml': SVC('a') }), { stdin: SVC('a') });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^mesh-egress-lint: --stdin-filename (names standard input: give "-" among the paths|needs a file name)\n$/);
    }
  });
});
