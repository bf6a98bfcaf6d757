// The benchmark's input shapes hold the same documents, and the benchmark prints a line for each
// shape and size (it is run here at a tiny size; the figures are not checked).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { generateShape, SHAPES } from '../scripts/gen-shapes.mjs';

function texts(p: string): string[] {
  if (statSync(p).isFile()) return [readFileSync(p, 'utf8')];
  return readdirSync(p, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .sort()
    .map((f) => readFileSync(f, 'utf8'));
}

function values(target: { paths?: string[]; stdin?: string }): unknown[] {
  const all = target.stdin ? [readFileSync(target.stdin, 'utf8')] : target.paths!.flatMap(texts);
  return all.flatMap((t) => parseAllDocuments(t).map((d) => d.toJS()));
}

const byRef = (vs: unknown[]) =>
  vs
    .map((v) => JSON.stringify(v))
    .sort();

describe('benchmark shapes', { timeout: 180_000 }, () => {
  it('tree, stream, flow and large hold the same documents, and flow is written in flow style', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'mel-shapes-'));
    const shapes = Object.fromEntries(SHAPES.map((s) => [s, generateShape(path.join(root, s), s, 400)]));
    expect(Object.keys(shapes)).toEqual(['tree', 'stream', 'flow', 'large']);
    const tree = byRef(values(shapes.tree!));
    expect(tree.length).toBeGreaterThan(350);
    for (const s of ['stream', 'flow', 'large']) expect(byRef(values(shapes[s]!))).toEqual(tree);
    expect(shapes.stream!.stdin).toBeDefined();
    const flow = texts(shapes.flow!.paths![0]!).join('');
    expect(flow).toMatch(/^spec: \{.*ports: \[\{/m);
    expect(readFileSync(shapes.stream!.stdin!, 'utf8')).toMatch(/^# Source: platform\/templates\/team-00000\/workloads\.yaml$/m);
  });

  it('npm run bench prints every shape and size, the corners and the small input', () => {
    const r = spawnSync(process.execPath, ['scripts/bench.mjs', '--quick', '--sizes', '300,700', '--corner-size', '200'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    for (const shape of SHAPES) {
      for (const size of ['3', '6']) expect(r.stdout).toMatch(new RegExp(`^${shape}: ${size}\\d\\d resources`, 'm'));
      expect(r.stdout).toMatch(new RegExp(`^\\| ${shape} \\| `, 'm'));
    }
    for (const label of ['js-yaml floor', 'own read\\+parse', 'full lint \\(json\\)']) expect(r.stdout.match(new RegExp(`^  ${label} +: \\d`, 'gm'))).toHaveLength(8);
    for (const corner of ['capture-cidrs', 'service-entries-one-host', 'gateways-one-host', 'virtual-services-one-host', 'sidecars-one-namespace']) expect(r.stdout).toMatch(new RegExp(`^  ${corner} 200: `, 'm'));
    expect(r.stdout).toMatch(/^small input .* ms wall from process start/m);
  });
});
