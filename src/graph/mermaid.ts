// The map as a Mermaid flowchart (GitHub renders it in Markdown): clients on the left, gateways and
// waypoints in the middle, hosts on the right; edge labels are the TLS of the hop; broken routes red,
// blocked ones dashed orange.
import type { EgressMap } from './egress-map.js';
import { buildGraph } from './graph.js';

/** Mermaid node text in double quotes: quotes and markup characters as entity codes. */
function text(s: string): string {
  return s.replace(/[#"<>&]/g, (c) => `#${c.charCodeAt(0)};`);
}

export function mermaidMap(map: EgressMap): string {
  const g = buildGraph(map);
  const lines = ['flowchart LR'];
  for (const n of g.nodes) {
    const label = text(n.label) + (n.detail ? `<br/>${text(n.detail)}` : '');
    const shape = n.kind === 'client' ? [`(`, `)`] : n.kind === 'host' ? ['[[', ']]'] : ['{{', '}}'];
    lines.push(`  ${n.id}${shape[0]}"${label}"${shape[1]}`);
  }
  g.edges.forEach((e) => {
    const arrow = e.outcome === 'blocked' ? '-.->' : '-->';
    lines.push(`  ${e.from} ${arrow}|"${text(e.tls)}"| ${e.to}`);
  });
  g.edges.forEach((e, i) => {
    if (e.outcome === 'broken') lines.push(`  linkStyle ${i} stroke:#d00,stroke-width:3px`);
    else if (e.outcome === 'blocked') lines.push(`  linkStyle ${i} stroke:#e80,stroke-width:2px`);
  });
  lines.push('  classDef client fill:#eef,stroke:#557', '  classDef gateway fill:#efe,stroke:#575', '  classDef host fill:#fff8e0,stroke:#a80');
  const byClass = (k: string) => g.nodes.filter((n) => (k === 'gateway' ? n.kind === 'egress-gateway' || n.kind === 'waypoint' : n.kind === k)).map((n) => n.id);
  for (const k of ['client', 'gateway', 'host']) {
    const ids = byClass(k);
    if (ids.length > 0) lines.push(`  class ${ids.join(',')} ${k}`);
  }
  return `${lines.join('\n')}\n`;
}
