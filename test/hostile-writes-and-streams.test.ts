// Hostile input, second round: output that would overwrite an input, settings files that never
// end, standard streams that fail, inputs that overflow the stack or the heap, raw control
// characters on standard error, SARIF locations and fingerprints, our own reports read back as
// input, and baselines in other encodings. Every case must end in a finding or one line on
// standard error with the documented exit code, and never write to an input.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_GLOB_EXPANSIONS, MAX_IGNORE_PATHS } from '../src/config/config-file.js';
import { REGISTRY_ONLY_UNREGISTERED_CALL as FAILING, runCli, tempTree } from './helpers.js';

const BIN = path.join(__dirname, '..', 'bin', 'mesh-egress-lint.js');
const IS_LINUX = process.platform === 'linux';
const FORMATS = ['text', 'json', 'sarif', 'github'] as const;

const SE = (name: string, extra = '') => `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: ${name}
  namespace: default${extra}
spec:
  hosts: [${name}.example.com]
  ports: [{number: 443, name: https, protocol: TLS}]
  resolution: DNS
`;

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** The built command line, as users run it (standard streams are real file descriptors). */
function bin(args: string[], cwd: string, opts: { shell?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {}) {
  const r = opts.shell
    ? spawnSync('bash', ['-c', opts.shell], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...opts.env }, timeout: opts.timeout ?? 60_000 })
    : spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...opts.env }, timeout: opts.timeout ?? 60_000 });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** One line on standard error, no stack trace, no raw control character. */
function expectOneLine(stderr: string): void {
  expect(stderr.trim().split('\n'), stderr).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at |node:internal|Error: /);
  // eslint-disable-next-line no-control-regex
  expect(stderr.replace(/\n/g, '')).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
}

describe('--output and --write-baseline never overwrite what the run reads', () => {
  it('refuses an input file, reached by name, symbolic link or hard link, in every format', async () => {
    const dir = tempTree({ 'se.yaml': SE('a'), 'sub/other.yaml': SE('b') });
    symlinkSync('se.yaml', path.join(dir, 'link.yaml'));
    linkSync(path.join(dir, 'sub/other.yaml'), path.join(dir, 'hard.json'));
    const before = [sha(path.join(dir, 'se.yaml')), sha(path.join(dir, 'sub/other.yaml'))];
    for (const format of FORMATS) {
      for (const argv of [
        ['se.yaml', '--output', 'se.yaml'],
        ['se.yaml', '--output', './sub/../se.yaml'],
        ['se.yaml', '--output', 'link.yaml'],
        ['sub', '--output', 'hard.json'],
        ['.', '--output', 'sub/other.yaml'],
      ]) {
        const r = await runCli([...argv, '--format', format], dir);
        expect(r.code, argv.join(' ')).toBe(2);
        expect(r.stderr).toMatch(/^mesh-egress-lint: --output \S+ is (a file this run lints|an input named on the command line); refusing to overwrite it/);
        expectOneLine(r.stderr);
        expect(r.stdout).toBe('');
      }
    }
    expect([sha(path.join(dir, 'se.yaml')), sha(path.join(dir, 'sub/other.yaml'))]).toEqual(before);
  });

  it('refuses the config, the baseline, the mesh config; --write-baseline onto an input too', async () => {
    const dir = tempTree({
      'se.yaml': SE('a'),
      'lint.yaml': 'failOn: error\n',
      'mesh.yaml': 'outboundTrafficPolicy: {mode: REGISTRY_ONLY}\n',
      'auto/.mesh-egress-lint.yaml': 'meshConfig: ../mesh.yaml\n',
      'auto/se.yaml': SE('c'),
    });
    expect((await runCli(['se.yaml', '--write-baseline', 'base.json'], dir)).code).toBe(0);
    const files = ['se.yaml', 'lint.yaml', 'mesh.yaml', 'base.json', 'auto/.mesh-egress-lint.yaml'].map((f) => path.join(dir, f));
    const before = files.map(sha);
    const cases: [string[], string, RegExp][] = [
      [['se.yaml', '--config', 'lint.yaml', '--output', 'lint.yaml'], dir, /is the config file/],
      [['se.yaml', '--baseline', 'base.json', '--output', 'base.json'], dir, /is the --baseline file/],
      [['se.yaml', '--mesh-config', 'mesh.yaml', '--output', 'mesh.yaml'], dir, /is the mesh config file/],
      [['se.yaml', '--output', '.mesh-egress-lint.yaml'], path.join(dir, 'auto'), /is the config file/],
      [['se.yaml', '--output', '../mesh.yaml'], path.join(dir, 'auto'), /is the mesh config file/],
      [['se.yaml', '--write-baseline', 'se.yaml'], dir, /--write-baseline se.yaml is an input named on the command line/],
      [['se.yaml', '--write-baseline', 'lint.yaml', '--config', 'lint.yaml'], dir, /is the config file/],
      [['se.yaml', '--write-baseline', 'x.json', '--output', 'x.json'], dir, /--output and --write-baseline name the same file/],
    ];
    for (const [argv, cwd, message] of cases) {
      const r = await runCli(argv, cwd);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr, argv.join(' ')).toMatch(message);
      expectOneLine(r.stderr);
    }
    expect(files.map(sha)).toEqual(before);
    expect(existsSync(path.join(dir, 'x.json'))).toBe(false);
    // Rewriting the baseline it reads is what --write-baseline is for.
    expect((await runCli(['se.yaml', '--baseline', 'base.json', '--write-baseline', 'base.json'], dir)).code).toBe(0);
  });

  it('a report written into the linted folder is left out of the next run, in every report format that is JSON', async () => {
    const dir = tempTree({ 'se.yaml': SE('a'), 'bad.yaml': 'a: [1\n' });
    for (const [format, file] of [['json', 'report.json'], ['sarif', 'report.sarif.json']] as const) {
      expect((await runCli(['.', '--format', format, '--output', file], dir)).code).toBe(1);
    }
    expect((await runCli(['.', '--write-baseline', 'baseline.json'], dir)).code).toBe(0);
    const second = await runCli(['.', '--format', 'json'], dir);
    const report = JSON.parse(second.stdout);
    expect(report.summary.files).toBe(2);
    expect(report.findings.map((f: { file: string }) => f.file).sort()).toEqual(['bad.yaml']);
    // Overwriting its own earlier report is fine; it is not an input.
    expect((await runCli(['.', '--format', 'json', '--output', 'report.json'], dir)).code).toBe(1);
    // Named on the command line, it is said why it is not linted.
    const named = JSON.parse((await runCli(['report.json', '--format', 'json'], dir)).stdout);
    expect(named.findings).toHaveLength(1);
    expect(named.findings[0].message).toMatch(/report written by mesh-egress-lint/);
  });
});

describe('settings files get the bounded, regular-file-only reader', () => {
  it.runIf(IS_LINUX)('a FIFO or /dev/zero as --config, --mesh-config, --baseline or the config meshConfig ends at once with one line', () => {
    const dir = tempTree({ 'se.yaml': SE('a') });
    spawnSync('mkfifo', [path.join(dir, 'fifo')]);
    const cases: [string[], RegExp][] = [
      [['--config', 'fifo'], /cannot read config fifo: is a named pipe \(FIFO\), not a regular file/],
      [['--config', '/dev/zero'], /cannot read config \/dev\/zero: is a character device/],
      [['--mesh-config', 'fifo'], /cannot read fifo: is a named pipe/],
      [['--mesh-config', '/dev/zero'], /cannot read \/dev\/zero: is a character device/],
      [['--baseline', 'fifo'], /cannot read baseline fifo: is a named pipe/],
      [['--baseline', '/dev/zero'], /cannot read baseline \/dev\/zero: is a character device/],
    ];
    for (const [argv, message] of cases) {
      const r = bin(['se.yaml', ...argv], dir, { timeout: 20_000 });
      expect(r.signal, argv.join(' ')).toBeNull();
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expectOneLine(r.stderr);
    }
    // Picked up automatically from the working directory.
    writeFileSync(path.join(dir, '.mesh-egress-lint.yaml'), 'meshConfig: /dev/zero\n');
    const auto = bin(['se.yaml'], dir, { timeout: 20_000 });
    expect(auto.code).toBe(2);
    expect(auto.stderr).toMatch(/cannot read meshConfig \/dev\/zero \(\.mesh-egress-lint\.yaml\): is a character device/);
  });

  it('a malformed data.mesh, or a file that is no MeshConfig, is one located line', async () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`)];
    const configMap = (mesh: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: istio}\ndata:\n  mesh: |\n${mesh.split('\n').map((l) => `    ${l}`).join('\n')}\n`;
    const dir = tempTree({
      'se.yaml': SE('a'),
      'unclosed.yaml': configMap('outboundTrafficPolicy: {mode: REGISTRY_ONLY'),
      'duplicate.yaml': configMap('rootNamespace: a\nrootNamespace: b'),
      'bomb.yaml': configMap(bomb.join('\n')),
      'passwd': 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n',
      'list.yaml': '- a\n- b\n',
      'nomesh.yaml': 'apiVersion: v1\nkind: ConfigMap\ndata: {other: x}\n',
    });
    const cases: [string, RegExp][] = [
      ['unclosed.yaml', /--mesh-config unclosed.yaml: data.mesh: not valid YAML at line 2, column 1: Flow map/],
      ['duplicate.yaml', /data.mesh: not valid YAML at line 2, column 1: Map keys must be unique/],
      ['bomb.yaml', /data.mesh: not valid YAML: Excessive alias count/],
      ['passwd', /--mesh-config passwd: not a MeshConfig: expected a mapping .* found a string/],
      ['list.yaml', /not a MeshConfig: .* found a list/],
      ['nomesh.yaml', /the ConfigMap has no data.mesh text/],
    ];
    for (const [file, message] of cases) {
      const r = await runCli(['se.yaml', '--mesh-config', file], dir);
      expect(r.code, file).toBe(2);
      expect(r.stderr, file).toMatch(message);
      expect(r.stderr).not.toMatch(/internal error/);
      expectOneLine(r.stderr);
    }
  });

  it('a baseline with a UTF-8 byte-order mark, or in UTF-16 with one, is read; without one, one clean line', async () => {
    const dir = tempTree({ 'bad.yaml': FAILING });
    expect((await runCli(['bad.yaml', '--write-baseline', 'b.json'], dir)).code).toBe(0);
    const json = readFileSync(path.join(dir, 'b.json'), 'utf8');
    writeFileSync(path.join(dir, 'bom.json'), `\ufeff${json}`);
    writeFileSync(path.join(dir, 'utf16le.json'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(json, 'utf16le')]));
    writeFileSync(path.join(dir, 'utf16be.json'), Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(json, 'utf16le').swap16()]));
    writeFileSync(path.join(dir, 'nobom.json'), Buffer.from(json, 'utf16le'));
    for (const file of ['b.json', 'bom.json', 'utf16le.json', 'utf16be.json']) {
      const r = await runCli(['bad.yaml', '--baseline', file, '--format', 'json'], dir);
      expect(r.code, file).toBe(0);
      expect(JSON.parse(r.stdout).summary.baselined, file).toBe(1);
    }
    const r = await runCli(['bad.yaml', '--baseline', 'nobom.json'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot read baseline nobom.json: holds NUL bytes: not a text file/);
    expect(r.stderr).not.toContain('\u0000');
    expectOneLine(r.stderr);
  });
});

describe('standard streams', () => {
  it.runIf(IS_LINUX)('a full disk on standard output is one line and exit 2, in every format', () => {
    const dir = tempTree({ 'bad.yaml': FAILING });
    for (const format of FORMATS) {
      const r = bin([], dir, { shell: `node ${JSON.stringify(BIN)} bad.yaml --format ${format} > /dev/full` });
      expect(r.code, format).toBe(2);
      expect(r.stderr).toBe('mesh-egress-lint: cannot write the report to standard output: no space left on device (ENOSPC)\n');
    }
  });

  it('a reader that closes the pipe early ends the run quietly with its usual exit code', () => {
    const many = Array.from({ length: 3000 }, (_, i) => SE(`s${i}`)).join('---\n');
    const dir = tempTree({ 'many.yaml': many, 'bad.yaml': FAILING });
    for (const format of FORMATS) {
      const r = bin([], dir, { shell: `set -o pipefail; node ${JSON.stringify(BIN)} . --format ${format} --fail-on info | head -c 1 >/dev/null` });
      expect(r.stderr, format).toBe('');
      expect(r.code, format).toBe(1);
    }
  });

  it('raw ESC and BEL from a config file, a mesh config or a path are escaped on standard error', async () => {
    const dir = tempTree({
      'se.yaml': SE('a'),
      'rule.yaml': 'rules:\n  "bad\u001b[31mrule\u0007": off\n',
      'key.yaml': '"fail\u001b]0;title\u0007On": error\n',
      'value.yaml': 'failOn: "err\u001b[2Jor"\n',
      'mesh.yaml': 'outboundTrafficPolicy: {mode: "REG\u001b[5mISTRY"}\n',
    });
    const cases = [['--config', 'rule.yaml'], ['--config', 'key.yaml'], ['--config', 'value.yaml'], ['--mesh-config', 'mesh.yaml'], ['missing\u001b[1m.yaml'], ['--fail-on', 'x\u0007']];
    for (const argv of cases) {
      const r = await runCli(['se.yaml', ...argv], dir);
      expect(r.code, JSON.stringify(argv)).toBe(2);
      expect(r.stderr).toMatch(/\\u001b|\\u0007/);
      expectOneLine(r.stderr);
    }
  });
});

describe('inputs that would exhaust the stack or the heap', () => {
  it('2,000 nested [ in a file that mentions mesh-egress-lint- is one finding; the other files are reported', async () => {
    const deep = `${SE('deep', '\n  labels: {note: mesh-egress-lint-example}')}  extra: ${'['.repeat(2000)}${']'.repeat(2000)}\n`;
    const dir = tempTree({ 'deep.yaml': deep, 'bad.yaml': FAILING });
    const r = await runCli(['.', '--format', 'json'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.findings.map((f: { file: string; ruleId: string }) => `${f.file} ${f.ruleId}`)).toEqual(expect.arrayContaining(['bad.yaml missing-service-entry', 'deep.yaml yaml-syntax']));
  });

  it('130,000 directive comments in one file, and 40,000 consecutive directive lines, are linted in linear time', async () => {
    const [mesh, deployment] = FAILING.split('---\n') as [string, string];
    const nextLine = '# mesh-egress-lint-disable-next-line missing-service-entry -- accepted\n';
    const inDocument = '# mesh-egress-lint-disable missing-service-entry -- accepted\n';
    const dir = tempTree({
      'mesh.yaml': mesh,
      // Each directive applies to the first content line after the block: the Deployment's
      // apiVersion, where no finding is. All 130,000 suppress nothing.
      'next-line.yaml': `${nextLine.repeat(130_000)}${deployment}`,
      // 40,000 document directives in the Deployment's document: its finding is suppressed.
      'document.yaml': `${inDocument.repeat(40_000)}${deployment.replace(/client/g, 'other')}`,
    });
    const r = await runCli(['.', '--format', 'json'], dir);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout);
    const of = (file: string, ruleId: string) => report.findings.filter((f: { file: string; ruleId: string }) => f.file === file && f.ruleId === ruleId).length;
    expect(report.summary.suppressed).toBe(1);
    expect(of('next-line.yaml', 'missing-service-entry')).toBe(1);
    expect(of('document.yaml', 'missing-service-entry')).toBe(0);
    expect(of('next-line.yaml', 'invalid-suppression')).toBe(130_000);
    // The 40,000 document directives share the one finding they hide: none is reported unused.
    expect(of('document.yaml', 'invalid-suppression')).toBe(0);
  }, 120_000);

  it(`ignorePaths over ${MAX_IGNORE_PATHS} entries, or an entry expanding to over ${MAX_GLOB_EXPANSIONS} patterns, is a located error`, async () => {
    const dir = tempTree({
      'se.yaml': SE('a'),
      'long.yaml': `ignorePaths:\n${Array.from({ length: 100_000 }, (_, i) => `  - p${i}\n`).join('')}`,
      'range.yaml': 'ignorePaths: ["{1..10000000}"]\n',
      'braces.yaml': `ignorePaths:\n  - ok/**\n  - "${'{a,b}'.repeat(24)}"\n`,
      'fine.yaml': 'ignorePaths: ["{a,b}/{c,d}/**", "vendor"]\n',
    });
    const cases: [string, RegExp][] = [
      ['long.yaml', /^long.yaml:10002:5: ignorePaths has 100,000 entries; at most 10,000 are allowed/],
      ['range.yaml', /^range.yaml:1:15: ignorePaths entry "\{1\.\.10000000\}" expands to 10,000,000 patterns/],
      ['braces.yaml', /^braces.yaml:3:5: ignorePaths entry .* expands to 16,777,216 patterns/],
    ];
    for (const [file, message] of cases) {
      const r = await runCli(['se.yaml', '--config', file], dir);
      expect(r.code, file).toBe(2);
      expect(r.stderr, file).toMatch(message);
      expectOneLine(r.stderr);
    }
    expect((await runCli(['se.yaml', '--config', 'fine.yaml'], dir)).code).toBe(0);
  });

  it('an input too large for the heap is one line that says how to go on, not a V8 abort', () => {
    // A small heap stands for a large input: the same check, in a second rather than minutes.
    const body = Array.from({ length: 6000 }, (_, i) => SE(`s${i}`)).join('---\n');
    const dir = tempTree({ 'a.yaml': body, 'b.yaml': body.replace(/name: s/g, 'name: t'), 'c.yaml': body.replace(/name: s/g, 'name: u') });
    const r = bin([], dir, { shell: `node --max-old-space-size=48 ${JSON.stringify(BIN)} .` });
    expect(r.signal).toBeNull();
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^mesh-egress-lint: the input \(\d+ MiB in 3 files\) needs about \d+ MiB of memory, more than this process's \d+ MiB heap limit; lint it in parts, or raise the limit with NODE_OPTIONS=--max-old-space-size=\d+\n$/);
    // As the message says: with the limit raised the same input is linted.
    const raised = /--max-old-space-size=(\d+)/.exec(r.stderr)![1];
    expect(bin([], dir, { shell: `NODE_OPTIONS=--max-old-space-size=${raised} node ${JSON.stringify(BIN)} . --format json > /dev/null` }).code).toBe(0);
  }, 120_000);
});

describe('unreadable paths named on the command line', () => {
  it.runIf(IS_LINUX)('exit 2 with one line (as a missing path does); met while walking, a notice', async () => {
    const dir = tempTree({ 'se.yaml': SE('a') });
    // /proc/self/mem exists and is a regular file, but reading it from offset 0 fails (EIO), root or not.
    const r = bin(['se.yaml', '/proc/self/mem'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^mesh-egress-lint: cannot read \S*proc\/self\/mem: EIO/);
    expectOneLine(r.stderr);
  });
});

describe('SARIF locations and fingerprints', () => {
  it('a backslash in a file name is part of the name; files outside the working directory get absolute URIs', async () => {
    const root = tempTree({ 'repo/back\\slash.yaml': 'a: [1\n', 'repo/back/slash.yaml': 'b: [2\n', 'outside/x.yaml': 'c: [3\n' });
    const cwd = path.join(root, 'repo');
    const sarif = JSON.parse((await runCli(['.', '../outside', '--format', 'sarif'], cwd)).stdout);
    const uris = sarif.runs[0].results.map((r: { locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string } } }[] }) => r.locations[0]!.physicalLocation.artifactLocation);
    expect(uris).toContainEqual({ uri: 'back%5Cslash.yaml', uriBaseId: '%SRCROOT%' });
    expect(uris).toContainEqual({ uri: 'back/slash.yaml', uriBaseId: '%SRCROOT%' });
    const outside = uris.find((u: { uri: string }) => u.uri.endsWith('/outside/x.yaml'));
    expect(outside.uri).toBe(new URL(`file://${path.join(root, 'outside/x.yaml')}`).href);
    expect(outside.uriBaseId).toBeUndefined();
    expect(uris.every((u: { uri: string }) => !u.uri.startsWith('..'))).toBe(true);
  });

  it('fingerprints do not depend on the working directory, for findings with and without a resource', async () => {
    const root = tempTree({ 'repo/k8s/bad.yaml': 'a: [1\n', 'repo/k8s/app.yaml': FAILING });
    mkdirSync(path.join(root, 'repo/.git'));
    const fingerprints = async (cwd: string, target: string) => {
      const sarif = JSON.parse((await runCli([target, '--format', 'sarif'], cwd)).stdout);
      return sarif.runs[0].results.map((r: { ruleId: string; partialFingerprints: Record<string, string> }) => `${r.ruleId} ${r.partialFingerprints['meshEgressLint/v1']}`).sort();
    };
    const fromRoot = await fingerprints(path.join(root, 'repo'), 'k8s');
    expect(fromRoot.some((f: string) => f.startsWith('yaml-syntax '))).toBe(true);
    expect(await fingerprints(path.join(root, 'repo/k8s'), '.')).toEqual(fromRoot);
    expect(await fingerprints(root, 'repo/k8s')).toEqual(fromRoot);
  });
});
