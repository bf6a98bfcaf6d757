// Read-and-parse alone, in a fresh process, for the benchmark.
//   node scripts/bench-parse.mjs <dir|file|->               the yaml package: every YAML document to values
//   node scripts/bench-parse.mjs <dir|file|-> --reader own  the linter's own loader (dist/load: finding
//                                                          files, the fast reader, the yaml package for
//                                                          what it declines, worker threads), no model or rules
import { parseAllDocuments } from 'yaml';
import { inputTexts } from './bench-inputs.mjs';

const target = process.argv[2];
const own = process.argv[3] === '--reader' && process.argv[4] === 'own';
let files = 0;
let docs = 0;
if (own) {
  const { loadInputs } = await import('../dist/load/index.js');
  const loaded = await loadInputs([target], process.cwd());
  files = loaded.files.length;
  for (const f of loaded.files) docs += f.documentCount;
} else {
  for (const text of inputTexts(target)) {
    files++;
    for (const d of parseAllDocuments(text)) {
      d.toJS();
      docs++;
    }
  }
}
process.stdout.write(`${files} files, ${docs} documents\n`);
