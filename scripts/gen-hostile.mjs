// Generates the hostile inputs that are too large to commit: files built to exhaust the reader
// (nesting 20,000 levels deep, alias chains, a 2 MB line, a 30 MB file, a file over the size limit,
// more tokens than the parser may hold) and a directory of tens of thousands of small files.
// test/hostile.test.ts checks what each one is linted to; `npm run bench` times them.
//   node scripts/gen-hostile.mjs DIR exhaustion|many-files [N]
import { closeSync, ftruncateSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const HEAD = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata:\n';
const JSON_HEAD = '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"deep"},"data":';
/** A ServiceEntry with one unknown field ("bogus", line 8 column 3 of the document). */
export const SE = (name) =>
  `apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: ${name}, namespace: default}\nspec:\n  hosts: [${name}.example.com]\n  ports: [{number: 443, name: tls, protocol: TLS}]\n  resolution: DNS\n  bogus: 1\n`;
/** One line of 1 MB with a finding on it. */
export const WIDE = `{"apiVersion": "networking.istio.io/v1", "kind": "ServiceEntry", "metadata": {"name": "wide", "namespace": "default", "annotations": {"pad": "${'p'.repeat(1_000_000)}"}}, "spec": {"hosts": ["wide.example.com"], "resolution": "DNS", "ports": [{"number": 80, "name": "http", "protocol": "HTTP"}], "bogus": 1}}\n`;
/** Lines of the block scalar of big-30mb.yaml (81 characters each). */
export const BIG_LINES = Math.ceil(30_000_000 / 81);
/** Nesting depth of the deep-* files. */
export const DEPTH = 20_000;

/**
 * Writes the exhaustion cases into `dir`; `limits` are the reader's (src/load/parse.ts MAX_INPUT_BYTES
 * and MAX_TOKENS): one file just over the size limit (sparse: nothing is written) and one with more
 * tokens than the limit. Returns the file names.
 */
export function writeExhaustionCases(dir, limits) {
  mkdirSync(dir, { recursive: true });
  const names = [];
  // Each file's ConfigMap gets its own name: the same object in every file would be duplicate-resource findings.
  const w = (name, text) => {
    writeFileSync(path.join(dir, name), text.replace('{name: deep}', `{name: ${name.replace(/\.\w+$/, '')}}`));
    names.push(name);
  };
  const N = DEPTH;
  w('deep-flow.yaml', `${HEAD}  x: ${'['.repeat(N)}${']'.repeat(N)}\n`);
  w('deep-json.json', `${JSON_HEAD}${'{"a":'.repeat(N)}1${'}'.repeat(N + 1)}\n`);
  w('deep-block.yaml', `${HEAD}  x:\n    ${'- '.repeat(N)}x\n`);
  let aliases = `${HEAD}  x0: &x0 ${'['.repeat(200)}${']'.repeat(200)}\n`;
  for (let i = 1; i <= 4; i++) aliases += `  x${i}: &x${i} ${'['.repeat(200)}*x${i - 1}${']'.repeat(200)}\n`;
  w('deep-alias.yaml', aliases);
  w('alias-linear.yaml', `${HEAD}  a: &a [${Array(20_000).fill('1').join(',')}]\n  b: [${Array(900).fill('*a').join(',')}]\n---\n${SE('after-linear')}`);
  // A 2 MB line, then a finding on the next lines; and a finding at column ~1,000,000 of one line.
  w('long-line.yaml', `${HEAD}  x: ${'y'.repeat(2_000_000)}\n---\n${SE('after-long-line')}`);
  w('long-line-finding.json', WIDE);
  // 30 MB: a ConfigMap holding a large block scalar, then one finding in a small document.
  w('big-30mb.yaml', `${HEAD}  big: |\n${`    ${'x'.repeat(76)}\n`.repeat(BIG_LINES)}---\n${SE('after-big')}`);
  // Over the size limit (sparse: nothing is written, and nothing may be read).
  const fd = openSync(path.join(dir, 'over-limit.yaml'), 'w');
  ftruncateSync(fd, limits.maxInputBytes + 1024);
  closeSync(fd);
  names.push('over-limit.yaml');
  // More lexical tokens in one document than the parser may hold in memory.
  w('too-many-tokens.yaml', `${HEAD}  x:\n${'  - 1\n'.repeat(Math.ceil(limits.maxTokens / 4))}`);
  return names;
}

/**
 * Writes `n` one-ConfigMap files into folders of 1,000 (d0/f0.yaml, …); file number `broken`
 * (if any) holds a syntax error instead. Returns the path of the broken file relative to `dir`.
 */
export function writeManySmallFiles(dir, n, broken) {
  mkdirSync(dir, { recursive: true });
  for (let d = 0; d * 1000 < n; d++) {
    const sub = path.join(dir, `d${d}`);
    mkdirSync(sub, { recursive: true });
    for (let i = 0; i < 1000 && d * 1000 + i < n; i++) {
      const k = d * 1000 + i;
      writeFileSync(path.join(sub, `f${k}.yaml`), k === broken ? 'kind: [broken\n' : `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c${k}, namespace: default}\ndata: {a: b}\n`);
    }
  }
  return broken === undefined ? undefined : `d${Math.floor(broken / 1000)}/f${broken}.yaml`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [dir, what, size] = process.argv.slice(2);
  if (!dir || (what !== 'exhaustion' && what !== 'many-files')) {
    console.error('usage: node scripts/gen-hostile.mjs DIR exhaustion|many-files [N]');
    process.exit(2);
  }
  const { MAX_INPUT_BYTES, MAX_TOKENS } = await import('../dist/load/parse.js');
  if (what === 'exhaustion') console.log(writeExhaustionCases(path.resolve(dir), { maxInputBytes: MAX_INPUT_BYTES, maxTokens: MAX_TOKENS }).join('\n'));
  else writeManySmallFiles(path.resolve(dir), Number(size ?? 50_000), undefined);
}
