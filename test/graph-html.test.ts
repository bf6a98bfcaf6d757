// The egress map's HTML page in a real browser: Debian's headless Chromium (installed by .ci/run)
// loads each page from a file and dumps the DOM after the page's script has run. Checked: the page
// renders its inline SVG with one element per node and edge of the graph, names no outside
// resource, shows broken routes in red with their findings and file:line, and its filter (by
// namespace and host, from the fragment and from the form controls) hides the other routes.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli, tempTree } from './helpers.js';
import type { EgressMap } from '../src/graph/egress-map.js';
import { buildGraph } from '../src/graph/graph.js';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..');
const CORPUS = path.resolve(ROOT, '../shared/corpus');
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p)) ?? 'chromium';

/** The DOM of a page after load, as headless Chromium serialises it. */
async function dumpDom(file: string, fragment = ''): Promise<Document> {
  const profile = mkdtempSync(path.join(tmpdir(), 'mel-chromium-'));
  const { stdout } = await run(CHROMIUM, ['--headless', '--no-sandbox', '--disable-gpu', `--user-data-dir=${profile}`, '--dump-dom', `file://${file}${fragment}`], { maxBuffer: 64 * 1024 * 1024, timeout: 60_000 });
  return parse(stdout);
}

/** A tiny DOM over the dumped markup, enough for the checks (the page's own markup, well formed). */
interface Element {
  tag: string;
  attrs: Record<string, string>;
  text: string;
}
interface Document {
  html: string;
  all(tag: string, cls?: string): Element[];
  byId(id: string): Element | undefined;
}

function decode(s: string): string {
  return s.replace(/&(lt|gt|quot|amp|#(\d+));/g, (_, name: string, code?: string) => (code ? String.fromCharCode(Number(code)) : { lt: '<', gt: '>', quot: '"', amp: '&' }[name]!));
}

function parse(html: string): Document {
  const elements: Element[] = [];
  const re = /<([a-z]+)((?:\s+[a-z-]+(?:="[^"]*")?)*)\s*\/?>/gi;
  for (const m of html.matchAll(re)) {
    const attrs: Record<string, string> = {};
    for (const a of m[2]!.matchAll(/([a-z-]+)(?:="([^"]*)")?/gi)) attrs[a[1]!] = decode(a[2] ?? '');
    const tag = m[1]!.toLowerCase();
    const close = html.indexOf(`</${tag}>`, m.index! + m[0].length);
    const text = close === -1 ? '' : html.slice(m.index! + m[0].length, close).replace(/<[^>]+>/g, '');
    elements.push({ tag, attrs, text });
  }
  return {
    html,
    all: (tag, cls) => elements.filter((e) => e.tag === tag && (cls === undefined || (e.attrs.class ?? '').split(/\s+/).includes(cls))),
    byId: (id) => elements.find((e) => e.attrs.id === id),
  };
}

async function page(dir: string): Promise<{ file: string; map: EgressMap }> {
  const out = mkdtempSync(path.join(tmpdir(), 'mel-html-'));
  const file = path.join(out, 'map.html');
  const html = await runCli(['graph', dir, '--format', 'html', '--output', file], ROOT);
  expect(html).toMatchObject({ code: 0, stderr: '' });
  const json = await runCli(['graph', dir, '--format', 'json'], ROOT);
  return { file, map: JSON.parse(json.stdout) as EgressMap };
}

const sets = [
  ...readdirSync(path.join(ROOT, 'examples'), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .flatMap((e) => [`examples/${e.name}/good`, `examples/${e.name}/broken`]),
  ...(existsSync(CORPUS) ? ['istio-io', 'istio-samples', 'gateway-api-ambient'].map((d) => path.relative(ROOT, path.join(CORPUS, d))) : []),
].sort();

describe.each(sets)('graph --format html %s in Chromium', (dir) => {
  it('renders the SVG with every node and edge, broken routes red with their findings', async () => {
    const { file, map } = await page(dir);
    const source = readFileSync(file, 'utf8');
    // Nothing from outside: no src or href, no CSS url() or @import, a CSP that forbids any load.
    expect(source).not.toMatch(/\s(src|href)=/i);
    expect(source).not.toMatch(/url\((?!#)|@import/i);
    expect(source).toContain(`content="default-src 'none';`);
    const dom = await dumpDom(file);
    const g = buildGraph(map);
    expect(dom.all('svg').filter((s) => s.attrs.id === 'map')).toHaveLength(1);
    const nodes = dom.all('g', 'node');
    expect(nodes.map((n) => n.attrs['data-label']).sort()).toEqual(g.nodes.map((n) => n.label).sort());
    expect(dom.all('g', 'edge')).toHaveLength(g.edges.length);
    for (const e of dom.all('g', 'edge')) expect(e.attrs['data-outcome']).toMatch(/^(allowed|blocked|passthrough|broken)$/);
    // Every route is a row; a broken one is red and lists its findings with file:line.
    expect(dom.all('tr', 'route')).toHaveLength(map.routes.length);
    expect(dom.byId('count')!.text).toBe(`${map.routes.length} of ${map.routes.length} routes`);
    const brokenRows = dom.all('tr', 'broken');
    expect(brokenRows).toHaveLength(map.routes.filter((r) => r.outcome === 'broken').length);
    expect(dom.html).toMatch(/tr\.broken td \{ background: #ffe8e8; \}/);
    for (const r of map.routes.filter((x) => x.outcome === 'broken' && x.findings.length > 0)) {
      const f = map.findings.find((x) => x.id === r.findings[0])!;
      expect(dom.html).toContain(`<span class="where">${f.file}:${f.line}</span>`);
    }
    for (const e of dom.all('g', 'edge').filter((x) => x.attrs['data-outcome'] === 'broken')) expect(e.attrs.class).toContain('broken');
    // Each namespace group once, with its workloads' file:line.
    expect(dom.all('tr', 'group')).toHaveLength(map.groups.length);
    for (const g of map.groups) for (const c of g.clients) expect(dom.html).toContain(`<span class="where">${c.file}:${c.line}</span>`);
  }, 90_000);
});

describe('the HTML filter in Chromium', () => {
  const dir = 'examples/egress-gateway-per-upstream/broken';

  it('a #ns= fragment keeps that namespace\'s routes, its groups and the mesh-wide groups it has workloads in', async () => {
    const deployment = (ns: string, name: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${name}, namespace: ${ns}}\nspec:\n  selector: {matchLabels: {app: ${name}}}\n  template:\n    metadata: {labels: {app: ${name}}}\n    spec:\n      containers: [{name: c, image: curl}]\n`;
    const input = tempTree({
      'apps.yaml': `${deployment('apps', 'a')}---\n${deployment('apps', 'b')}`,
      'web.yaml': deployment('web', 'c'),
      'sidecar.yaml': 'apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata: {name: default, namespace: web}\nspec:\n  egress: [{hosts: ["./*", "shared/*"]}]\n',
      'se.yaml': 'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: api, namespace: shared}\nspec:\n  hosts: [api.example.com]\n  ports: [{number: 443, name: https, protocol: HTTPS}]\n  resolution: DNS\n',
    });
    const { file, map } = await page(input);
    expect(map.routes.map((r) => r.id)).toEqual(['*/Namespace/*->api.example.com:443', 'web/Namespace/web->api.example.com:443']);
    const shown = async (ns: string) => {
      const dom = await dumpDom(file, `#ns=${ns}`);
      return {
        count: dom.byId('count')!.text,
        groups: dom.all('tr', 'group').map((g) => `${g.attrs['data-namespace']} ${'hidden' in g.attrs ? 'hidden' : 'shown'}`),
        nodes: dom.all('g', 'node').filter((n) => !(n.attrs.class ?? '').includes('dimmed')).map((n) => n.attrs['data-label']).sort(),
      };
    };
    expect(await shown('web')).toEqual({ count: '1 of 2 routes', groups: ['* hidden', 'web shown'], nodes: ['api.example.com', 'namespace group web'] });
    expect(await shown('apps')).toEqual({ count: '1 of 2 routes', groups: ['* shown', 'web hidden'], nodes: ['api.example.com', 'mesh-wide group *'] });
  }, 90_000);

  it('a #host= fragment keeps only the matching routes and dims the rest of the graph', async () => {
    const { file, map } = await page(dir);
    const dom = await dumpDom(file, '#host=unregistered');
    const matching = map.routes.filter((r) => r.host.includes('unregistered'));
    expect(matching).toHaveLength(1);
    expect(dom.byId('count')!.text).toBe(`1 of ${map.routes.length} routes`);
    const shown = dom.all('tr', 'route').filter((r) => !('hidden' in r.attrs));
    expect(shown.map((r) => r.attrs['data-id'])).toEqual([matching[0]!.id]);
    // The client and the unregistered host stay; the gateway and the other hosts are dimmed.
    const bright = dom.all('g', 'node').filter((n) => !(n.attrs.class ?? '').includes('dimmed')).map((n) => n.attrs['data-label']);
    expect(bright.sort()).toEqual(['Deployment apps/reporter', 'api.unregistered.example']);
    expect(dom.all('g', 'edge').filter((e) => !(e.attrs.class ?? '').includes('dimmed'))).toHaveLength(1);
  }, 90_000);

  it('the namespace select and the host field filter as the user types', async () => {
    const { file, map } = await page(dir);
    const html = readFileSync(file, 'utf8');
    // Drives the form controls the way a user does (value, then the event the page listens to), after the page's own script.
    const driven = html.replace(
      '</body>',
      `<script>
var ns = document.getElementById('filter-namespace'); ns.value = 'apps'; ns.dispatchEvent(new Event('change'));
document.body.setAttribute('data-after-namespace', document.getElementById('count').textContent);
var host = document.getElementById('filter-host'); host.value = 'www.'; host.dispatchEvent(new Event('input'));
document.body.setAttribute('data-after-host', document.getElementById('count').textContent);
host.value = 'no-such-host'; host.dispatchEvent(new Event('input'));
document.body.setAttribute('data-after-other', document.getElementById('count').textContent);
</script></body>`,
    );
    const drivenFile = path.join(path.dirname(file), 'driven.html');
    writeFileSync(drivenFile, driven);
    const dom = await dumpDom(drivenFile);
    const body = dom.all('body')[0]!;
    const total = map.routes.length;
    // The mesh-wide group's routes stay for the namespaces of its workloads.
    const inApps = (r: EgressMap['routes'][number]) => r.client.namespace === 'apps' || map.groups.some((g) => g.namespace === '*' && r.client.namespace === '*' && g.name === r.client.name && g.clients.some((c) => c.namespace === 'apps'));
    expect(map.routes.some((r) => r.client.namespace === '*')).toBe(true);
    expect(body.attrs['data-after-namespace']).toBe(`${map.routes.filter(inApps).length} of ${total} routes`);
    expect(body.attrs['data-after-host']).toBe(`${map.routes.filter((r) => r.host.includes('www.')).length} of ${total} routes`);
    expect(body.attrs['data-after-other']).toBe(`0 of ${total} routes`);
    expect(dom.all('tr', 'route').every((r) => 'hidden' in r.attrs)).toBe(true);
  }, 90_000);
});
