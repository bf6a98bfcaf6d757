import { describe, expect, it } from 'vitest';
import { parseFile } from '../src/load/parse.js';
import { discover } from '../src/load/discover.js';
import { tempTree } from './helpers.js';
import { symlinkSync, mkdirSync } from 'node:fs';
import path from 'node:path';

const file = { path: '/x/a.yaml', displayPath: 'a.yaml' };
const load = (text: string | Buffer) => parseFile(file, Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8'));

describe('positions', () => {
  const multi = [
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    '  name: one',
    '---',
    '# a comment',
    'apiVersion: networking.istio.io/v1',
    'kind: VirtualService',
    'metadata: {name: two}',
    'spec:',
    '  hosts:',
    '  - a.example.com',
    '  - "b.example.com"',
    '  tls:',
    '  - match:',
    '    - port: 443',
    '      sniHosts: [a.example.com]',
    '',
  ].join('\n');

  it('locates values and keys in the second document of a stream', () => {
    const f = load(multi);
    expect(f.documents).toHaveLength(2);
    const vs = f.documents[1]!;
    expect(vs.index).toBe(1);
    expect(vs.locate(['spec', 'hosts', 1])).toEqual({ line: 13, column: 5, endLine: 13, endColumn: 20 });
    expect(vs.locate(['spec', 'tls', 0, 'match', 0, 'sniHosts'], 'key')).toEqual({ line: 17, column: 7, endLine: 17, endColumn: 15 });
    expect(vs.locate(['spec', 'tls', 0, 'match', 0, 'port'])).toMatchObject({ line: 16, column: 13 });
    expect(vs.locate(['metadata', 'name'])).toMatchObject({ line: 9, column: 18 });
  });

  it('falls back to the deepest existing key for a missing field', () => {
    const vs = load(multi).documents[1]!;
    expect(vs.locate(['spec', 'tls', 0, 'route'])).toMatchObject({ line: 15 });
    expect(vs.locate(['spec', 'gateways'])).toMatchObject({ line: 10, column: 1 });
  });

  it('keeps each List item at its own position', () => {
    const f = load(
      ['apiVersion: v1', 'kind: List', 'items:', '- apiVersion: v1', '  kind: Service', '  metadata:', '    name: a', '- apiVersion: v1', '  kind: Endpoints', '  metadata:', '    name: b', ''].join(
        '\n',
      ),
    );
    expect(f.documents).toHaveLength(2);
    expect(f.documents[1]!.basePath).toEqual(['items', 1]);
    expect(f.documents[1]!.locate(['metadata', 'name'])).toMatchObject({ line: 11, column: 11 });
    expect(f.documents[0]!.locate(['kind'])).toMatchObject({ line: 5, column: 9 });
  });

  it('counts lines the same with CRLF endings', () => {
    const f = load(multi.replace(/\n/g, '\r\n'));
    expect(f.documents[1]!.locate(['spec', 'hosts', 1])).toMatchObject({ line: 13, column: 5 });
  });

  it('strips a UTF-8 byte order mark without shifting columns', () => {
    const f = load(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('apiVersion: v1\nkind: Service\nmetadata: {name: x}\n')]));
    expect(f.problems).toEqual([]);
    expect(f.documents[0]!.locate(['apiVersion'])).toMatchObject({ line: 1, column: 13 });
  });

  it('uses UTF-16 columns after non-ASCII text', () => {
    const f = load('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: "ü😀", namespace: x}\n');
    expect(f.documents[0]!.locate(['metadata', 'namespace'])).toMatchObject({ line: 3, column: 36 });
  });
});

describe('broken input', () => {
  it('reports a syntax error at the parser position and keeps the other documents', () => {
    const f = load('apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n---\nkey: [unclosed\n---\napiVersion: v1\nkind: Service\nmetadata: {name: c}\n');
    expect(f.documents.map((d) => (d.value as { metadata: { name: string } }).metadata.name)).toEqual(['a', 'c']);
    expect(f.problems).toHaveLength(1);
    expect(f.problems[0]).toMatchObject({ ruleId: 'yaml-syntax' });
    expect(f.problems[0]!.range.line).toBeGreaterThanOrEqual(6);
  });

  it('reports duplicate keys', () => {
    const f = load('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n');
    expect(f.problems[0]).toMatchObject({ ruleId: 'yaml-syntax', range: { line: 5 } });
  });

  it('skips invalid UTF-8 with the position of the first bad byte', () => {
    const f = load(Buffer.concat([Buffer.from('apiVersion: v1\nkind: "'), Buffer.from([0xc3, 0x28]), Buffer.from('"\n')]));
    expect(f.skipped).toBe('invalid UTF-8');
    expect(f.problems[0]).toMatchObject({ ruleId: 'yaml-syntax', range: { line: 2, column: 8 } });
  });

  it('skips binary files', () => {
    const f = load(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1]));
    expect(f.skipped).toMatch(/binary/);
    expect(f.problems[0]!.ruleId).toBe('not-a-manifest');
  });

  it('bounds alias expansion', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 8; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill('*' + String.fromCharCode(96 + i)).join(',')}]`);
    const f = load(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n${lines.map((l) => '  ' + l).join('\n')}\n`);
    expect(f.documents).toHaveLength(0);
    expect(f.problems[0]!.message).toMatch(/alias/);
  });

  it('reports non-manifest documents once per file and ignores empty documents', () => {
    const f = load('---\n---\nfoo: 1\n---\n- a\n---\nbar: 2\n');
    expect(f.documents).toHaveLength(0);
    expect(f.problems.filter((p) => p.ruleId === 'not-a-manifest')).toHaveLength(1);
    expect(f.documentCount).toBe(4);
  });

  it('recognises Helm templates', () => {
    const f = load('apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ include "x.fullname" . }}\n');
    expect(f.skipped).toBe('Helm template');
    expect(f.problems[0]).toMatchObject({ ruleId: 'not-a-manifest', range: { line: 4 } });
  });

  it('parses JSON files with positions', () => {
    const f = load('{\n  "apiVersion": "v1",\n  "kind": "Service",\n  "metadata": {"name": "j"}\n}\n');
    expect(f.documents[0]!.locate(['metadata', 'name'])).toMatchObject({ line: 4, column: 24 });
  });
});

describe('discovery', () => {
  it('walks directories for yaml, yml and json, skipping node_modules and .git, sorted', () => {
    const dir = tempTree({ 'b.yaml': '', 'a/c.yml': '', 'a/d.json': '', 'a/e.txt': '', 'node_modules/x.yaml': '', '.git/y.yaml': '' });
    const found = discover([dir], dir);
    expect(found.files.map((f) => path.relative(dir, f))).toEqual(['a/c.yml', 'a/d.json', 'b.yaml']);
  });

  it('lints a file given by name whatever its extension, reports missing paths, reads stdin', () => {
    const dir = tempTree({ 'manifest.txt': '' });
    const found = discover(['manifest.txt', 'missing.yaml', '-'], dir);
    expect(found.files).toHaveLength(1);
    expect(found.errors).toEqual([{ path: 'missing.yaml', message: 'no such file or directory' }]);
    expect(found.stdin).toBe(true);
  });

  it('does not follow a symbolic link loop', () => {
    const dir = tempTree({ 'a/x.yaml': '' });
    mkdirSync(path.join(dir, 'a', 'b'));
    symlinkSync(path.join(dir, 'a'), path.join(dir, 'a', 'b', 'loop'));
    const found = discover([dir], dir);
    expect(found.files.map((f) => path.relative(dir, f))).toEqual(['a/x.yaml']);
  });

  it('applies ignorePaths globs', () => {
    const dir = tempTree({ 'keep/a.yaml': '', 'vendor/b.yaml': '', 'flux-system/c.yaml': '' });
    const found = discover([dir], dir, ['vendor/**', 'flux-system/']);
    expect(found.files.map((f) => path.relative(dir, f))).toEqual(['keep/a.yaml']);
  });
});
