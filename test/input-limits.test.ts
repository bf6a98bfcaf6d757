// Size limits on an input: one input (a file or standard input, e.g. `helm template` of a whole
// platform) may be far larger than one document may be. A document over MAX_DOCUMENT_BYTES gets a
// not-a-manifest finding at its first line, and every other document is linted, at its own lines.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_DOCUMENT_BYTES, MAX_INPUT_BYTES, parseFile } from '../src/load/parse.js';

const BIN = path.join(__dirname, '..', 'bin', 'mesh-egress-lint.js');
const built = existsSync(path.join(__dirname, '..', 'dist', 'cli', 'main.js'));

const SE = (name: string) =>
  `apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: ${name}, namespace: default}\nspec:\n  hosts: [${name}.example.com]\n  ports: [{number: 443, name: tls, protocol: TLS}]\n  resolution: DNS\n  bogus: 1\n`;
/** A ConfigMap of about `bytes` bytes (a literal block of 100-byte lines). */
const configMap = (name: string, bytes: number) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: default}\ndata:\n  big: |\n${`    ${'x'.repeat(95)}\n`.repeat(Math.ceil(bytes / 100))}`;
const lines = (text: string) => text.split('\n').length - 1;

interface JsonFinding {
  ruleId: string;
  file: string;
  line: number;
  column: number;
  message: string;
}

function lintStdin(input: string): { findings: JsonFinding[]; resources: number } {
  const r = spawnSync(process.execPath, [BIN, '-', '--format', 'json', '--fail-on', 'never'], { input, encoding: 'utf8', timeout: 120_000, maxBuffer: 1 << 26 });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const report = JSON.parse(r.stdout) as { findings: JsonFinding[]; summary: { resources: number } };
  return { findings: report.findings, resources: report.summary.resources };
}

describe('input and document size limits', { timeout: 180_000 }, () => {
  it('one input may be much larger than one document', () => {
    expect(MAX_INPUT_BYTES).toBeGreaterThanOrEqual(8 * MAX_DOCUMENT_BYTES);
  });

  it('a document over the limit is reported at its first line; the documents around it are read, at their own lines', () => {
    const head = `---\n# Source: chart/templates/a.yaml\n${SE('before')}---\n# Source: chart/templates/big.yaml\n`;
    const big = configMap('big', MAX_DOCUMENT_BYTES + 1024 * 1024);
    const text = `${head}${big}---\n${SE('after')}`;
    const lf = parseFile({ path: '<stdin>', displayPath: '<stdin>' }, Buffer.from(text));
    const bigLine = lines(head) + 1;
    expect(lf.problems).toEqual([
      {
        ruleId: 'not-a-manifest',
        message: `Skipped the document at line ${bigLine}: it is 33.0 MiB, over the 32 MiB limit for one document (split it); the other documents were linted.`,
        range: { line: bigLine, column: 1, endLine: bigLine, endColumn: 1 },
      },
    ]);
    expect(lf.documents.map((d) => (d.value as { metadata: { name: string } }).metadata.name)).toEqual(['before', 'after']);
    const after = lf.documents[1]!;
    expect(after.locate(['spec', 'bogus'], 'key').line).toBe(lines(head) + lines(big) + 2 + 7);
    // The text kept for suppression comments and locating has the same lines.
    expect(lines(lf.text!)).toBe(lines(text));
    expect(lf.text!.length).toBeLessThan(text.length / 50);
    // Just under the limit, the same document is read.
    const under = parseFile({ path: 'x', displayPath: 'x' }, Buffer.from(`${head}${configMap('big', MAX_DOCUMENT_BYTES - 1024 * 1024)}---\n${SE('after')}`));
    expect(under.problems).toEqual([]);
    expect(under.documents).toHaveLength(3);
  });

  it.skipIf(!built)('a stream on standard input larger than one document may be is linted whole', () => {
    // 34 MiB in 34 documents (helm template of a large chart), then a finding in the last one.
    const docs = Array.from({ length: 34 }, (_, i) => `---\n# Source: chart/templates/cm-${i}.yaml\n${configMap(`cm-${i}`, 1024 * 1024)}`);
    const lead = docs.join('');
    const input = `${lead}---\n# Source: chart/templates/se.yaml\n${SE('last')}`;
    expect(input.length).toBeGreaterThan(MAX_DOCUMENT_BYTES);
    const { findings, resources } = lintStdin(input);
    expect(resources).toBe(35);
    expect(findings.filter((f) => f.ruleId === 'not-a-manifest')).toEqual([]);
    const bogus = findings.filter((f) => f.ruleId === 'schema-violation');
    expect(bogus).toHaveLength(1);
    expect(bogus[0]!.message).toMatch(/bogus/);
  });

  it.skipIf(!built)('a document over the limit on standard input: one finding naming the position, the rest linted', () => {
    const head = `---\n${SE('first')}---\n`;
    const input = `${head}${configMap('big', MAX_DOCUMENT_BYTES + 1024 * 1024)}---\n${SE('second')}`;
    const { findings, resources } = lintStdin(input);
    expect(resources).toBe(2);
    const skipped = findings.filter((f) => f.ruleId === 'not-a-manifest');
    expect(skipped.map((f) => [f.file, f.line, f.column])).toEqual([['<stdin>', lines(head) + 1, 1]]);
    expect(skipped[0]!.message).toMatch(/^Skipped the document at line \d+: it is 33\.0 MiB, over the 32 MiB limit for one document/);
    expect(findings.filter((f) => f.ruleId === 'schema-violation')).toHaveLength(2);
  });
});
