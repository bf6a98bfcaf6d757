// The map as one self-contained HTML page: the graph as inline SVG (laid out here: three layers,
// clients → gateways and waypoints → hosts, each layer ordered by the mean position of its
// neighbours in the previous one to keep crossings down), a filter by namespace and host, and the
// table of routes with each broken route in red beside its findings and their file:line. No
// network, no external script, style sheet or font: the page works from a file or an artefact store.
import type { EgressMap, MapRoute } from './egress-map.js';
import { buildGraph, clientLabel, type GraphNode } from './graph.js';

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const COLORS = { allowed: '#2a7a2a', passthrough: '#777777', blocked: '#d97800', broken: '#dd0000' } as const;
const FILL: Record<GraphNode['kind'], string> = { client: '#eef0ff', 'egress-gateway': '#eaf7ea', waypoint: '#eaf7f4', host: '#fff8e0' };

const NODE_H = 40;
const GAP_Y = 14;
const GAP_X = 150;
const PAD = 20;
const CHAR_W = 7;

interface Placed extends GraphNode {
  x: number;
  y: number;
  w: number;
}

/** Positions of the nodes: one column per layer, each column ordered by its neighbours' mean row. */
function layout(nodes: GraphNode[], edges: { from: string; to: string }[]): { placed: Map<string, Placed>; width: number; height: number } {
  const layers = [0, 1, 2].map((l) => nodes.filter((n) => n.layer === l));
  const preds = new Map<string, string[]>();
  for (const e of edges) preds.set(e.to, [...(preds.get(e.to) ?? []), e.from]);
  const row = new Map<string, number>();
  layers[0]!.forEach((n, i) => row.set(n.id, i));
  for (const l of [1, 2]) {
    const mean = (n: GraphNode) => {
      const ps = (preds.get(n.id) ?? []).map((p) => row.get(p)).filter((x): x is number => x !== undefined);
      return ps.length === 0 ? Number.MAX_SAFE_INTEGER : ps.reduce((a, b) => a + b, 0) / ps.length;
    };
    const ordered = layers[l]!.map((n, i) => ({ n, i, m: mean(n) })).sort((a, b) => a.m - b.m || a.i - b.i);
    // Rows on a common scale with the previous layers, so that the means stay comparable.
    ordered.forEach((o, i) => row.set(o.n.id, i));
    layers[l] = ordered.map((o) => o.n);
  }
  const widths = layers.map((ns) => Math.min(420, Math.max(120, ...ns.map((n) => Math.max(n.label.length, n.detail.length) * CHAR_W + 24))));
  const used = layers.map((ns) => ns.length > 0);
  const placed = new Map<string, Placed>();
  let x = PAD;
  let height = 0;
  layers.forEach((ns, l) => {
    if (!used[l]) return;
    const columnHeight = ns.length * (NODE_H + GAP_Y) - GAP_Y;
    height = Math.max(height, columnHeight);
    ns.forEach((n, i) => placed.set(n.id, { ...n, x, y: PAD + i * (NODE_H + GAP_Y), w: widths[l]! }));
    x += widths[l]! + GAP_X;
  });
  // Centre shorter columns on the tallest.
  for (const ns of layers) {
    if (ns.length === 0) continue;
    const columnHeight = ns.length * (NODE_H + GAP_Y) - GAP_Y;
    const shift = (height - columnHeight) / 2;
    for (const n of ns) placed.get(n.id)!.y += shift;
  }
  return { placed, width: x - GAP_X + PAD, height: height + 2 * PAD };
}

/** A point in the middle column, near row `y`, outside its nodes (undefined when the column is empty). */
function middleLane(middle: Placed[], y: number): { x: number; y: number } | undefined {
  if (middle.length === 0) return undefined;
  const x = middle[0]!.x + middle[0]!.w / 2;
  const free = (yy: number) => middle.every((n) => yy < n.y - 4 || yy > n.y + NODE_H + 4);
  if (free(y)) return { x, y };
  const candidates = [middle[0]!.y - GAP_Y / 2 - 6, ...middle.map((n) => n.y + NODE_H + GAP_Y / 2)].filter(free);
  candidates.sort((p, q) => Math.abs(p - y) - Math.abs(q - y) || p - q);
  return { x, y: candidates[0] ?? y };
}

function svgOf(map: EgressMap): string {
  const g = buildGraph(map);
  const { placed, width, height } = layout(g.nodes, g.edges);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" id="map" width="${Math.max(width, 200)}" height="${Math.max(height, 60)}" viewBox="0 0 ${Math.max(width, 200)} ${Math.max(height, 60)}" role="img" aria-label="egress map">`);
  parts.push('<defs>');
  for (const [k, c] of Object.entries(COLORS)) parts.push(`<marker id="arrow-${k}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="${c}"/></marker>`);
  parts.push('</defs>');
  const middle = [...placed.values()].filter((n) => n.layer === 1);
  g.edges.forEach((e, i) => {
    const a = placed.get(e.from)!;
    const b = placed.get(e.to)!;
    const x1 = a.x + a.w;
    const y1 = a.y + NODE_H / 2;
    const x2 = b.x;
    const y2 = b.y + NODE_H / 2;
    const mx = (x1 + x2) / 2;
    // An edge from a client straight to a host crosses the middle column: through a gap between its nodes.
    const lane = a.layer === 0 && b.layer === 2 ? middleLane(middle, y2) : undefined;
    const d = lane
      ? `M${x1},${y1} C${(x1 + lane.x) / 2},${y1} ${(x1 + lane.x) / 2},${lane.y} ${lane.x},${lane.y} C${(lane.x + x2) / 2},${lane.y} ${(lane.x + x2) / 2},${y2} ${x2},${y2}`
      : `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`;
    const dash = e.outcome === 'blocked' ? ' stroke-dasharray="6 4"' : '';
    const sw = e.outcome === 'broken' ? 3 : 1.6;
    const lx = lane ? (x1 + lane.x) / 2 : x1 + (x2 - x1) * 0.5;
    const ly = lane ? (y1 + lane.y) / 2 - 4 : (y1 + y2) / 2 - 4;
    parts.push(
      `<g class="edge ${e.outcome}" id="e${i}" data-routes="${esc(e.routes.join('\n'))}" data-outcome="${e.outcome}">` +
        `<title>${esc(`${e.tls} — ${e.outcome}: ${e.routes.join(', ')}`)}</title>` +
        `<path d="${d}" fill="none" stroke="${COLORS[e.outcome]}" stroke-width="${sw}"${dash} marker-end="url(#arrow-${e.outcome})"/>` +
        `<text x="${lx}" y="${ly}" text-anchor="middle" class="edge-label" fill="${COLORS[e.outcome]}">${esc(e.tls)}</text>` +
        `</g>`,
    );
  });
  for (const n of placed.values()) {
    const rx = n.kind === 'client' ? 12 : n.kind === 'host' ? 2 : 6;
    parts.push(
      `<g class="node ${n.kind}" id="${n.id}" data-kind="${n.kind}" data-label="${esc(n.label)}" data-routes="${esc(n.routes.join('\n'))}">` +
        `<title>${esc(n.label)}</title>` +
        `<rect x="${n.x}" y="${n.y}" width="${n.w}" height="${NODE_H}" rx="${rx}" fill="${FILL[n.kind]}" stroke="#556"/>` +
        `<text x="${n.x + 10}" y="${n.y + 17}" class="node-label">${esc(n.label)}</text>` +
        (n.detail ? `<text x="${n.x + 10}" y="${n.y + 32}" class="node-detail">${esc(n.detail)}</text>` : '') +
        `</g>`,
    );
  }
  parts.push('</svg>');
  return parts.join('\n');
}

function hopsText(r: MapRoute): string {
  return r.hops
    .map((h) => {
      const name = h.kind === 'egress-gateway' || h.kind === 'waypoint' ? `${h.kind} ${h.gateway ?? h.name}` : h.kind === 'upstream' ? `${h.to ?? h.name}${h.port !== undefined ? `:${h.port}` : ''}` : h.kind;
      return h.tls ? `${name} —${h.tls.mode}${h.weight !== undefined ? ` ${h.weight}%` : ''}→` : name;
    })
    .join(' ');
}

const groupSizes = new WeakMap<EgressMap, Map<string, number>>();

function groupSizeText(map: EgressMap, r: MapRoute): string {
  let sizes = groupSizes.get(map);
  if (!sizes) groupSizes.set(map, (sizes = new Map(map.groups.map((g) => [`${g.namespace}\0${g.name}`, g.clients.length]))));
  const n = sizes.get(`${r.client.namespace}\0${r.client.name}`) ?? 0;
  return `${n} workload${n === 1 ? '' : 's'}`;
}

/** Each namespace group once, with its workloads and where they are declared. */
function groupRowsOf(map: EgressMap): string {
  return map.groups
    .map(
      (g) =>
        `<tr class="group" data-namespace="${esc(g.namespace)}" data-group="${esc(g.name)}" data-namespaces="${esc([...new Set(g.clients.map((c) => c.namespace))].sort().join(' '))}"><td>${esc(`${g.namespace === '*' ? 'mesh-wide' : 'namespace'} group ${g.name}`)}</td><td>${esc(g.dataPlane)}</td>` +
        `<td><ul>${g.clients.map((c) => `<li>${esc(`${c.kind} ${c.namespace}/${c.name}`)} <span class="where">${esc(`${c.file}:${c.line}`)}</span></li>`).join('')}</ul></td></tr>`,
    )
    .join('\n');
}

function rowsOf(map: EgressMap): string {
  const byId = new Map(map.findings.map((f) => [f.id, f]));
  return map.routes
    .map((r) => {
      const findings = r.findings
        .map((id) => byId.get(id)!)
        .map((f) => `<li class="finding ${f.severity}"><code>${esc(f.ruleId)}</code> <span class="where">${esc(`${f.file}:${f.line}`)}</span><br>${esc(f.message)}</li>`)
        .join('');
      const policy = `${r.policy.mode}${r.policy.enforced ? '' : ' (not applied)'}<br><small>${esc(r.policy.setBy)}${r.policy.file ? ` — ${esc(`${r.policy.file}:${r.policy.line}`)}` : ''}</small>`;
      return (
        `<tr class="route ${r.outcome}" data-id="${esc(r.id)}" data-namespace="${esc(r.client.namespace)}"${r.client.kind === 'Namespace' && r.client.namespace === '*' ? ` data-group="${esc(r.client.name)}"` : ''} data-host="${esc(r.host)}">` +
        `<td>${r.client.kind === 'Namespace' ? `${esc(clientLabel(r))}<br><small>${esc(groupSizeText(map, r))} (see the groups below)</small>` : `${esc(`${r.client.kind} ${r.client.namespace}/${r.client.name}`)}<br><small>${esc(`${r.client.file}:${r.client.line}`)}</small>`}</td>` +
        `<td>${esc(r.host)}${r.port !== null ? `:${r.port}` : ''}<br><small>${esc(r.source)}</small></td>` +
        `<td>${esc(hopsText(r))}</td>` +
        `<td>${policy}</td>` +
        `<td class="outcome">${esc(r.outcome)}<br><small>${esc(r.reason)}</small></td>` +
        `<td>${findings ? `<ul>${findings}</ul>` : ''}</td>` +
        `</tr>`
      );
    })
    .join('\n');
}

// The page's only script: filters routes by namespace and host text, and hides the edges and
// nodes that carry no visible route. The same function runs for a `#ns=…&host=…` fragment on load.
const SCRIPT = `
(function () {
  var nsSelect = document.getElementById('filter-namespace');
  var hostInput = document.getElementById('filter-host');
  var count = document.getElementById('count');
  var rows = Array.prototype.slice.call(document.querySelectorAll('tr.route'));
  var groups = Array.prototype.slice.call(document.querySelectorAll('tr.group'));
  // Mesh-wide groups (namespace *): the namespaces of their workloads.
  var members = {};
  groups.forEach(function (row) {
    if (row.getAttribute('data-namespace') === '*') members[row.getAttribute('data-group')] = row.getAttribute('data-namespaces').split(' ');
  });
  function inNamespace(row, ns) {
    if (ns === '' || row.getAttribute('data-namespace') === ns) return true;
    var g = row.getAttribute('data-namespace') === '*' ? members[row.getAttribute('data-group')] : null;
    return !!g && g.indexOf(ns) !== -1;
  }
  var items = Array.prototype.slice.call(document.querySelectorAll('#map g.edge, #map g.node'));
  function apply() {
    var ns = nsSelect.value;
    var host = hostInput.value.trim().toLowerCase();
    var visible = {};
    var shown = 0;
    rows.forEach(function (row) {
      var ok = inNamespace(row, ns) && (host === '' || row.getAttribute('data-host').indexOf(host) !== -1);
      row.hidden = !ok;
      if (ok) { visible[row.getAttribute('data-id')] = true; shown++; }
    });
    items.forEach(function (el) {
      var ids = el.getAttribute('data-routes').split('\\n');
      var on = ids.some(function (id) { return visible[id]; });
      el.classList.toggle('dimmed', !on);
    });
    groups.forEach(function (row) { row.hidden = !inNamespace(row, ns); });
    count.textContent = shown + ' of ' + rows.length + ' routes';
  }
  nsSelect.addEventListener('change', apply);
  hostInput.addEventListener('input', apply);
  var m = /^#(.*)$/.exec(location.hash);
  if (m) {
    m[1].split('&').forEach(function (kv) {
      var i = kv.indexOf('=');
      var k = kv.slice(0, i), v = decodeURIComponent(kv.slice(i + 1));
      if (k === 'ns') nsSelect.value = v;
      if (k === 'host') hostInput.value = v;
    });
  }
  apply();
})();
`;

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 16px; color: #222; }
h1 { font-size: 18px; margin: 0 0 8px; }
h2 { font-size: 16px; margin: 20px 0 4px; }
.summary span { margin-right: 12px; }
.filters { margin: 12px 0; display: flex; gap: 12px; align-items: center; }
.graph { overflow: auto; border: 1px solid #ccd; background: #fcfcff; }
svg text { font: 12px system-ui, sans-serif; }
svg .node-detail { fill: #667; font-size: 11px; }
svg .edge-label { font-size: 10px; paint-order: stroke; stroke: #fcfcff; stroke-width: 3px; }
svg .dimmed { opacity: 0.08; }
table { border-collapse: collapse; margin-top: 16px; width: 100%; }
th, td { border: 1px solid #dde; padding: 4px 6px; vertical-align: top; text-align: left; }
th { background: #f0f0f6; }
tr.broken td { background: #ffe8e8; }
tr.broken td.outcome { color: #b00; font-weight: bold; }
td.outcome small { font-weight: normal; }
tr.blocked td.outcome { color: #a55a00; font-weight: bold; }
tr.allowed td.outcome { color: #2a7a2a; }
small { color: #556; }
ul { margin: 0; padding-left: 16px; }
li.finding.error code { color: #b00; }
.where { font-family: ui-monospace, monospace; }
`;

export function htmlMap(map: EgressMap): string {
  const namespaces = [...new Set([...map.routes.map((r) => r.client.namespace), ...map.groups.flatMap((g) => g.clients.map((c) => c.namespace))])].filter((n) => n !== '*').sort();
  const s = map.summary;
  // The map itself, for tools that read the page: `<` escaped so that no text can close the element.
  const data = JSON.stringify(map).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>Egress map — ${esc(map.tool.name)} ${esc(map.tool.version)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Egress map</h1>
<p class="summary"><span>${s.routes} routes</span><span>${s.allowed} allowed</span><span>${s.passthrough} passthrough</span><span>${s.blocked} blocked</span><span>${s.broken} broken</span><span>${s.clients} clients</span><span>${s.hosts} hosts</span></p>
<div class="filters">
<label>Namespace <select id="filter-namespace"><option value="">all</option>${namespaces.map((n) => `<option value="${esc(n)}">${esc(n)}</option>`).join('')}</select></label>
<label>Host <input id="filter-host" type="search" placeholder="part of a host name"></label>
<span id="count">${s.routes} of ${s.routes} routes</span>
</div>
<div class="graph">
${svgOf(map)}
</div>
<table>
<thead><tr><th>client</th><th>host</th><th>hops (TLS of each)</th><th>policy</th><th>outcome</th><th>findings</th></tr></thead>
<tbody>
${rowsOf(map)}
</tbody>
</table>
${map.groups.length > 0 ? `<h2>Groups</h2>
<p><small>A registry route's client is a group: the workloads of one namespace that share data plane, outbound policy, Sidecar and selected DestinationRules, or (mesh-wide, namespace *) the workloads of every namespace that follow the mesh's defaults, for the hosts exported everywhere.</small></p>
<table id="groups">
<thead><tr><th>group</th><th>data plane</th><th>workloads</th></tr></thead>
<tbody>
${groupRowsOf(map)}
</tbody>
</table>
` : ''}<script type="application/json" id="egress-map-data">${data}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
