// npm run bench [-- --quick] [-- --sizes 10000,100000 --shapes tree,stream,flow,large --runs 3 --no-corners --corner-size N --no-yaml-floor]
// Generates each input shape (scripts/gen-shapes.mjs) at each size and prints, side by side, the
// js-yaml floor (js-yaml reading and parsing the same bytes in a fresh process), the `yaml` package
// floor, the linter's own read+parse, the full lint and peak memory; then the corners that once
// cost more than linear time (scripts/gen-corners.mjs), the hostile inputs (scripts/gen-hostile.mjs)
// and one small input from process start.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { generateCorner } from './gen-corners.mjs';
import { generateShape, SHAPES } from './gen-shapes.mjs';
import { writeExhaustionCases, writeManySmallFiles } from './gen-hostile.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'mesh-egress-lint.js');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i === -1 ? dflt : args[i + 1];
};
const sizes = opt('--sizes', quick ? '10000' : '10000,100000').split(',').map(Number);
const shapes = opt('--shapes', SHAPES.join(',')).split(',');
const runs = Number(opt('--runs', quick ? '1' : '3'));
const corners = !args.includes('--no-corners');
// The `yaml` package floor is the slowest measurement (no target depends on it): --no-yaml-floor leaves it out.
const yamlFloor = !args.includes('--no-yaml-floor');
// The corners at the sizes that once took minutes or ran out of memory (quick: a quarter).
// --corner-size N gives every corner size N.
const cornerSize = opt('--corner-size', undefined);
const CORNER_SIZES = Object.fromEntries(
  Object.entries({
    'capture-cidrs': quick ? 16000 : 64000,
    'service-entries-one-host': quick ? 4000 : 16000,
    'gateways-one-host': quick ? 4000 : 16000,
    'virtual-services-one-host': quick ? 4000 : 16000,
    'sidecars-one-namespace': quick ? 4000 : 16000,
  }).map(([k, v]) => [k, cornerSize ? Number(cornerSize) : v]),
);

if (!existsSync(path.join(root, 'dist', 'cli', 'main.js'))) {
  console.error('bench: build first (npm run build)');
  process.exit(2);
}
for (const s of shapes) {
  if (!SHAPES.includes(s)) {
    console.error(`bench: unknown shape ${s} (one of ${SHAPES.join(', ')})`);
    process.exit(2);
  }
}

const work = mkdtempSync(path.join(tmpdir(), 'mel-bench-'));
const rssFile = path.join(work, 'rss');
const reportFile = path.join(work, 'report.json');

/** Runs node with argv in a fresh process; `stdin` is a file whose bytes go to standard input. */
function timed(argv, stdin) {
  rmSync(rssFile, { force: true });
  const input = stdin ? readFileSync(stdin) : undefined;
  const t = performance.now();
  const r = spawnSync(process.execPath, ['--import', path.join(root, 'scripts', 'bench-rss.mjs'), ...argv], {
    encoding: 'utf8',
    env: { ...process.env, MEL_BENCH_RSS_FILE: rssFile },
    input,
    maxBuffer: 1 << 28,
  });
  const ms = performance.now() - t;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { ms, rss: existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8')) : NaN, stderr: r.stderr, stdout: r.stdout };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mib = (b) => `${(b / 1048576).toFixed(0)} MiB`;
const num = (n) => Math.round(n).toLocaleString('en-US');
const ms = (n) => `${num(n)} ms`;

function parseTiming(stderr) {
  const phases = {};
  for (const line of stderr.split('\n')) {
    const m = /^\s{2}(.+?)\s{2,}([\d.]+)\s/.exec(line);
    if (m) phases[m[1].trim()] = Number(m[2]);
  }
  return phases;
}

function printRules(timing) {
  const entries = Object.entries(timing).filter(([k]) => k !== 'total');
  const rules = entries.filter(([k]) => k.startsWith('rule ')).sort((a, b) => b[1] - a[1]);
  const phases = entries.filter(([k]) => !k.startsWith('rule '));
  console.log(`  phases (ms)       : ${phases.map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')}, rules ${rules.reduce((s, [, v]) => s + v, 0).toFixed(0)}`);
  // The slowest rules: a rule that grows faster than the input stands out as the sizes grow.
  console.log(`  slowest rules (ms): ${rules.slice(0, 6).map(([k, v]) => `${k.slice(5)} ${v.toFixed(0)}`).join(', ')}`);
}

const lintArgs = (target) => [bin, ...(target.stdin ? ['-'] : target.paths), '--format', 'json', '--output', reportFile, '--timing', '--fail-on', 'never'];
const floorArg = (target) => (target.stdin ? '-' : target.paths[0]);

console.log(`mesh-egress-lint benchmark — node ${process.version}, ${runs} run(s) per shape and size (median; at most 2 at 100k)${quick ? ', quick' : ''}\n`);
const rows = [];
for (const size of sizes) {
  for (const shape of shapes) {
    const dir = path.join(work, `${shape}-${size}`);
    const target = generateShape(dir, shape, size);
    const bytes = target.stdin ? statSync(target.stdin).size : target.paths.reduce((n, p) => n + du(p), 0);
    const n = size >= 100000 ? Math.min(runs, 2) : runs;
    const jsyaml = [];
    const yaml = [];
    const own = [];
    const full = [];
    let timing = {};
    for (let i = 0; i < n; i++) {
      jsyaml.push(timed([path.join(root, 'scripts', 'bench-jsyaml.mjs'), floorArg(target)], target.stdin));
      if (yamlFloor) yaml.push(timed([path.join(root, 'scripts', 'bench-parse.mjs'), floorArg(target)], target.stdin));
      own.push(timed([path.join(root, 'scripts', 'bench-parse.mjs'), floorArg(target), '--reader', 'own'], target.stdin));
      const f = timed(lintArgs(target), target.stdin);
      full.push(f);
      timing = parseTiming(f.stderr);
    }
    const report = JSON.parse(readFileSync(reportFile, 'utf8'));
    const findings = report.findings.length;
    // A skipped input (too large, for one) is linted in no time: say so rather than print a fast figure.
    const skipped = report.findings.filter((f) => f.ruleId === 'not-a-manifest' && /^Skipped|not linted/.test(f.message)).map((f) => f.message);
    const row = {
      shape,
      size,
      resources: target.resources,
      files: target.files,
      bytes,
      findings,
      jsyamlMs: median(jsyaml.map((b) => b.ms)),
      jsyamlRss: median(jsyaml.map((b) => b.rss)),
      yamlMs: yamlFloor ? median(yaml.map((b) => b.ms)) : NaN,
      ownMs: median(own.map((b) => b.ms)),
      fullMs: median(full.map((f) => f.ms)),
      fullRss: median(full.map((f) => f.rss)),
      timing,
    };
    row.linted = report.summary.resources;
    const notLinted = report.summary.skipped > 0 || row.linted < row.resources;
    const verdict = (met) => (notLinted ? 'n/a, input not linted' : met ? 'met' : 'not met');
    rows.push(row);
    const where = target.stdin ? 'one stream on standard input' : `${num(target.files)} file${target.files > 1 ? 's' : ''}`;
    console.log(`${shape}: ${num(row.resources)} resources in ${where} (${(bytes / 1048576).toFixed(1)} MB, ${num(findings)} findings)`);
    console.log(`  js-yaml floor     : ${ms(row.jsyamlMs)}, peak ${mib(row.jsyamlRss)}`);
    console.log(`  yaml floor        : ${yamlFloor ? ms(row.yamlMs) : 'not measured (--no-yaml-floor)'}`);
    console.log(`  own read+parse    : ${ms(row.ownMs)}   ${(row.ownMs / row.jsyamlMs).toFixed(2)}× js-yaml (target ≤ 2×: ${verdict(row.ownMs <= 2 * row.jsyamlMs)})`);
    const big = row.resources >= 100000 ? `   (target at 100k: < 5 s and < 1 GiB: ${verdict(row.fullMs < 5000 && row.fullRss < 1073741824)})` : '';
    console.log(`  full lint (json)  : ${ms(row.fullMs)}, peak ${mib(row.fullRss)}   ${(row.fullMs / row.jsyamlMs).toFixed(2)}× js-yaml${big}`);
    printRules(timing);
    if (notLinted) console.log(`  NOT LINTED        : ${num(report.summary.resources)} of ${num(row.resources)} resources linted, ${report.summary.skipped} input(s) skipped${skipped.length ? `: ${skipped[0]}` : ''}`);
    console.log('');
    rmSync(dir, { recursive: true, force: true });
  }
}

const cornerRows = [];
if (corners) {
  console.log('Corners (one file each; every finding names at most five parties and counts the rest)');
  for (const [name, n] of Object.entries(CORNER_SIZES)) {
    const dir = path.join(work, `corner-${name}`);
    rmSync(dir, { recursive: true, force: true });
    generateCorner(dir, name, n);
    const f = timed(lintArgs({ paths: [dir] }));
    const found = JSON.parse(readFileSync(reportFile, 'utf8')).findings;
    const longest = Math.max(0, ...found.map((x) => x.message.length));
    const timing = parseTiming(f.stderr);
    cornerRows.push({ name, n, ms: f.ms, rss: f.rss, findings: found.length, longest, timing });
    console.log(`  ${name} ${num(n)}: ${ms(f.ms)}, peak ${mib(f.rss)}, ${num(found.length)} findings, longest message ${num(longest)} characters`);
    const top = Object.entries(timing).filter(([k]) => k !== 'total').sort((a, b) => b[1] - a[1]).slice(0, 4);
    console.log(`    largest phases (ms): ${top.map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')}`);
    rmSync(dir, { recursive: true, force: true });
  }
  console.log('');
}

// The hostile inputs test/hostile.test.ts checks the findings of, timed here: the files built to
// exhaust the reader (deep nesting, alias chains, long lines, 30 MB, over the size limit, too many
// tokens) and a directory of more small files than a process may hold open.
if (corners) {
  const { MAX_INPUT_BYTES, MAX_TOKENS } = await import(path.join(root, 'dist', 'load', 'parse.js'));
  console.log('Hostile inputs (test/hostile.test.ts)');
  const hostile = [
    ['exhaustion cases', (dir) => writeExhaustionCases(dir, { maxInputBytes: MAX_INPUT_BYTES, maxTokens: MAX_TOKENS }).length],
    ['small files', (dir) => (writeManySmallFiles(dir, quick ? 10_000 : 50_000, undefined), quick ? 10_000 : 50_000)],
  ];
  for (const [name, write] of hostile) {
    const dir = path.join(work, `hostile-${name.replace(/ /g, '-')}`);
    const files = write(dir);
    const f = timed(lintArgs({ paths: [dir] }));
    const found = JSON.parse(readFileSync(reportFile, 'utf8'));
    cornerRows.push({ name: `hostile ${name}`, n: files, ms: f.ms, rss: f.rss, findings: found.findings.length, longest: Math.max(0, ...found.findings.map((x) => x.message.length)) });
    console.log(`  ${name}, ${num(files)} files: ${ms(f.ms)}, peak ${mib(f.rss)}, ${num(found.summary.files)} files linted, ${num(found.findings.length)} findings`);
    rmSync(dir, { recursive: true, force: true });
  }
  console.log('');
}

// One small file: the pre-commit case, node's own start-up included.
const small = path.join(root, 'examples', 'https-tls-route', 'good');
const smallTarget = existsSync(small) ? small : path.join(root, 'test', 'fixtures');
const times = quick ? 3 : 10;
const one = [];
for (let i = 0; i < times; i++) one.push(timed([bin, smallTarget, '--format', 'json', '--output', '/dev/null', '--fail-on', 'never']).ms);
const node = [];
for (let i = 0; i < times; i++) node.push(timed(['-e', '0']).ms);
console.log(`small input (${path.relative(root, smallTarget)}): ${median(one).toFixed(0)} ms wall from process start (target < 200 ms: ${median(one) < 200 ? 'met' : 'not met'}; bare node start-up: ${median(node).toFixed(0)} ms)`);

for (const shape of shapes) {
  const a = rows.find((r) => r.shape === shape && r.size === 10000);
  const b = rows.find((r) => r.shape === shape && r.size === 100000);
  if (a && b) console.log(`${shape}: 100k/10k full-lint time ratio ${(b.fullMs / a.fullMs).toFixed(2)}`);
}

// The same figures as a Markdown table (README "Performance").
console.log('\n| shape | resources (files) | js-yaml floor | own read + parse | full lint | full / js-yaml | peak memory | parse / model / rules / locate |');
console.log('|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  const t = r.timing;
  const rules = Object.entries(t).filter(([k]) => k.startsWith('rule ')).reduce((s, [, v]) => s + v, 0);
  console.log(`| ${r.shape} | ${num(r.resources)} (${num(r.files)})${r.linted < r.resources ? ` — skipped, ${num(r.linted)} linted` : ''} | ${ms(r.jsyamlMs)} | ${ms(r.ownMs)} | ${ms(r.fullMs)} | ${(r.fullMs / r.jsyamlMs).toFixed(2)}× | ${mib(r.fullRss)} | ${num(t.parse ?? 0)} / ${num(t.model ?? 0)} / ${num(rules)} / ${num(t.locate ?? 0)} ms |`);
}
if (cornerRows.length > 0) {
  console.log('\n| corner | size | full lint | peak memory | findings | longest message |');
  console.log('|---|---|---|---|---|---|');
  for (const c of cornerRows) console.log(`| ${c.name} | ${num(c.n)} | ${ms(c.ms)} | ${mib(c.rss)} | ${num(c.findings)} | ${num(c.longest)} chars |`);
}
rmSync(work, { recursive: true, force: true });

/** Bytes under a file or directory. */
function du(p) {
  const st = statSync(p);
  if (st.isFile()) return st.size;
  let n = 0;
  for (const e of readdirSyncRecursive(p)) n += statSync(e).size;
  return n;
}

function readdirSyncRecursive(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...readdirSyncRecursive(p));
    else out.push(p);
  }
  return out;
}
