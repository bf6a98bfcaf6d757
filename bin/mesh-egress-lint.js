#!/usr/bin/env node
import { main, readStdin } from '../dist/cli/main.js';

const code = await main({
  argv: process.argv.slice(2),
  cwd: process.cwd(),
  env: process.env,
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  stdin: readStdin,
  isTTY: Boolean(process.stdout.isTTY),
});
process.exitCode = code;
