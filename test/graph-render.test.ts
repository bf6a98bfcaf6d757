// The egress map's pictures drawn by the real tools: the DOT form by Graphviz (`dot -Tsvg`, Debian's
// graphviz, installed by .ci/run) and the Mermaid form by the mermaid package (the renderer GitHub
// uses for Markdown) in headless Chromium. Each must draw without error, with one node per node and
// one edge per edge of the graph, on every example set and on the corpus.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';
import type { EgressMap } from '../src/graph/egress-map.js';
import { buildGraph } from '../src/graph/graph.js';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..');
const CORPUS = path.resolve(ROOT, '../shared/corpus');
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p)) ?? 'chromium';
const MERMAID = path.join(path.dirname(createRequire(import.meta.url).resolve('mermaid/package.json')), 'dist', 'mermaid.min.js');

const sets = [
  ...readdirSync(path.join(ROOT, 'examples'), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .flatMap((e) => [`examples/${e.name}/good`, `examples/${e.name}/broken`]),
  ...(existsSync(CORPUS) ? ['istio-io', 'istio-samples', 'gateway-api-ambient', '.'].map((d) => path.relative(ROOT, path.join(CORPUS, d)) || '.') : []),
].sort();

async function formats(dir: string): Promise<{ map: EgressMap; mermaid: string; dot: string }> {
  const json = await runCli(['graph', dir], ROOT);
  const mermaid = await runCli(['graph', dir, '--format', 'mermaid'], ROOT);
  const dot = await runCli(['graph', dir, '--format', 'dot'], ROOT);
  return { map: JSON.parse(json.stdout) as EgressMap, mermaid: mermaid.stdout, dot: dot.stdout };
}

describe.each(sets)('graph %s drawn by Graphviz', (dir) => {
  it('dot -Tsvg draws every node and edge', async () => {
    const { map, dot } = await formats(dir);
    const g = buildGraph(map);
    const child = execFile('dot', ['-Tsvg']);
    const out = new Promise<string>((resolve, reject) => {
      let svg = '';
      let err = '';
      child.stdout!.on('data', (d) => (svg += d));
      child.stderr!.on('data', (d) => (err += d));
      child.on('close', (code) => (code === 0 && err === '' ? resolve(svg) : reject(new Error(`dot exited ${code}: ${err}`))));
      child.on('error', reject);
    });
    child.stdin!.end(dot);
    const svg = await out;
    expect(svg.match(/<g id="node\d+" class="node">/g) ?? []).toHaveLength(g.nodes.length);
    expect(svg.match(/<g id="edge\d+" class="edge">/g) ?? []).toHaveLength(g.edges.length);
  });
});

describe('graph --format mermaid drawn by Mermaid in Chromium', () => {
  it('renders every example set and the corpus with one node and one edge per graph node and edge', async () => {
    const diagrams = await Promise.all(sets.map(async (dir) => ({ dir, ...(await formats(dir)) })));
    const page = `<!doctype html><html><body>
${diagrams.map((_, i) => `<div id="c${i}"></div>`).join('\n')}
<script src="file://${MERMAID}"></script>
<script>
var sources = ${JSON.stringify(diagrams.map((d) => d.mermaid)).replace(/</g, '\\u003c')};
mermaid.initialize({ startOnLoad: false });
(async function () {
  for (var i = 0; i < sources.length; i++) {
    var box = document.getElementById('c' + i);
    try {
      var r = await mermaid.render('d' + i, sources[i]);
      box.innerHTML = r.svg;
      box.setAttribute('data-nodes', box.querySelectorAll('g.node').length);
      box.setAttribute('data-edges', box.querySelectorAll('path.flowchart-link').length);
    } catch (e) {
      box.setAttribute('data-error', String((e && e.message) || e));
    }
  }
  document.body.setAttribute('data-done', 'yes');
})();
</script></body></html>`;
    const dir = mkdtempSync(path.join(tmpdir(), 'mel-mermaid-'));
    const file = path.join(dir, 'mermaid.html');
    writeFileSync(file, page);
    const { stdout } = await run(CHROMIUM, ['--headless', '--no-sandbox', '--disable-gpu', `--user-data-dir=${path.join(dir, 'profile')}`, '--allow-file-access-from-files', '--virtual-time-budget=60000', '--dump-dom', `file://${file}`], {
      maxBuffer: 256 * 1024 * 1024,
      timeout: 120_000,
    });
    expect(stdout).toContain('data-done="yes"');
    const results = diagrams.map((d, i) => {
      const m = new RegExp(`<div id="c${i}"([^>]*)>`).exec(stdout)!;
      const attr = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(m[1]!)?.[1];
      return { dir: d.dir, error: attr('data-error'), nodes: Number(attr('data-nodes')), edges: Number(attr('data-edges')) };
    });
    expect(results).toEqual(
      diagrams.map((d) => {
        const g = buildGraph(d.map);
        return { dir: d.dir, error: undefined, nodes: g.nodes.length, edges: g.edges.length };
      }),
    );
  }, 180_000);
});
