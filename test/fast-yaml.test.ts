// The fast reader (src/load/fast-yaml.ts) against the full parser (the `yaml` package's syntax tree
// read as Kubernetes reads YAML, src/load/k8s-value.ts), which is the reference:
// wherever the fast reader accepts a text, the loader must give exactly what the full parser gives
// (values, document count and indexes, document ranges, and the position of every field, key and
// value). Checked on every YAML and JSON file of the repository and the shared corpus, on
// benchmark trees, and on generated and mutated texts. The tests also check that the fast reader
// does accept most of the realistic inputs, so that a reader that gave up on everything would fail.
//
//   MEL_FUZZ_RUNS=20000 npx vitest run test/fast-yaml.test.ts   # longer (default 300 per property)
//   MEL_FUZZ_SEED=123 …                                          # replay the seed a failure printed
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { readFastYaml } from '../src/load/fast-yaml.js';
import { kubernetesValue } from '../src/load/k8s-value.js';
import { composeAllDocuments, parseFile, type LoadedFile } from '../src/load/parse.js';
import type { FieldPath } from '../src/types.js';
// @ts-expect-error: a plain JavaScript module of the benchmark
import { generateTree } from '../scripts/gen-tree.mjs';

const RUNS = Number(process.env.MEL_FUZZ_RUNS ?? 300);
const SEED = process.env.MEL_FUZZ_SEED === undefined ? undefined : Number(process.env.MEL_FUZZ_SEED);
const ROOT = path.resolve(__dirname, '..');
const SHARED_CORPUS = path.resolve(ROOT, '..', 'shared', 'corpus');

/** Every field path of a value (keys and indexes), parents before children. */
function paths(value: unknown, prefix: FieldPath = [], out: FieldPath[] = []): FieldPath[] {
  if (out.length > 2000) return out;
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      out.push([...prefix, i]);
      paths(v, [...prefix, i], out);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push([...prefix, k]);
      paths(v, [...prefix, k], out);
    }
  }
  return out;
}

/** Everything the rest of the linter can observe of a loaded file, positions included. */
function observe(lf: LoadedFile): unknown {
  return {
    skipped: lf.skipped,
    documentCount: lf.documentCount,
    problems: lf.problems.map(({ ruleId, message, range }) => ({ ruleId, message, range })),
    documents: lf.documents.map((d) => {
      const ps = paths(d.value);
      return {
        index: d.index,
        value: d.value,
        basePath: d.basePath,
        range: d.range,
        root: d.locate([]),
        missing: d.locate(['no-such-field', 0]),
        keys: ps.map((p) => d.locate(p, 'key')),
        values: ps.map((p) => d.locate(p, 'value')),
      };
    }),
  };
}

const FILE = { path: '/x.yaml', displayPath: 'x.yaml' };

/** Checks one text; returns whether the fast reader took it. */
function agree(text: string): boolean {
  const fast = readFastYaml(text);
  if (fast) {
    // The reader's own claim, against the yaml package as the loader runs it (composeAllDocuments).
    // The values by the full parser's reading (the `yaml` package's syntax tree, scalars and keys as
    // Kubernetes reads them), which test/k8s-yaml.test.ts checks against Kubernetes' decoder.
    const docs = composeAllDocuments(text);
    const problems = docs.flatMap((d) => [...d.errors, ...d.warnings].map((e) => e.message));
    expect(problems, 'the fast reader accepted a text the yaml package reports').toEqual([]);
    expect(fast.length).toBe(docs.length);
    docs.forEach((d, i) => {
      const read = kubernetesValue(d, text, () => 0);
      expect(read.fatal, 'the fast reader accepted a document Kubernetes rejects').toBeUndefined();
      expect(read.problems, 'the fast reader accepted a document with findings').toEqual([]);
      const want = read.value;
      if (!isDeepStrictEqual(fast[i]!.value, want)) expect(fast[i]!.value).toStrictEqual(want);
      const contents = d.contents as { range?: [number, number, number] } | null;
      if (fast[i]!.value !== null) expect(fast[i]!.start).toBe(contents?.range?.[0]);
    });
  }
  const bytes = Buffer.from(text, 'utf8');
  const viaFast = observe(parseFile(FILE, bytes));
  const viaFull = observe(parseFile(FILE, bytes, { fast: false }));
  if (!isDeepStrictEqual(viaFast, viaFull)) expect(viaFast).toStrictEqual(viaFull);
  return fast !== undefined;
}

function yamlFilesUnder(dir: string, out: string[] = []): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names.sort()) {
    const p = path.join(dir, name);
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory() && name !== 'node_modules') yamlFilesUnder(p, out);
    else if (st.isFile() && /\.(ya?ml|json)$/.test(name) && st.size < 2_000_000) out.push(p);
  }
  return out;
}

describe('the fast reader agrees with the yaml package', () => {
  it('on every YAML and JSON file of the repository and the shared corpus', () => {
    const files = [...yamlFilesUnder(path.join(ROOT, 'test')), ...yamlFilesUnder(path.join(ROOT, 'examples')), ...yamlFilesUnder(SHARED_CORPUS)];
    expect(files.length).toBeGreaterThan(300);
    let taken = 0;
    for (const f of files) {
      const text = readFileSync(f, 'utf8').replace(/^\uFEFF/, '');
      try {
        if (agree(text)) taken++;
        agree(text.replace(/\r?\n/g, '\r\n')); // the same with CRLF line ends
      } catch (e) {
        throw new Error(`${path.relative(ROOT, f)}: ${(e as Error).message}`);
      }
    }
    // Hand-written fixtures use every YAML feature on purpose; still most are plain block YAML.
    expect(taken / files.length).toBeGreaterThan(0.6);
  });

  const work = mkdtempSync(path.join(tmpdir(), 'mel-fast-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('on a benchmark tree, taking every file', () => {
    generateTree(work, 1000);
    const files = yamlFilesUnder(work);
    expect(files.length).toBeGreaterThan(100);
    const skipped = files.filter((f) => !agree(readFileSync(f, 'utf8')));
    // The mesh ConfigMap holds its mesh config as a literal block; that is read here too.
    expect(skipped.map((f) => path.relative(work, f))).toEqual([]);
  });

  // ── generated texts ─────────────────────────────────────────────────────────────────────────

  // Values that are read the same by any YAML reader, and values that are not (indicators, numbers
  // in other notations, reserved words, special characters): mostly the first, so that many texts
  // stay valid and the comparison covers the fast reader's values, not only its refusals.
  const PLAIN = ['a', 'api.example.com', 'v1', 'Service', 'default', 'http', 'egress-gw', '443', 'x1', 'a b', 'http://x.example:80/y'];
  const TRICKY = [
    '', ' ', 'yes', 'no', 'on', 'true', 'True', 'TRUE', 'tRUE', 'false', 'null', 'Null', 'NULL', 'nULL', '~',
    '0', '-0', '+0', '7', '-12', '+12', '0o17', '0o8', '017', '0x1F', '0xg', '0x', '1e3', '1E-3', '.5', '-.5', '1.', '1.0', '1_000', '12345678901234567890',
    '.inf', '-.Inf', '+.INF', '.nan', '.NaN', 'NaN', 'a: b', 'a:b', 'a:', ':a', 'a #b', 'a#b', '#a', '- a', '-a', '--a', '---', '...', '? a', '?a',
    '[a]', 'a[0]', '{a}', 'a, b', 'a,b', '*a', '&a', '!a', '!!str a', '|', '>', '%a', '@a', '`a', "it's", 'say "hi"', 'back\\slash', 'tab\there',
    'nl\nx', 'two\n\nlines\n', ' lead', 'trail ', 'a  b', 'ünïcödé', '😀', '10.0.0.0/8', '__proto__', 'constructor',
    '\u0085', '\u2028', '\ufeff', '\u0007', 'x'.repeat(1030),
  ];
  const KEYS = ['apiVersion', 'kind', 'metadata', 'name', 'spec', 'hosts', 'a', 'b', 'a.b/c', 'a-b', 'a_b'];
  const TRICKY_KEYS = ['0', '80', 'true', 'null', '~', 'a b', 'a:b', 'k#', "q'", '"dq"', '-k', '? k', '<<', '__proto__', 'x'.repeat(1030), ''];
  const pick = (common: string[], rare: string[]) => fc.oneof({ weight: 25, arbitrary: fc.constantFrom(...common) }, { weight: 1, arbitrary: fc.constantFrom(...rare) });

  /** Writes a scalar in a random style; sometimes not valid YAML, which is the point. */
  const scalarText = fc.tuple(pick(PLAIN, TRICKY), fc.constantFrom('plain', 'plain', 'plain', 'single', 'double', 'json')).map(([s, style]) => {
    if (style === 'single') return `'${s.replace(/'/g, "''")}'`;
    if (style === 'double') return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
    if (style === 'json') return JSON.stringify(s);
    return s;
  });
  const keyText = fc.tuple(pick(KEYS, TRICKY_KEYS), fc.constantFrom('plain', 'plain', 'plain', 'plain', 'single', 'double')).map(([k, style]) =>
    style === 'single' ? `'${k}'` : style === 'double' ? JSON.stringify(k) : k,
  );
  const comment = pick(['', '', '', '', ' # c', '  # a: b', ' # - x'], ['#c', ' #c\t']);
  const space = pick([' ', ' ', ' ', '  '], ['', '\t']);

  type Block = (indent: number) => fc.Arbitrary<string>;
  const lines = (parts: string[]) => parts.join('');
  const pad = (n: number) => ' '.repeat(Math.max(0, n));

  const literal: Block = (indent) =>
    fc
      .tuple(fc.constantFrom('|', '|-', '|+', '>', '|2', '| # c', '|x'), fc.array(fc.constantFrom('text', '# not a comment', '', '  more', ' ', 'a: b', '- x'), { maxLength: 4 }), fc.constantFrom(1, 2, 0, -1))
      .map(([head, body, extra]) => `${head}\n${body.map((l) => (l === '' ? '' : pad(indent + extra) + l)).join('\n')}${body.length ? '\n' : ''}`);

  // Flow collections, nested, sometimes over several lines (a break after an opening bracket or a
  // comma, sometimes a comment before it, with an indentation that may be too small).
  const flowBreak = pick([' ', ' ', ' ', '', '\n    ', ' # c\n    ', '\n\n      '], ['\n', '\n ', '\n  ', '#c\n    ', '\n# c\n    ']);
  const flowText: fc.Arbitrary<string> = fc.letrec<{ flow: string }>((tie) => ({
    flow: fc
      .tuple(
        fc.constantFrom('[', '{'),
        fc.array(fc.tuple(keyText, fc.oneof({ weight: 3, arbitrary: scalarText }, { weight: 1, arbitrary: tie('flow') }), flowBreak), { maxLength: 3 }),
        fc.constantFrom('', ',', ' ', '\n    ', ',\n  '),
      )
      .map(([open, items, tail]) =>
        open === '['
          ? `[${items.map(([, v, b]) => `${b}${v}`).join(',')}${tail}]`
          : `{${items.map(([k, v, b]) => `${b}${k}: ${v}`).join(',')}${tail}}`,
      ),
  })).flow;

  const node = (indent: number, depth: number): fc.Arbitrary<string> => {
    const inline = fc.oneof(scalarText, scalarText, flowText).map((s) => ` ${s}`);
    if (depth <= 0) return fc.tuple(inline, comment).map(([s, c]) => `${s}${c}\n`);
    const child = fc.constantFrom(2, 2, 2, 4, 1, 3, 0);
    const mapping = fc.tuple(child, fc.array(fc.tuple(keyText, space), { minLength: 1, maxLength: 4 }), comment).chain(([step, keys, c]) =>
      fc.tuple(...keys.map(([k, sp]) => node(indent + step, depth - 1).map((v) => `${pad(indent + step)}${k}${sp.slice(1)}:${v}`))).map((entries) => `${c}\n${lines(entries)}`),
    );
    const sequence = fc.tuple(fc.constantFrom(0, 2, 2, 1), fc.array(fc.constant(0), { minLength: 1, maxLength: 3 })).chain(([step, items]) =>
      fc.tuple(...items.map(() => node(indent + step + 2, depth - 1).map((v) => `${pad(indent + step)}-${v}`))).map((entries) => `\n${lines(entries)}`),
    );
    const compact = fc.array(fc.tuple(keyText, fc.constant(0)), { minLength: 1, maxLength: 3 }).chain((keys) =>
      fc.tuple(...keys.map(([k]) => node(indent + 4, depth - 1))).map((vs) => `\n${vs.map((v, i) => `${pad(i === 0 ? indent + 2 : indent + 4)}${i === 0 ? '- ' : ''}${keys[i]![0]}:${v}`).join('')}`),
    );
    return fc.oneof(
      { weight: 3, arbitrary: fc.tuple(inline, comment).map(([s, c]) => `${s}${c}\n`) },
      { weight: 3, arbitrary: mapping },
      { weight: 2, arbitrary: sequence },
      { weight: 1, arbitrary: compact },
      { weight: 1, arbitrary: literal(indent).map((l) => ` ${l}`) },
    );
  };

  const documentText = fc.tuple(fc.constantFrom(0, 0, 0, 2), fc.array(fc.tuple(keyText, fc.integer({ min: 0, max: 3 })), { minLength: 1, maxLength: 4 }), fc.boolean()).chain(([base, keys, manifest]) =>
    fc
      .tuple(...keys.map(([, d]) => node(base, d)))
      .map((vals) => (manifest ? `${pad(base)}apiVersion: v1\n${pad(base)}kind: ConfigMap\n` : '') + vals.map((v, i) => `${pad(base)}${keys[i]![0]}:${v}`).join('')),
  );
  const streamText = fc
    .tuple(fc.array(documentText, { minLength: 1, maxLength: 3 }), pick(['---\n', '--- # c\n', '---\n\n# c\n', '---\n---\n'], ['--- x\n', '...\n---\n', '---\r\n', '---#\n']), fc.constantFrom('', '---\n', '# lead\n', '\n'), fc.constantFrom('', '\n', '# end\n', '---\n'))
    .chain(([docs, sep, lead, tail]) => fc.constantFrom('\n', '\n', '\r\n').map((nl) => (lead + docs.join(sep) + tail).replace(/\r?\n/g, nl)));

  /** Runs a property over texts; returns the share of the valid ones (by the yaml package) the fast reader took. */
  async function takenOfValid(texts: fc.Arbitrary<string>): Promise<number> {
    let taken = 0;
    let valid = 0;
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(texts, async (text) => {
        // Long runs let the test runner's own messages through now and then.
        if (++runs % 500 === 0) await new Promise((r) => setImmediate(r));
        if (agree(text)) taken++;
        if (parseAllDocuments(text).every((d) => d.errors.length === 0)) valid++;
      }),
      { numRuns: RUNS, seed: SEED },
    );
    return taken / Math.max(1, valid);
  }

  it('on generated YAML', async () => {
    // Valid texts with a rarely used feature (a `|+` block, a tab in a comment, a `true:` key) go
    // to the full parser, the rest must be read fast.
    expect(await takenOfValid(streamText)).toBeGreaterThan(0.4);
  });

  // Short scalars from an alphabet of the characters that decide a scalar's type and extent, in
  // every position (value, list item, flow item, key) and style.
  const ALPHABET = [...'0123456789.+-eExXoO_:#~ \'"\\ntfNTFaIiNn[]{},|>&*!%@`/'];
  const atomSource = fc.oneof(fc.array(fc.constantFrom(...ALPHABET), { maxLength: 7 }).map((cs) => cs.join('')), fc.constantFrom(...TRICKY));
  const atom = fc.tuple(atomSource, fc.constantFrom('plain', 'plain', 'plain', 'single', 'double')).map(([s, style]) => {
    if (style === 'single') return `'${s.replace(/'/g, "''")}'`;
    if (style === 'double') return JSON.stringify(s);
    return s;
  });
  const scalarsText = fc.oneof(
    fc.tuple(atom, atom).map(([v, item]) => `apiVersion: v1\nkind: ConfigMap\nvalue: ${v}\nlist:\n- ${item}\n- ${v} # c\n`),
    fc.tuple(atom, atom).map(([f, mv]) => `apiVersion: v1\nkind: ConfigMap\nflow: [${f}]\nmap: {m: ${mv}}\n`),
    atom.map((k) => `apiVersion: v1\nkind: ConfigMap\n${k}: x\n`),
  );

  it('on each listed scalar in every style and position', () => {
    const styles = (s: string) => [s, `'${s.replace(/'/g, "''")}'`, JSON.stringify(s), `"${s}"`];
    let taken = 0;
    for (const raw of [...TRICKY, ...PLAIN]) {
      for (const s of styles(raw)) {
        const texts = [
          `apiVersion: v1\nkind: ConfigMap\nvalue: ${s}\n`,
          `apiVersion: v1\nkind: ConfigMap\nlist:\n- ${s}\n- ${s} # c\n`,
          `apiVersion: v1\nkind: ConfigMap\nflow: [${s}, x]\nmap: {m: ${s}}\n`,
          `apiVersion: v1\nkind: ConfigMap\n${s}: x\n`,
          `apiVersion: v1\nkind: ConfigMap\nblock: |\n  ${s}\n`,
        ];
        for (const t of texts) if (agree(t)) taken++;
      }
    }
    expect(taken).toBeGreaterThan(500);
  });

  // Block scalars, indentation and document markers at their edges. [text, whether the fast reader
  // must take it]: valid texts in its subset must be read fast, errors and the rest must not be.
  const M = 'apiVersion: v1\nkind: ConfigMap\n';
  const EDGES: [string, boolean][] = [
    [`${M}a: |\n  x`, true],
    [`${M}a: |\n  x\n\n`, true],
    [`${M}a: |-\n  x\n\n  y\n\n`, true],
    [`${M}a: |\n\n  x\n`, true],
    [`${M}a: |\n  \n  x\n`, true],
    [`${M}a: |\n   \n  x\n`, false], // a leading empty line indented more than the content: an error
    [`${M}a: |\n  x\n   \n`, true],
    [`${M}a: |\n  x\n  # c\n# d\nb: 1`, true],
    [`${M}a: |\n`, true],
    [`${M}a: |\nb: 1`, true],
    [`${M}a: |\n     \nb: 1`, true],
    [`${M}a: |\n    x\n  y\n`, false],
    [`${M}a: |\n    x\n  # c\nb: 1\n`, true],
    [`${M}a: |+\n  x\n\n`, false],
    [`${M}a: >\n  x\n`, false],
    [`${M}l:\n- |\n  x\n- |\n x\n- y\n`, true],
    [`${M}a:\n  b: 1\n c: 2\n`, false],
    [`${M}a:\n  b: 1\n    c: 2\n`, false],
    [`${M}a: b\n  c\n`, true], // a multi-line plain scalar
    [`${M}a: b\n  c\n\n\n  d  \ne: 1\n`, true],
    [`${M}l:\n- foo\n  bar\n- baz\n  # c\n- - x: 1\n     y\n`, false],
    [`${M}l:\n- foo\n  bar\n- baz\n  # c\n- x: 1\n    y\n  z: 2\n`, true],
    [`${M}a: 1\n  2\n`, true],
    [`${M}a:\n  word\n  more\nl:\n-\n  foo\n  bar\n- \n x\n   y\nb:\n  x\n b\n`, true],
    [`${M}a:\n  |\n    x\nb:\n  "q"\nc:\n  {}\nd:\n  [x, y]\n`, true],
    [`${M}a:\n  [x, y]\n  z\n`, false],
    [`${M}a: b\n  c # x\n  d\n`, false],
    [`${M}a: b # x\n  c\n`, false],
    [`${M}a: b\n  - c\n`, false],
    [`${M}a: b\n  c: d\n`, false],
    [`${M}a: b\n # c\n  d\n`, false],
    [`${M}a: b\n  c\n---\n${M}`, true],
    [`${M}a: b\r\n  c\r\n\r\n  d\r\n`, true],
    [`${M}a: "b\n  c"\n`, false],
    [`${M}a:\n- 1\n- 2\nb:\n  - 3\n  -\n  - - 4\n`, false],
    [`${M}a:\n- 1\n-\n- x: 1\n  w:\n  - 2\n`, true],
    [`${M}a:\n- x: 1\n  y:\n  - 2\n`, false], // `y` is a YAML 1.1 boolean key ("true"): the full path reads it
    [`${M}a:\n  - x: 1\n    w: 2\n  - z\n`, true],
    [`${M}a:\n  - x: 1\n   y: 2\n`, false],
    [`---\n${M}---\n---\n# c\n${M}...\n`, false],
    [`# lead\n---\n${M}--- # c\n${M}---\n`, true],
    [`${M}--- x\n`, false],
    [`%YAML 1.2\n---\n${M}`, false],
    [`  ${M.replace('\nkind', '\n  kind')}`, true],
    [`${M}a: 1\na: 2\n`, false],
    [`${M}"a": 1\n'a': 2\n`, false],
    [`${M}a: {b: 1, b: 2}\n`, false],
    [`${M}__proto__: {}\n`, false],
    [`${M}a: &x 1\nb: *x\n`, false],
    [`${M}a: !!str 1\n`, false],
    [`${M}? a\n: b\n`, false],
    [`${M}a:\tb\n`, false],
    [`${M}a: 'x'#c\n`, false],
    [`${M}a: x#c\n`, true],
    [`${M}a: [a, b,]\n`, true],
    [`${M}a: [--x, $(A).b, a:b, http://x/y]\n`, true],
    // In a flow collection go-yaml reads `?` and a leading `:` as indicators (the yaml package reads text).
    [`${M}a: [?c]\n`, false],
    [`${M}a: [:d]\n`, false],
    [`${M}a: [http://x/y?q=1]\n`, false],
    [`${M}a: [a: b]\n`, false],
    [`${M}a: [a #b]\n`, false],
    [`${M}a: |\r\n  x\r\n\r\n  y\r\nb: 'c' # d\r\n---\r\n${M}`, true],
    [`${M}a: b\rc: d\n`, false],
    [`${M}a: [a, [b]]\n`, true],
    [`${M}a: {b: [1, {c: d e, f: []}], "g": {}, 'h': [[x]]}\n`, true],
    [`${M}a: [a,\n  b]\n`, true],
    [`${M}a: [\n  {p: 1, m: x},\n\n  # c\n  {p: 2}, # d\n  ]\nb: 1\n`, true],
    [`${M}a: [\n  x,\n  y\n  ]\n`, true],
    [`${M}a: [\n  x,\n  y,\n]\n`, true], // the closing bracket as indented as the key
    [`${M}a: [\n  [x,\n]]\n`, false], // an inner one: an error for the yaml package
    [`${M}a: [\n  x,\n# c\n  y]\n`, false],
    [`${M}l:\n  - b: [\n      x]\n    c: {\n    }\n`, true],
    [`${M}a: [x,\ny]\n`, false],
    [`${M}a: [x\n  y]\n`, false], // a plain scalar over two lines
    [`${M}a: ["x\n  y"]\n`, false],
    [`${M}a: {b:\n  c}\n`, false],
    [`${M}a: {b: c}\n  d\n`, false],
    [`${M}l:\n- [a,\n   b]\n- {c: [d,\n    e]}\n`, true],
    [`${M}a: [a, [b]\n`, false],
    [`${M}a: [a, {b: 1, b: 2}]\n`, false],
    [`${M}a: {b: 1}: 2\n`, false],
    [`${M}a: [a] # c\nb: {x: [1, 2]}\r\n`, true],
    [`${M}a: [[[[[[[[[[x]]]]]]]]]]\n`, true],
    [`${M}a: "\\u00e9\\x41\\/\\"\\\\"\n`, true],
    [`${M}a: "\\ud800"\n`, false],
    [`${M}a: "\\e"\n`, false],
    [`${M}${'k'.repeat(1100)}: 1\n`, false],
  ];

  it('on block scalars, indentation and markers at their edges', () => {
    for (const [text, fast] of EDGES) {
      try {
        expect(agree(text)).toBe(fast);
      } catch (e) {
        throw new Error(`${JSON.stringify(text)}: ${(e as Error).message}`);
      }
    }
  });

  it('on scalars of every shape', async () => {
    expect(await takenOfValid(scalarsText)).toBeGreaterThan(0.4);
  });

  // Any JSON value, written out by the yaml package itself in one of its styles.
  const stringified = fc
    .tuple(
      fc.dictionary(
        fc.oneof({ weight: 4, arbitrary: fc.stringMatching(/^[a-z][a-zA-Z0-9._/-]{0,8}$/) }, { weight: 1, arbitrary: fc.string({ maxLength: 6 }) }),
        fc.letrec((tie) => ({
          value: fc.oneof(
            { weight: 3, arbitrary: fc.oneof(fc.string({ maxLength: 12 }), fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.constantFrom(...PLAIN, ...TRICKY)) },
            { weight: 1, arbitrary: fc.array(tie('value'), { maxLength: 4 }) },
            { weight: 1, arbitrary: fc.dictionary(fc.stringMatching(/^[a-z][a-zA-Z0-9._/-]{0,8}$/), tie('value'), { maxKeys: 4 }) },
          ),
        })).value,
        { maxKeys: 6 },
      ),
      fc.record({ indent: fc.constantFrom(2, 4), indentSeq: fc.boolean(), lineWidth: fc.constantFrom(0, 20, 80), flowCollectionPadding: fc.boolean() }),
      fc.constantFrom('\n', '\r\n'),
    )
    .map(([value, options, nl]) => stringify({ apiVersion: 'v1', kind: 'ConfigMap', ...value }, options).replace(/\n/g, nl));

  it('on any value as the yaml package writes it', async () => {
    expect(await takenOfValid(stringified)).toBeGreaterThan(0.4);
  });

  // ── mutated real files ──────────────────────────────────────────────────────────────────────

  const seeds = [...yamlFilesUnder(path.join(ROOT, 'examples')), ...yamlFilesUnder(path.join(ROOT, 'test', 'fixtures'))]
    .map((f) => readFileSync(f, 'utf8'))
    .filter((t) => t.length < 20_000 && readFastYaml(t) !== undefined);
  const EDITS = [' ', '  ', '-', '- ', ':', ': ', '#', ' #', '"', "'", '\n', '|', '|-', '[', ']', '{', '}', ',', 'a', '0', '.', '&a ', '*a', '!', '%', '\t', '\r', '---\n', '\\', '~'];
  const mutated = fc
    .tuple(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), fc.constantFrom('insert', 'delete', 'indent', 'dedent', 'dupline'), fc.constantFrom(...EDITS)), { minLength: 1, maxLength: 3 }))
    .map(([text, edits]) => {
      let t = text;
      for (const [at, op, s] of edits) {
        const i = at % (t.length + 1);
        const ls = t.lastIndexOf('\n', i - 1) + 1;
        const le = t.indexOf('\n', i) === -1 ? t.length : t.indexOf('\n', i);
        if (op === 'insert') t = t.slice(0, i) + s + t.slice(i);
        else if (op === 'delete') t = t.slice(0, i) + t.slice(i + 1 + (at % 3));
        else if (op === 'indent') t = `${t.slice(0, ls)} ${t.slice(ls)}`;
        else if (op === 'dedent') t = t.slice(0, ls) + t.slice(ls).replace(/^ /, '');
        else t = t.slice(0, le) + '\n' + t.slice(ls, le) + t.slice(le);
      }
      return t;
    });

  it('on mutated fixture and example files', async () => {
    expect(seeds.length).toBeGreaterThan(50);
    expect(await takenOfValid(mutated)).toBeGreaterThan(0.4);
  });
});
