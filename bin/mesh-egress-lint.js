#!/usr/bin/env node
import { main, readStdin } from '../dist/cli/main.js';
import { fdWriter } from '../dist/cli/streams.js';

const code = await main({
  argv: process.argv.slice(2),
  cwd: process.cwd(),
  env: process.env,
  stdout: fdWriter(1, true),
  stderr: fdWriter(2, false),
  stdin: readStdin,
  isTTY: Boolean(process.stdout.isTTY),
});
process.exitCode = code;
