// The map in Graphviz DOT: `dot -Tsvg` draws it. Same graph as the Mermaid form.
import type { EgressMap } from './egress-map.js';
import { buildGraph } from './graph.js';

/** A DOT double-quoted string. */
function quote(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

const COLORS = { allowed: '#2a7a2a', passthrough: '#777777', blocked: '#e08000', broken: '#dd0000' } as const;

export function dotMap(map: EgressMap): string {
  const g = buildGraph(map);
  const lines = ['digraph egress {', '  rankdir=LR;', '  node [fontname="Helvetica", fontsize=11];', '  edge [fontname="Helvetica", fontsize=9];'];
  for (const layer of [0, 1, 2]) {
    const inLayer = g.nodes.filter((n) => n.layer === layer);
    if (inLayer.length === 0) continue;
    lines.push('  { rank=same;');
    for (const n of inLayer) {
      const shape = n.kind === 'client' ? 'box, style="rounded,filled", fillcolor="#eeeeff"' : n.kind === 'host' ? 'box, style=filled, fillcolor="#fff8e0"' : 'hexagon, style=filled, fillcolor="#eeffee"';
      lines.push(`    ${n.id} [label=${quote(n.detail ? `${n.label}\n${n.detail}` : n.label)}, shape=${shape}];`);
    }
    lines.push('  }');
  }
  for (const e of g.edges) {
    const style = e.outcome === 'blocked' ? ', style=dashed' : '';
    const width = e.outcome === 'broken' ? ', penwidth=2.5' : '';
    lines.push(`  ${e.from} -> ${e.to} [label=${quote(e.tls)}, color=${quote(COLORS[e.outcome])}, fontcolor=${quote(COLORS[e.outcome])}${style}${width}, tooltip=${quote(`${e.outcome}: ${e.routes.join(', ')}`)}];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
