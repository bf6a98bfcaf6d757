// Preloaded by the benchmark (node --import): records the process's peak resident memory at exit.
import { writeFileSync } from 'node:fs';

const out = process.env.MEL_BENCH_RSS_FILE;
if (out) process.on('exit', () => writeFileSync(out, String(process.resourceUsage().maxRSS * 1024)));
