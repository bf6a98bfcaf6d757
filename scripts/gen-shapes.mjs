// The benchmark's input shapes, all holding the same documents as gen-tree.mjs (deterministic):
//   tree    many small block-style files, one folder per namespace (gen-tree.mjs)
//   stream  every document in one stream with `# Source:` comments, as `helm template` prints it;
//           the benchmark pipes it to `mesh-egress-lint -`
//   flow    hand-written flow style (`ports: [{number: 443, name: tls}]`), 1,000 resources per file
//   large   every document in one block-style file
//   node scripts/gen-shapes.mjs DIR SHAPE RESOURCES
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument, visit } from 'yaml';
import { generateTree, treeFiles } from './gen-tree.mjs';

export const SHAPES = ['tree', 'stream', 'flow', 'large'];
const FLOW_RESOURCES_PER_FILE = 1000;

/** One document with every collection below the top level written in flow style (block scalars left as they are). */
function toFlow(text) {
  if (/: [|>]/.test(text)) return text;
  const doc = parseDocument(text);
  const top = doc.contents;
  const flow = (_, node) => {
    if (node !== top) node.flow = true;
  };
  visit(doc, { Map: flow, Seq: flow });
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/**
 * Writes shape `shape` with about `resources` resources under `dir`. Returns what to lint:
 * `paths` (arguments) or `stdin` (a file whose bytes go to standard input), and the counts.
 */
export function generateShape(dir, shape, resources) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  if (shape === 'tree') {
    const tree = path.join(dir, 'tree');
    const g = generateTree(tree, resources);
    return { paths: [tree], files: g.files, resources: g.resources };
  }
  const { files } = treeFiles(resources);
  const count = files.reduce((n, f) => n + f.docs.length, 0);
  if (shape === 'stream') {
    const text = files.flatMap((f) => f.docs.map((d) => `---\n# Source: platform/templates/${f.path}\n${d}`)).join('');
    const file = path.join(dir, 'stream.yaml');
    writeFileSync(file, text);
    return { stdin: file, files: 1, resources: count };
  }
  if (shape === 'large') {
    const file = path.join(dir, 'all.yaml');
    writeFileSync(file, files.flatMap((f) => f.docs).join('---\n'));
    return { paths: [file], files: 1, resources: count };
  }
  if (shape === 'flow') {
    const docs = files.flatMap((f) => f.docs.map(toFlow));
    const out = path.join(dir, 'flow');
    mkdirSync(out);
    let n = 0;
    for (let i = 0; i < docs.length; i += FLOW_RESOURCES_PER_FILE, n++) {
      writeFileSync(path.join(out, `part-${String(n).padStart(4, '0')}.yaml`), docs.slice(i, i + FLOW_RESOURCES_PER_FILE).join('---\n'));
    }
    return { paths: [out], files: n, resources: count };
  }
  throw new Error(`unknown shape ${shape} (one of ${SHAPES.join(', ')})`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [dir, shape, size] = process.argv.slice(2);
  if (!dir || !shape || !size) {
    console.error(`usage: node scripts/gen-shapes.mjs DIR SHAPE RESOURCES   (SHAPE: ${SHAPES.join(', ')})`);
    process.exit(2);
  }
  console.log(JSON.stringify(generateShape(path.resolve(dir), shape, Number(size))));
}
