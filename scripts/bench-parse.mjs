// The floor no linter can skip: find the same files, read them, parse every YAML document to values
// with the same `yaml` parser. Run in a fresh process by the benchmark.
//   node scripts/bench-parse.mjs <dir>                 the yaml package (the floor the targets use)
//   node scripts/bench-parse.mjs <dir> --reader own    the linter's own loader path: the fast reader,
//                                                      the yaml package for what it declines
import fg from 'fast-glob';
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

const dir = process.argv[2];
const own = process.argv[3] === '--reader' && process.argv[4] === 'own';
const { readFastYaml } = own ? await import('../dist/load/fast-yaml.js') : {};
const files = fg.sync(['**/*.yaml', '**/*.yml', '**/*.json'], { cwd: dir, absolute: true, ignore: ['**/node_modules/**', '**/.git/**'], followSymbolicLinks: false });
let docs = 0;
for (const f of files.sort()) {
  const text = readFileSync(f, 'utf8');
  const fast = own ? readFastYaml(text) : undefined;
  if (fast) docs += fast.length;
  else {
    for (const d of parseAllDocuments(text)) {
      d.toJS();
      docs++;
    }
  }
}
process.stdout.write(`${files.length} files, ${docs} documents\n`);
