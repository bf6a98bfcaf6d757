// Locating a finding re-reads only the document it is in, once, however large the file: the work is
// counted as characters handed to the `yaml` package's lexer (not timed).
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import type * as Yaml from 'yaml';
import { lintYaml } from './helpers.js';

const { Lexer } = createRequire(import.meta.url)('yaml') as typeof Yaml;
const original = Lexer.prototype.lex;
let lexed = 0;
function countLexing() {
  lexed = 0;
  Lexer.prototype.lex = function* (source: string, incomplete?: boolean) {
    lexed += source.length;
    yield* original.call(this, source, incomplete);
  };
}
afterEach(() => {
  Lexer.prototype.lex = original;
});

// Documents without findings, in block or flow style (both read by the fast reader), or with an
// anchor, which sends the file to the full parser.
type Style = 'block' | 'flow' | 'anchor';
const configMap = (i: number, style: Style) =>
  style === 'block'
    ? `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  namespace: team\n  labels:\n    app: a${i}\ndata:\n  k: "v${i}"\n`
    : `apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w-${i}, namespace: team, labels: ${style === 'anchor' ? '&l ' : ''}{app: a${i}}}\nspec: {parts: [{name: x, size: ${i}}]}\n`;
// A TCP port without addresses and resolution NONE: one finding (service-entry-addresses-required).
const captureAll = (i: number) => `apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: db-${i}\n  namespace: team\nspec:\n  hosts: [db-${i}.example.com]\n  location: MESH_EXTERNAL\n  ports:\n  - number: ${5000 + i}\n    name: tcp\n    protocol: TCP\n  resolution: NONE\n`;

function file(n: number, withFinding: number[], style: Style): { text: string; lines: number[] } {
  const docs: string[] = [];
  const lines: number[] = [];
  let line = 1;
  for (let i = 0; i < n; i++) {
    const d = withFinding.includes(i) ? captureAll(i) : configMap(i, style);
    if (withFinding.includes(i)) lines.push(line + d.split('\n').findIndex((l) => l.startsWith('  - number')));
    docs.push(d);
    line += d.split('\n').length; // the document's lines and the `---` line
  }
  return { text: docs.join('---\n'), lines };
}

describe('locating findings', { timeout: 120_000 }, () => {
  it.each([
    ['block style (the fast reader: the yaml package is used only to locate)', 'block', false],
    ['nested flow style (the fast reader too)', 'flow', false],
    ['anchors (the full parser reads the file once, then only the located documents again)', 'anchor', true],
  ] as const)('in a file of 4,000 documents with 3 findings, %s', async (_, style, full) => {
    const { text, lines } = file(4000, [10, 2000, 3990], style);
    countLexing();
    const r = await lintYaml({ 'all.yaml': text });
    expect(r.findings.map((f) => `${f.ruleId}:${f.line}`)).toEqual(lines.map((l) => `service-entry-addresses-required:${l}`));
    const located = 3 * captureAll(3990).length;
    // Each located document once; the file itself at most once (when the full parser reads it).
    expect(lexed).toBeLessThanOrEqual((full ? text.length : 0) + located);
    expect(lexed).toBeGreaterThanOrEqual((full ? text.length : 0) + located * 0.9);
  });
});
