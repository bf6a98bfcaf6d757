// The floor no linter can skip: find the same files, read them, parse every YAML document to values
// with the same `yaml` parser. Run in a fresh process by the benchmark.
import fg from 'fast-glob';
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

const dir = process.argv[2];
const files = fg.sync(['**/*.yaml', '**/*.yml', '**/*.json'], { cwd: dir, absolute: true, ignore: ['**/node_modules/**', '**/.git/**'], followSymbolicLinks: false });
let docs = 0;
for (const f of files.sort()) {
  const text = readFileSync(f, 'utf8');
  for (const d of parseAllDocuments(text)) {
    d.toJS();
    docs++;
  }
}
process.stdout.write(`${files.length} files, ${docs} documents\n`);
