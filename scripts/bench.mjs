// npm run bench [-- --sizes 1000,10000,100000 --runs 3]
// Generates synthetic trees and compares the full CLI with the bare read-and-parse floor.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { generateTree } from './gen-tree.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'mesh-egress-lint.js');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i === -1 ? dflt : args[i + 1];
};
const sizes = opt('--sizes', '1000,10000,100000').split(',').map(Number);
const runs = Number(opt('--runs', '3'));

if (!existsSync(path.join(root, 'dist', 'cli', 'main.js'))) {
  console.error('bench: build first (npm run build)');
  process.exit(2);
}

const work = mkdtempSync(path.join(tmpdir(), 'mel-bench-'));
const rssFile = path.join(work, 'rss');

function timed(argv) {
  rmSync(rssFile, { force: true });
  const t = performance.now();
  const r = spawnSync(process.execPath, ['--import', path.join(root, 'scripts', 'bench-rss.mjs'), ...argv], {
    encoding: 'utf8',
    env: { ...process.env, MEL_BENCH_RSS_FILE: rssFile },
    maxBuffer: 1 << 28,
  });
  const ms = performance.now() - t;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { ms, rss: existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8')) : NaN, stderr: r.stderr, stdout: r.stdout };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mib = (b) => `${(b / 1048576).toFixed(0)} MiB`;

function parseTiming(stderr) {
  const phases = {};
  for (const line of stderr.split('\n')) {
    const m = /^\s{2}(.+?)\s{2,}([\d.]+)\s/.exec(line);
    if (m) phases[m[1].trim()] = Number(m[2]);
  }
  return phases;
}

console.log(`mesh-egress-lint benchmark — node ${process.version}, ${runs} run(s) per size (median)\n`);
const rows = [];
for (const size of sizes) {
  const dir = path.join(work, `tree-${size}`);
  const gen = generateTree(dir, size);
  const n = size >= 100000 ? Math.min(runs, 2) : runs;
  const bare = [];
  const ownParse = [];
  const full = [];
  let timing = {};
  let findings = 0;
  for (let i = 0; i < n; i++) {
    bare.push(timed([path.join(root, 'scripts', 'bench-parse.mjs'), dir]));
    ownParse.push(timed([path.join(root, 'scripts', 'bench-parse.mjs'), dir, '--reader', 'own']));
    const f = timed([bin, dir, '--format', 'json', '--output', '/dev/null', '--timing', '--fail-on', 'never']);
    full.push(f);
    timing = parseTiming(f.stderr);
  }
  const counted = timed([bin, dir, '--format', 'json', '--fail-on', 'never']);
  findings = JSON.parse(counted.stdout).findings.length;
  const row = {
    size,
    resources: gen.resources,
    files: gen.files,
    findings,
    bareMs: median(bare.map((b) => b.ms)),
    ownMs: median(ownParse.map((b) => b.ms)),
    fullMs: median(full.map((f) => f.ms)),
    bareRss: median(bare.map((b) => b.rss)),
    fullRss: median(full.map((f) => f.rss)),
    timing,
  };
  row.ratio = row.fullMs / row.bareMs;
  rows.push(row);
  console.log(`${gen.resources} resources in ${gen.files} files (${findings} findings)`);
  console.log(`  read+parse floor : ${row.bareMs.toFixed(0)} ms, peak ${mib(row.bareRss)}`);
  console.log(`  own read+parse   : ${row.ownMs.toFixed(0)} ms (the fast reader, the yaml package for what it declines)`);
  console.log(`  full lint (json) : ${row.fullMs.toFixed(0)} ms, peak ${mib(row.fullRss)}   ratio ${row.ratio.toFixed(2)}× the floor, ${(row.fullMs / row.ownMs).toFixed(2)}× own read+parse`);
  const entries = Object.entries(timing).filter(([k]) => k !== 'total');
  const rules = entries.filter(([k]) => k.startsWith('rule ')).sort((a, b) => b[1] - a[1]);
  const phases = entries.filter(([k]) => !k.startsWith('rule '));
  console.log(`  phases (ms)      : ${phases.map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')}, rules ${rules.reduce((s, [, v]) => s + v, 0).toFixed(0)}`);
  // Every rule, slowest first: a rule that is quadratic stands out as the sizes grow.
  const items = rules.map(([k, v]) => `${k.slice(5)} ${v.toFixed(1)}`);
  const lines = [];
  for (const item of items) {
    if (lines.length === 0 || lines[lines.length - 1].length + item.length > 90) lines.push(item);
    else lines[lines.length - 1] += `, ${item}`;
  }
  lines.forEach((l, i) => console.log(`  ${i === 0 ? 'rules (ms)      ' : '                '} : ${l}`));
  console.log('');
  rmSync(dir, { recursive: true, force: true });
}

// One small file: the pre-commit case, node's own start-up included.
const small = path.join(root, 'examples', 'https-tls-route', 'good');
const smallTarget = existsSync(small) ? small : path.join(root, 'test', 'fixtures');
const one = [];
for (let i = 0; i < 10; i++) one.push(timed([bin, smallTarget, '--format', 'json', '--output', '/dev/null', '--fail-on', 'never']).ms);
const node = [];
for (let i = 0; i < 10; i++) node.push(timed(['-e', '0']).ms);
console.log(`small input (${path.relative(root, smallTarget)}): ${median(one).toFixed(0)} ms wall from process start (bare node start-up: ${median(node).toFixed(0)} ms)`);

const bySize = Object.fromEntries(rows.map((r) => [r.size, r]));
if (bySize[10000] && bySize[100000]) console.log(`100k/10k time ratio: ${(bySize[100000].fullMs / bySize[10000].fullMs).toFixed(2)}`);
rmSync(work, { recursive: true, force: true });
