// Runs the CLI from the TypeScript sources (no build): npx vite-node scripts/dev.ts -- <args>
import { main, readStdin } from '../src/cli/main.js';

const args = process.argv.slice(2);
if (args[0] === '--') args.shift();
process.exitCode = await main({
  argv: args,
  cwd: process.cwd(),
  env: process.env,
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  stdin: readStdin,
  isTTY: Boolean(process.stdout.isTTY),
});
