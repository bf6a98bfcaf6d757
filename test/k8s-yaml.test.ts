// The loader against Kubernetes' own YAML decoder: scripts/k8s-yaml (Go, gopkg.in/yaml.v2 and
// sigs.k8s.io/yaml, from the Debian packages golang-go and golang-k8s-sigs-yaml-dev) decodes every
// YAML file of the repository, the shared corpus and the edge cases in test/yaml11/ (YAML and JSON) to JSON, and
// each document the loader reads must have exactly that value; a document or file Kubernetes
// rejects must get a yaml-syntax finding, and one Kubernetes reads must get none. Both readers (the
// fast reader and the `yaml` package path) are checked. Skipped only when `go` is not installed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parseFile } from '../src/load/parse.js';

const ROOT = path.resolve(__dirname, '..');
const SHARED_CORPUS = path.resolve(ROOT, '..', 'shared', 'corpus');
const HAS_GO = spawnSync('go', ['version'], { encoding: 'utf8' }).status === 0;

interface GoDoc {
  line: number;
  json?: unknown;
  error?: string;
  empty?: boolean;
  duplicate?: string;
}
interface GoFile {
  file: string;
  docs: GoDoc[];
  streamError?: string;
}

/** The first path where two JSON values differ, with both values there; undefined when equal. */
function firstDifference(a: unknown, b: unknown, at = ''): string | undefined {
  if (isDeepStrictEqual(a, b)) return undefined;
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const k of keys) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`);
      if (d) return d;
    }
  }
  const show = (v: unknown) => (Object.is(v, -0) ? '-0' : JSON.stringify(v)?.slice(0, 200));
  return `at ${at || '(root)'} the loader reads ${show(a)}, Kubernetes ${show(b)}`;
}

function yamlFilesUnder(dir: string, out: string[] = []): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names.sort()) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const p = path.join(dir, name);
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory()) yamlFilesUnder(p, out);
    else if (st.isFile() && /\.ya?ml$/.test(name) && st.size < 2_000_000) out.push(p);
  }
  return out;
}

if (!HAS_GO) {
  describe('the loader reads YAML as Kubernetes does', () => {
    it.skip('skipped: `go` is not installed (apt-get install golang-go golang-k8s-sigs-yaml-dev; .ci/run does this as root)', () => {});
  });
} else {
  describe('the loader reads YAML as Kubernetes does', () => {
    const work = mkdtempSync(path.join(tmpdir(), 'mel-k8s-yaml-'));
    afterAll(() => rmSync(work, { recursive: true, force: true }));

    function decodeWithGo(files: string[]): Map<string, GoFile> {
      const bin = path.join(work, 'k8s-yaml');
      const build = spawnSync('go', ['build', '-o', bin, './scripts/k8s-yaml'], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, GO111MODULE: 'off', GOPATH: '/usr/share/gocode', GOFLAGS: '', GOCACHE: path.join(work, 'cache') },
      });
      if (build.status !== 0) throw new Error(`go build ./scripts/k8s-yaml failed (are golang-k8s-sigs-yaml-dev's sources in /usr/share/gocode?): ${build.stderr}`);
      const out = new Map<string, GoFile>();
      for (let i = 0; i < files.length; i += 400) {
        const run = spawnSync(bin, files.slice(i, i + 400), { encoding: 'utf8', maxBuffer: 1 << 28 });
        if (run.status !== 0) throw new Error(`k8s-yaml failed: ${run.stderr}`);
        for (const line of run.stdout.split('\n')) {
          if (!line) continue;
          const r = JSON.parse(line) as GoFile;
          out.set(r.file, r);
        }
      }
      return out;
    }

    /** The differences between the loader and Kubernetes on one file, as sentences. */
    function differences(file: string, go: GoFile, fast: boolean): string[] {
      const lf = parseFile({ path: file, displayPath: path.relative(ROOT, file) }, readFileSync(file), { fast });
      const diffs: string[] = [];
      // go-yaml's strict mode also counts a key that overrides one merged in by `<<` as set twice; the
      // loader reports only keys written twice (see k8s-value.ts), so documents with merge keys are
      // compared by value only.
      const text = readFileSync(file, 'latin1');
      const duplicate = /(?:^|[\s{,])<<\s*:/.test(text) ? undefined : go.docs.find((d) => d.duplicate)?.duplicate;
      const rejects = go.streamError ?? go.docs.find((d) => d.error)?.error ?? duplicate;
      const ours = lf.problems.filter((p) => p.ruleId === 'yaml-syntax');
      // A file skipped whole (binary, a Helm template) is not read as a manifest at all: Kubernetes may reject it.
      if (rejects && ours.length === 0 && !lf.skipped) diffs.push(`Kubernetes rejects it (${rejects.split('\n').join(' ')}), the loader reports nothing`);
      if (!rejects && ours.length > 0) diffs.push(`Kubernetes reads it, the loader reports ${ours[0]!.message} at ${ours[0]!.range.line}:${ours[0]!.range.column}`);
      for (const d of lf.documents) {
        // The document kubectl cuts out around the line the loader's document starts on.
        const line = d.range.line;
        let g: GoDoc | undefined;
        for (const doc of go.docs) if (doc.line <= line) g = doc;
        if (!g || g.json === undefined) {
          if (!rejects) diffs.push(`document ${d.index + 1} (line ${line}): Kubernetes has no value for it`);
          continue;
        }
        let want = g.json;
        for (const seg of d.basePath) want = (want as Record<string | number, unknown> | undefined)?.[seg];
        const diff = firstDifference(d.value, want);
        if (diff) diffs.push(`document ${d.index + 1}${d.basePath.length ? ` ${d.basePath.join('.')}` : ''}: ${diff}`);
      }
      return diffs;
    }

    it('on every YAML file of the repository, the shared corpus and test/yaml11/, with both readers', () => {
      // JSON edge cases too (kubectl decodes a stream starting with `{` with encoding/json).
      const jsonCases = readdirSync(path.join(ROOT, 'test', 'yaml11')).filter((n) => n.endsWith('.json')).map((n) => path.join(ROOT, 'test', 'yaml11', n));
      const files = [...yamlFilesUnder(ROOT), ...yamlFilesUnder(SHARED_CORPUS), ...jsonCases];
      expect(files.length).toBeGreaterThan(300);
      expect(files.filter((f) => f.includes(`${path.sep}yaml11${path.sep}`)).length).toBeGreaterThan(10);
      const go = decodeWithGo(files);
      const found: string[] = [];
      let compared = 0;
      for (const f of files) {
        const g = go.get(f);
        if (!g) throw new Error(`k8s-yaml gave nothing for ${f}`);
        for (const fast of [true, false]) {
          for (const d of differences(f, g, fast)) found.push(`${path.relative(ROOT, f)} (${fast ? 'fast reader first' : 'yaml package'}): ${d}`);
        }
        compared += g.docs.filter((d) => d.json !== undefined).length;
      }
      expect(compared).toBeGreaterThan(500);
      expect(found).toEqual([]);
    });
  });
}
