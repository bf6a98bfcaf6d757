// The js-yaml floor: the same inputs read and parsed to values by js-yaml (values only, no positions),
// in a fresh process. The benchmark prints it beside the linter's own figures.
//   node scripts/bench-jsyaml.mjs <dir|file|->
import { loadAll } from 'js-yaml';
import { inputTexts } from './bench-inputs.mjs';

let files = 0;
let docs = 0;
for (const text of inputTexts(process.argv[2])) {
  files++;
  loadAll(text, () => docs++);
}
process.stdout.write(`${files} files, ${docs} documents\n`);
