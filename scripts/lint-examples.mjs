// npm run examples: lints each bundled example set on its own (each folder is one mesh) and says
// whether it gave what examples/README.md promises: good sets clean, broken sets their findings.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'mesh-egress-lint.js');
const extra = process.argv.slice(2);
let unexpected = 0;
for (const scenario of readdirSync(path.join(root, 'examples'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort()) {
  for (const half of ['good', 'broken']) {
    const dir = path.join('examples', scenario, half);
    process.stdout.write(`\n$ mesh-egress-lint ${dir}\n`);
    const r = spawnSync(process.execPath, [bin, dir, ...extra], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status === 2 || (half === 'good' && r.status !== 0)) unexpected++;
  }
}
process.stdout.write(unexpected === 0 ? '\nEvery good set is clean; the broken sets show the findings listed in examples/README.md.\n' : `\n${unexpected} example set(s) did not give what examples/README.md says.\n`);
process.exitCode = unexpected === 0 ? 0 : 1;
