// The fast reader on the benchmark's input shapes: every file of every shape is read by it (no
// shape falls back to the full parser), with the values the full parser gives, at any length of
// file; only a single document too long for the token budget goes to the full parser.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_TOKENS, parseFile, type LoadedFile } from '../src/load/parse.js';
import { generateShape, SHAPES } from '../scripts/gen-shapes.mjs';

const work = mkdtempSync(path.join(tmpdir(), 'mel-fast-shapes-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function filesOf(target: { paths?: string[]; stdin?: string }): string[] {
  if (target.stdin) return [target.stdin];
  return target.paths!.flatMap((p) =>
    statSync(p).isFile()
      ? [p]
      : readdirSync(p, { recursive: true, withFileTypes: true })
          .filter((e) => e.isFile())
          .map((e) => path.join(e.parentPath, e.name))
          .sort(),
  );
}

const values = (lf: LoadedFile) => ({ count: lf.documentCount, problems: lf.problems, docs: lf.documents.map((d) => [d.index, d.value, d.range]) });

function both(file: string): { fast: LoadedFile; full: LoadedFile } {
  const bytes = readFileSync(file);
  const f = { path: file, displayPath: path.basename(file) };
  return { fast: parseFile(f, bytes), full: parseFile(f, bytes, { fast: false }) };
}

describe('the fast reader on every benchmark shape', { timeout: 180_000 }, () => {
  it.each(SHAPES)('%s: every file read fast, with the full parser values and ranges', (shape) => {
    const target = generateShape(path.join(work, shape), shape, 600);
    const files = filesOf(target);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const { fast, full } = both(file);
      expect(fast.parser, file).toBe('fast');
      expect(full.parser).toBe('full');
      const [a, b] = [values(fast), values(full)];
      if (!isDeepStrictEqual(a, b)) expect(a).toStrictEqual(b);
    }
  });

  it('reads a file of any length fast, but sends a document too long for the token budget to the full parser', () => {
    const target = generateShape(path.join(work, 'large-long'), 'large', 5000);
    const file = target.paths![0]!;
    expect(statSync(file).size).toBeGreaterThan(MAX_TOKENS / 4); // longer than any one document may be
    const lf0 = parseFile({ path: file, displayPath: 'all.yaml' }, readFileSync(file));
    expect(lf0.parser).toBe('fast');
    expect(lf0.documents.length).toBe(target.resources);
    // One document of more than MAX_TOKENS / 4 characters (a long literal block: few tokens, so the
    // full parser reads it quickly).
    const long = path.join(work, 'long-document.yaml');
    const block = `    ${'x'.repeat(96)}\n`.repeat(Math.ceil(MAX_TOKENS / 4 / 100));
    const withBlock = (b: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: long\ndata:\n  text: |\n${b}`;
    writeFileSync(long, withBlock(block.slice(0, block.length / 2)));
    expect(both(long).fast.parser).toBe('fast');
    writeFileSync(long, withBlock(block));
    const lf = both(long).fast;
    expect(lf.parser).toBe('full');
    expect(lf.documents.map((d) => (d.value as { kind: string }).kind)).toEqual(['Namespace', 'ConfigMap']);
  });
});
