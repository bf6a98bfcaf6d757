// Hostile inputs: every file is accounted for (linted, or skipped with a notice), one bad file hides
// nothing and never turns the exit code into 2, resource exhaustion ends in bounded time and memory,
// output stays safe and parseable, inputs are never written, the network is never touched, and
// output is deterministic.
//
// Small cases are committed in test/hostile/cases (one expectation each below); large ones (30 MB,
// 50,000 files, 20,000 levels of nesting) and file-system oddities (symbolic link loops, FIFOs,
// sockets, a directory named x.yaml) are generated into temporary folders.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
  ftruncateSync,
  rmSync,
  unlinkSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_DEPTH, MAX_INPUT_BYTES, MAX_TOKENS, parseEmbeddedYaml } from '../src/load/parse.js';
import { BIG_LINES, WIDE, writeExhaustionCases, writeManySmallFiles } from '../scripts/gen-hostile.mjs';
import { lintPaths, runCli, type CliRun } from './helpers.js';

const CASES = path.join(__dirname, 'hostile', 'cases');
const PRELOAD = path.join(__dirname, 'hostile', 'no-network.mjs');
const BIN = path.join(__dirname, '..', 'bin', 'mesh-egress-lint.js');
const FORMATS = ['text', 'json', 'sarif', 'github'] as const;
const IS_ROOT = process.getuid?.() === 0;
const IS_WINDOWS = process.platform === 'win32';

/** Runs the CLI in-process; standard error includes what the engine writes to process.stderr (rule crashes). */
const cli = (argv: string[], cwd: string) => runCli(argv, cwd, { captureProcessStderr: true });

interface JsonFinding {
  ruleId: string;
  severity: string;
  message: string;
  file: string;
  line: number;
  column: number;
}
interface JsonReport {
  summary: { files: number; documents: number; resources: number; skipped: number; errors: number };
  findings: JsonFinding[];
}

const at = (f: JsonFinding) => `${f.ruleId}@${f.line}:${f.column}`;
const LOADER_RULES = new Set(['yaml-syntax', 'not-a-manifest']);

// ------------------------------------------------------------------------------------------------
// The committed cases and what each must give. `findings` must all be present; the loader's own
// findings (yaml-syntax, not-a-manifest) must be exactly these. `skipped`: the file is not linted
// and the notice says why. An empty list means: linted, nothing to report.

interface Expected {
  findings: string[];
  exit: 0 | 1;
  skipped?: RegExp;
  message?: RegExp;
}

const EXPECTED: Record<string, Expected> = {
  // Broken YAML: one finding at the parser's position.
  'tabs.yaml': { findings: ['yaml-syntax@4:1'], exit: 1, message: /Tabs are not allowed/ },
  'bad-indent.yaml': { findings: ['yaml-syntax@4:9'], exit: 1 },
  'unclosed-quote.yaml': { findings: ['yaml-syntax@4:9'], exit: 1, message: /Missing closing " quote: the string opened here/ },
  'unclosed-flow.yaml': { findings: ['yaml-syntax@4:1'], exit: 1, message: /Flow map/ },
  'duplicate-keys.yaml': { findings: ['yaml-syntax@6:3'], exit: 1, message: /`name` is set twice in this map \(first on line 4\): kubectl apply rejects/ },
  'duplicate-keys.json': { findings: ['yaml-syntax@5:3'], exit: 1, message: /`kind` is set twice/ },
  'long-key.yaml': { findings: ['yaml-syntax@5:3'], exit: 1, message: /1024/ },
  // A lone CR ends a line for go-yaml: the file reads, and its repeated `name` is what kubectl rejects.
  'lone-cr.yaml': { findings: ['yaml-syntax@5:3'], exit: 1, message: /`name` is set twice/ },
  'mixed.yaml': { findings: ['yaml-syntax@13:1', 'schema-violation@24:3'], exit: 1 },
  'alias-unknown.yaml': { findings: ['yaml-syntax@3:18'], exit: 1, message: /Unknown anchor `nowhere`/ },
  // Encodings and bytes.
  'invalid-utf8.yaml': { findings: ['yaml-syntax@4:12'], exit: 1, skipped: /not valid UTF-8/ },
  'bom.yaml': { findings: ['schema-violation@11:3'], exit: 1 },
  'crlf.yaml': { findings: ['schema-violation@11:3'], exit: 1 },
  'nul-bytes.yaml': { findings: ['not-a-manifest@1:1'], exit: 0, skipped: /binary/, message: /binary file/ },
  'binary.json': { findings: ['not-a-manifest@1:1'], exit: 0, skipped: /binary/ },
  'nul-after-8k.yaml': { findings: ['yaml-syntax@1205:11'], exit: 1, skipped: /NUL/, message: /NUL byte/ },
  // go-yaml rejects a `\u` escape of a surrogate half (invalid Unicode character escape code).
  'lone-surrogate.yaml': { findings: ['yaml-syntax@3:18'], exit: 1, message: /surrogate/ },
  // Nothing in them: linted, nothing to say.
  'empty.yaml': { findings: [], exit: 0 },
  // `---`, `---`, `...`: kubectl's third chunk holds only the end marker, which go-yaml rejects.
  'dashes-only.yaml': { findings: ['yaml-syntax@3:1'], exit: 1, message: /only a `\.\.\.` end marker/ },
  'comments-only.yaml': { findings: [], exit: 0 },
  'directive-only.yaml': { findings: ['yaml-syntax@1:1'], exit: 1, message: /rejects `%YAML 1\.2`/ },
  // kubectl cuts at `---`: the directives are a chunk of their own (rejected), the ConfigMap reads.
  'bad-directive.yaml': { findings: ['yaml-syntax@2:1'], exit: 1, message: /directive lines before it are a document of their own/ },
  // Documents that are not objects, or not manifests.
  'scalar.yaml': { findings: ['not-a-manifest@1:1'], exit: 0, message: /a scalar/ },
  'array.yaml': { findings: ['not-a-manifest@1:1'], exit: 0, message: /a list/ },
  'kind-no-apiversion.yaml': { findings: ['not-a-manifest@1:1'], exit: 0, message: /has `kind` but no `apiVersion`/ },
  'list-mixed-items.yaml': { findings: ['not-a-manifest@7:3'], exit: 0, message: /item 1 of the List/ },
  'list-items-string.yaml': { findings: ['not-a-manifest@3:8'], exit: 0, message: /`items` of the List/ },
  'helm-template.yaml': { findings: ['not-a-manifest@4:9'], exit: 0, skipped: /Helm/ },
  // Wrong types everywhere, huge numbers: schema findings at the value.
  'wrong-types.yaml': {
    findings: ['schema-violation@4:7', 'schema-violation@10:10', 'schema-violation@11:10', 'schema-violation@12:15', 'schema-violation@16:11', 'schema-violation@22:16', 'not-a-manifest@24:1'],
    exit: 1,
  },
  'huge-numbers.yaml': {
    findings: ['schema-violation@7:14', 'schema-violation@8:14', 'schema-violation@9:14', 'yaml-syntax@10:14', 'yaml-syntax@11:14', 'schema-violation@12:14', 'schema-violation@13:14'],
    exit: 1,
  },
  // Aliases: bombs and cycles are refused per document; the next document is still linted.
  'alias-bomb.yaml': { findings: ['yaml-syntax@1:1', 'schema-violation@25:3'], exit: 1, message: /alias bomb/ },
  'alias-cycle.yaml': { findings: ['yaml-syntax@5:7'], exit: 1, message: /cycle/ },
  // Hostile strings: reported, escaped in text, valid JSON.
  'control-chars.yaml': { findings: ['schema-violation@7:11', 'schema-violation@12:3'], exit: 1 },
  'prototype-keys.yaml': { findings: ['schema-violation@13:24'], exit: 1 },
  // A sequence as a map key: go-yaml rejects the document (invalid map key).
  'yaml-1.1.yaml': { findings: ['yaml-syntax@12:5'], exit: 1, message: /map or list as a map key/ },
};

/**
 * Every entry of a tree (lstat: links, FIFOs and sockets included) with what identifies its state.
 * Names are read as bytes: a name that is not UTF-8 cannot be reached through a string path.
 */
function snapshot(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: Buffer) => {
    for (const name of readdirSync(dir, { encoding: 'buffer' })) {
      const p = Buffer.concat([dir, Buffer.from(path.sep), name]);
      const st = lstatSync(p);
      let id = `${st.mode}:${st.size}:${st.mtimeMs}:${st.ctimeMs}:${st.ino}`;
      if (st.isSymbolicLink()) id += `:->${readlinkSync(p, { encoding: 'buffer' }).toString('hex')}`;
      else if (st.isFile() && (IS_ROOT || (st.mode & 0o444) !== 0)) id += `:${createHash('sha256').update(readFileSync(p)).digest('hex')}`;
      out.set(p.toString('hex'), id);
      if (st.isDirectory() && (IS_ROOT || (st.mode & 0o555) !== 0)) walk(p);
    }
  };
  walk(Buffer.from(root));
  return out;
}

function assertSafeText(out: string): void {
  // No control character but the newline; no ESC in particular (colour is off), no bidi controls.
  // eslint-disable-next-line no-control-regex
  expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/);
  expect(out).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
}

function checkFormats(runs: Record<(typeof FORMATS)[number], CliRun>): JsonReport {
  for (const f of FORMATS) {
    expect([0, 1], `${f} exit code`).toContain(runs[f].code);
    expect(runs[f].stderr, `${f} stderr`).not.toMatch(/internal error/);
  }
  const json = JSON.parse(runs.json.stdout) as JsonReport;
  const sarif = JSON.parse(runs.sarif.stdout) as { runs: { results: unknown[] }[] };
  expect(sarif.runs[0]!.results).toHaveLength(json.findings.length);
  assertSafeText(runs.text.stdout);
  assertSafeText(runs.github.stdout);
  for (const line of runs.github.stdout.split('\n').filter(Boolean)) expect(line).toMatch(/^::(error|warning|notice) file=/);
  return json;
}

async function allFormats(argv: string[], cwd: string): Promise<Record<(typeof FORMATS)[number], CliRun>> {
  const out = {} as Record<(typeof FORMATS)[number], CliRun>;
  for (const f of FORMATS) out[f] = await cli([...argv, '--format', f], cwd);
  return out;
}

describe('committed hostile cases', () => {
  it('every case file has an expectation, and every expectation a file', () => {
    expect(readdirSync(CASES).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [name, want] of Object.entries(EXPECTED)) {
    it(name, async () => {
      const r = await cli(['--format', 'json', name], CASES);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(want.exit);
      const out = JSON.parse(r.stdout) as JsonReport;
      expect(out.summary.files).toBe(1);
      const got = out.findings.map(at);
      for (const f of want.findings) expect(got, name).toContain(f);
      expect(got.filter((g) => LOADER_RULES.has(g.split('@')[0]!)), name).toEqual(want.findings.filter((g) => LOADER_RULES.has(g.split('@')[0]!)));
      if (want.message) expect(out.findings.map((f) => f.message).join('\n')).toMatch(want.message);
      expect(out.summary.skipped).toBe(want.skipped ? 1 : 0);
      if (want.skipped) expect(out.findings.map((f) => f.message).join('\n')).toMatch(want.skipped);
      for (const f of out.findings) expect(f.file).toBe(name);
    });
  }

  it('linted together: every file accounted for, nothing hidden, safe and deterministic output in every format', async () => {
    const before = snapshot(CASES);
    const first = await allFormats(['.'], CASES);
    const json = checkFormats(first);
    expect(first.json.code).toBe(1);
    const names = Object.keys(EXPECTED);
    expect(json.summary.files).toBe(names.length);
    expect(json.summary.skipped).toBe(Object.values(EXPECTED).filter((e) => e.skipped).length);
    // One bad file hides nothing: each file's own findings are all there.
    for (const [name, want] of Object.entries(EXPECTED)) {
      const got = json.findings.filter((f) => f.file === name).map(at);
      for (const f of want.findings) expect(got, name).toContain(f);
    }
    // Hostile strings reach JSON intact and the text report escaped.
    expect(json.findings.some((f) => f.message.includes('\u001b]0;pwned\u0007'))).toBe(true);
    expect(first.text.stdout).toContain('host\\u001b]0;pwned\\u0007.example.com');
    // A lone surrogate cannot reach a message: go-yaml rejects its `\u` escape (lone-surrogate.yaml),
    // and UTF-8 text cannot hold one.
    // Byte-identical output on a second run.
    const second = await allFormats(['.'], CASES);
    for (const f of FORMATS) expect(second[f].stdout, f).toBe(first[f].stdout);
    expect(snapshot(CASES)).toEqual(before);
  });
});

describe('resource exhaustion (generated)', () => {
  let dir: string;
  const JSON_HEAD = '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"deep"},"data":';
  const bigLines = BIG_LINES;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'mel-hostile-'));
    writeExhaustionCases(dir, { maxInputBytes: MAX_INPUT_BYTES, maxTokens: MAX_TOKENS });
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const expectations: [string, string, RegExp][] = [
    ['deep-flow.yaml', `yaml-syntax@5:${5 + (MAX_DEPTH - 1)}`, /nested more than 256 levels/],
    ['deep-json.json', `yaml-syntax@1:${JSON_HEAD.length + 5 * (MAX_DEPTH - 1) + 1}`, /nested more than 256 levels/],
    ['deep-block.yaml', `yaml-syntax@6:${5 + 2 * (MAX_DEPTH - 2)}`, /nested more than 256 levels/],
    ['deep-alias.yaml', 'yaml-syntax@1:1', /aliases nest it more than 256 levels/],
    ['alias-linear.yaml', 'yaml-syntax@1:1', /alias bomb/],
    ['alias-linear.yaml', 'schema-violation@15:3', /Unknown field "bogus"/],
    ['long-line.yaml', 'schema-violation@14:3', /Unknown field "bogus"/],
    ['long-line-finding.json', `schema-violation@1:${WIDE.indexOf('"bogus"') + 1}`, /Unknown field "bogus"/],
    ['big-30mb.yaml', `schema-violation@${6 + bigLines + 8}:3`, /Unknown field "bogus"/],
    ['over-limit.yaml', 'not-a-manifest@1:1', /over the 256 MiB limit/],
    ['too-many-tokens.yaml', 'not-a-manifest@1:1', /more than 4,000,000 YAML tokens/],
  ];

  // Each case ends with a finding at the right position rather than a hang, a crash or a stack
  // trace. How long they take is measured by `npm run bench` (the "hostile" lines), not here; the
  // timeout only ends a run that hangs.
  it('each ends with a finding at the right position', { timeout: 600_000 }, async () => {
    const r = await cli(['--format', 'json', '.'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as JsonReport;
    expect(out.summary.files).toBe(readdirSync(dir).length);
    expect(out.summary.skipped).toBe(2);
    for (const [file, where, message] of expectations) {
      const hits = out.findings.filter((f) => f.file === file && at(f) === where);
      expect(hits.map((f) => f.message).join('\n'), `${file} ${where} in ${JSON.stringify(out.findings.filter((f) => f.file === file).map(at))}`).toMatch(message);
    }
  });

  it('a 30 MB file with one finding: positions come from the small document, not a second parse of 30 MB', async () => {
    // Every parse that yields positions counts the lines it passes (yaml's LineCounter, one per
    // parse): the reading may pass the 30 MB once; locating the finding must parse only its document.
    const yamlPackage = createRequire(import.meta.url)('yaml') as typeof import('yaml');
    const { LineCounter } = yamlPackage;
    const counted: number[] = [];
    yamlPackage.LineCounter = class extends LineCounter {
      constructor() {
        super();
        const at = counted.push(0) - 1;
        const add = this.addNewLine;
        this.addNewLine = (offset: number) => {
          counted[at]!++;
          return add(offset);
        };
      }
    };
    try {
      const result = await lintPaths([path.join(dir, 'big-30mb.yaml')], { cwd: dir });
      expect(result.findings.map((f) => `${f.ruleId}@${f.line}:${f.column}`)).toEqual([`schema-violation@${6 + bigLines + 8}:3`]);
    } finally {
      yamlPackage.LineCounter = LineCounter;
    }
    expect(counted.filter((n) => n >= bigLines).length).toBeLessThanOrEqual(1);
    expect(counted.filter((n) => n < bigLines).every((n) => n < 100)).toBe(true);
  });

  it('a file over the size limit is skipped, with its size', async () => {
    const r = await cli(['--format', 'json', 'over-limit.yaml'], dir);
    expect(JSON.parse(r.stdout).findings[0].message).toMatch(/256\.0 MiB, over the 256 MiB limit/);
  });

  it('the text reporter stays small when one message is huge', async () => {
    const sub = mkdtempSync(path.join(tmpdir(), 'mel-hostile-wide-'));
    const gateways = [`g${'x'.repeat(1_000_000)}`, ...Array.from({ length: 1000 }, (_, i) => `gw${i}`)];
    writeFileSync(
      path.join(sub, 'vs.yaml'),
      `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: v, namespace: default}\nspec:\n  hosts: [a.example.com]\n  gateways:\n${gateways.map((g) => `  - ${g}\n`).join('')}  http:\n  - route:\n    - destination: {host: a.example.com}\n`,
    );
    const r = await cli(['.'], sub);
    rmSync(sub, { recursive: true, force: true });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout.length).toBeLessThan(4_000_000);
  });
});

describe('a directory of 50,000 small files', () => {
  // More files than a process may hold open at once (ulimit -n is often 1,024 to 20,000): a reader that
  // opened them all together would fail with EMFILE. Timed by `npm run bench` (the "hostile" lines);
  // the timeout only ends a run that hangs.
  it('every file is read and counted, and the one broken file found', { timeout: 600_000 }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mel-hostile-many-'));
    const broken = writeManySmallFiles(dir, 50_000, 31_337);
    const r = await cli(['--format', 'json', '.'], dir);
    rmSync(dir, { recursive: true, force: true });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as JsonReport;
    expect(out.summary.files).toBe(50_000);
    expect(out.summary.resources).toBe(49_999);
    expect(out.findings.map((f) => `${f.file} ${f.ruleId}`)).toEqual([`${broken} yaml-syntax`]);
  });
});

describe.skipIf(IS_WINDOWS)('file-system oddities', () => {
  let dir: string;
  let server: Server;
  const badName = Buffer.concat([Buffer.from('bad-'), Buffer.from([0xff, 0xfe]), Buffer.from('-name.yaml')]);

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'mel-hostile-fs-'));
    const w = (name: string, text: string) => {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), text);
    };
    w('good.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: good, namespace: default}\n');
    // A directory named like a manifest is walked, not read; an empty one is nothing.
    w('x.yaml/inner.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: inner, namespace: default}\n');
    mkdirSync(path.join(dir, 'empty.yml'));
    // Links: a loop of directories, a link to itself, a dangling link, a link to a directory.
    mkdirSync(path.join(dir, 'loop'));
    symlinkSync(path.join(dir, 'loop'), path.join(dir, 'loop', 'again'));
    symlinkSync('self.yaml', path.join(dir, 'self.yaml'));
    symlinkSync('nowhere.yaml', path.join(dir, 'dangling.yaml'));
    symlinkSync('x.yaml', path.join(dir, 'dir-link.yaml'));
    symlinkSync('good.yaml', path.join(dir, 'file-link.yaml'));
    // Not regular files: reading them would block forever (FIFO), fail (socket) or never end (/dev/zero).
    execFileSync('mkfifo', [path.join(dir, 'fifo.yaml')]);
    symlinkSync('/dev/zero', path.join(dir, 'zero.yaml'));
    server = createServer();
    await new Promise<void>((resolve) => server.listen(path.join(dir, 'socket.yaml'), resolve));
    // Names: control characters (escaped in text output), bytes that are not UTF-8.
    w('evil\u001b[31m\u202e.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: evil, namespace: default}\nbogus: 1\n');
    writeFileSync(Buffer.concat([Buffer.from(`${dir}/`), badName]), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bad}\n');
    // Unreadable (only when not running as root: root reads anything).
    w('unreadable.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: secret}\n');
    chmodSync(path.join(dir, 'unreadable.yaml'), 0);
    w('closed/hidden.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: hidden}\n');
    chmodSync(path.join(dir, 'closed'), 0);
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    if (dir) {
      chmodSync(path.join(dir, 'closed'), 0o755);
      chmodSync(path.join(dir, 'unreadable.yaml'), 0o644);
      unlinkSync(Buffer.concat([Buffer.from(`${dir}/`), badName])); // not reachable through a string path
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('every entry is linted or reported with its reason; the run ends with 0 or 1', async () => {
    const runs = await allFormats(['.'], dir);
    const json = checkFormats(runs);
    const notice = (file: string) => json.findings.filter((f) => f.file === file && f.ruleId === 'not-a-manifest').map((f) => f.message).join('\n');
    expect(notice('self.yaml')).toMatch(/symbolic link loop/);
    expect(notice('dangling.yaml')).toMatch(/dangling symbolic link/);
    expect(notice('fifo.yaml')).toMatch(/named pipe \(FIFO\), not a regular file/);
    expect(notice('socket.yaml')).toMatch(/socket, not a regular file/);
    expect(notice('zero.yaml')).toMatch(/character device, not a regular file/);
    expect(notice('bad-\ufffd\ufffd-name.yaml')).toMatch(/name is not valid UTF-8/);
    expect(json.findings.some((f) => f.file === 'evil\u001b[31m\u202e.yaml' && f.ruleId === 'schema-violation')).toBe(true);
    expect(runs.text.stdout).toContain('evil\\u001b[31m\\u202e.yaml');
    expect(runs.github.stdout).toContain('file=evil\\u001b[31m\\u202e.yaml');
    const linted = ['good.yaml', 'x.yaml/inner.yaml', 'file-link.yaml', 'evil\u001b[31m\u202e.yaml'];
    const skipped = ['self.yaml', 'dangling.yaml', 'fifo.yaml', 'socket.yaml', 'zero.yaml', 'bad-\ufffd\ufffd-name.yaml'];
    if (IS_ROOT) linted.push('unreadable.yaml', 'closed/hidden.yaml');
    else {
      expect(notice('unreadable.yaml')).toMatch(/permission denied/);
      expect(notice('closed')).toMatch(/directory could not be read \(permission denied\)/);
      skipped.push('unreadable.yaml', 'closed');
    }
    expect(json.summary.files).toBe(linted.length + skipped.length);
    expect(json.summary.skipped).toBe(skipped.length);
    expect(json.summary.resources).toBe(linted.length);
    // Directories (x.yaml, empty.yml, the link to x.yaml, the loop) are not files: no notice.
    for (const d of ['x.yaml', 'empty.yml', 'dir-link.yaml', 'loop/again']) expect(json.findings.filter((f) => f.file === d)).toEqual([]);
    const again = await allFormats(['.'], dir);
    for (const f of FORMATS) expect(again[f].stdout, f).toBe(runs[f].stdout);
  });

  it('a file named on the command line may be a pipe or a device, read up to the size limit', async () => {
    const r = await cli(['--format', 'json', 'zero.yaml'], dir);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).findings[0].message).toMatch(/larger than the 256 MiB limit/);
  });

  describe('the installed entry point, offline and read-only', () => {
    const built = existsSync(path.join(__dirname, '..', 'dist', 'cli', 'main.js'));

    it('the no-network preload does catch network use', () => {
      const r = spawnSync(process.execPath, ['--import', PRELOAD, '-e', "require('node:dns').lookup('example.com', () => {}); fetch('http://127.0.0.1:9/').catch(() => {});"], {
        encoding: 'utf8',
      });
      expect(r.stderr).toMatch(/NETWORK-ACCESS: dns\.lookup/);
      expect(r.status).not.toBe(0);
    });

    it.skipIf(!built)('reads at most 256 MiB of standard input', () => {
      // /dev/zero never ends: the reader must stop one byte after the limit.
      const zero = openSync('/dev/zero', 'r');
      const r = spawnSync(process.execPath, [BIN, '-', '--format', 'json'], { stdio: [zero, 'pipe', 'pipe'], encoding: 'utf8', timeout: 60_000 });
      closeSync(zero);
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout).findings[0].message).toMatch(/larger than the 256 MiB limit/);
    });

    it.skipIf(!built)('opens no network connection and writes none of its inputs, in any format', () => {
      const before = [snapshot(CASES), snapshot(dir)];
      for (const target of [CASES, dir]) {
        for (const format of FORMATS) {
          const r = spawnSync(process.execPath, ['--import', PRELOAD, BIN, '.', '--format', format], { cwd: target, encoding: 'utf8', timeout: 60_000 });
          expect(r.stderr, `${format} in ${target}`).not.toMatch(/NETWORK-ACCESS|internal error/);
          expect([0, 1], `${format} in ${target}: ${r.stderr}`).toContain(r.status);
        }
      }
      expect([snapshot(CASES), snapshot(dir)]).toEqual(before);
    }, 120_000);
  });
});

describe('YAML embedded in manifests (parseEmbeddedYaml, for data.mesh)', () => {
  it('has the loader\'s guards and deterministic messages', () => {
    expect(parseEmbeddedYaml('outboundTrafficPolicy: {mode: REGISTRY_ONLY}\n')).toEqual({ value: { outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } } });
    expect(parseEmbeddedYaml('')).toEqual({ value: null });
    const deep = `x: ${'['.repeat(3000)}`;
    expect(parseEmbeddedYaml(deep).error).toBe('it is nested more than 256 levels deep at line 1, column 259');
    expect(parseEmbeddedYaml(deep)).toEqual(parseEmbeddedYaml(deep));
    // istiod reads data.mesh with sigs.k8s.io/yaml YAMLToJSON (not strict): the last repeated key wins.
    expect(parseEmbeddedYaml('a: 1\na: 2\n')).toEqual({ value: { a: 2 } });
    expect(parseEmbeddedYaml('a: &a [*a]\n').error).toMatch(/cycle/);
    expect(parseEmbeddedYaml(readFileSync(path.join(CASES, 'alias-bomb.yaml'), 'utf8').split('---')[0]!).error).toMatch(/alias bomb/);
    expect(parseEmbeddedYaml('a: 1\n---\nb: 2\n').error).toBe('it holds more than one YAML document');
    expect(parseEmbeddedYaml('key: [unclosed\n').error).toMatch(/at line 2, column 1$/);
  });

  it('reads 40,000 keys, every one', () => {
    const r = parseEmbeddedYaml(Array.from({ length: 40_000 }, (_, i) => `k${i}: v`).join('\n'));
    expect(Object.keys(r.value as object)).toHaveLength(40_000);
    expect((r.value as Record<string, string>).k39999).toBe('v');
  });
});

describe('unreadable files and directories', () => {
  // Root reads anything, so as root (CI) the CLI drops to the unprivileged user "nobody".
  it('are reported with the reason and do not stop the run', () => {
    expect(existsSync(path.join(__dirname, '..', 'dist', 'cli', 'main.js')), 'run `npm run build`').toBe(true);
    const tree = mkdtempSync(path.join(tmpdir(), 'mel-perm-'));
    chmodSync(tree, 0o755);
    writeFileSync(path.join(tree, 'good.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok, namespace: default}\n');
    writeFileSync(path.join(tree, 'unreadable.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: secret}\n');
    chmodSync(path.join(tree, 'unreadable.yaml'), 0);
    mkdirSync(path.join(tree, 'closed'));
    writeFileSync(path.join(tree, 'closed', 'hidden.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: hidden}\n');
    chmodSync(path.join(tree, 'closed'), 0);
    try {
      // Every module is loaded first (the checkout may not be readable by that user), then the
      // process gives up root before it reads the inputs.
      const dist = path.join(__dirname, '..', 'dist');
      const driver = `
        const cli = await import(${JSON.stringify(path.join(dist, 'cli', 'main.js'))});
        await (await import(${JSON.stringify(path.join(dist, 'rules', 'index.js'))})).loadRules();
        await import(${JSON.stringify(path.join(dist, 'findings', 'postprocess.js'))});
        await import(${JSON.stringify(path.join(dist, 'report', 'index.js'))});
        if (${IS_ROOT}) { process.setgid(65534); process.setuid(65534); }
        process.exitCode = await cli.main({ argv: ['.', '--format', 'json'], cwd: process.cwd(), env: {}, stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s), stdin: () => Buffer.alloc(0), isTTY: false });`;
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', driver], { cwd: tree, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as { summary: { files: number; skipped: number; resources: number }; findings: { file: string; message: string }[] };
      const about = (f: string) => out.findings.filter((x) => x.file === f).map((x) => x.message).join('\n');
      expect(about('unreadable.yaml')).toMatch(/permission denied/);
      expect(about('closed')).toMatch(/directory could not be read \(permission denied\)/);
      expect(out.summary).toMatchObject({ files: 3, skipped: 2, resources: 1 });
    } finally {
      chmodSync(path.join(tree, 'closed'), 0o755);
      rmSync(tree, { recursive: true, force: true });
    }
  });
});
