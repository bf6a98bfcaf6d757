import { readFileSync, statSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';
import { performance } from 'node:perf_hooks';
import { discover, toDisplayPath } from './discover.js';
import { MAX_INPUT_BYTES, OWN_REPORT, parseFile, skippedFile, type LoadedFile } from './parse.js';
import { parseAll } from './pool.js';
import { UNREADABLE } from './read.js';

export { discover, toDisplayPath } from './discover.js';
export type { LoadedFile, LoadProblem } from './parse.js';
export { parseEmbeddedYaml } from './parse.js';

export interface LoadResult {
  /** Every input file, linted or skipped with the reason, sorted by path (stdin first). */
  files: LoadedFile[];
  /** Paths given on the command line that do not exist or cannot be read at all. */
  pathErrors: { path: string; message: string }[];
  /** Template files the walk did not read (display paths). */
  templates: string[];
  /** Threads that parsed the files (1 unless worker threads were started). */
  threads: number;
  /**
   * Milliseconds spent parsing (decoding and YAML), summed over the threads, and parsing on this
   * thread alone (the rest of the loading time is finding and reading files).
   */
  parseMs: number;
  mainParseMs: number;
}

/**
 * Reads and parses every input. Never throws for a bad input: a file that cannot be read, is
 * not a regular file or is too large becomes a skipped file with a notice, and so does a
 * directory that cannot be listed while walking. Only paths named on the command line that do
 * not exist end up in `pathErrors`.
 */
export async function loadInputs(paths: string[], cwd: string, opts: { ignorePaths?: string[]; stdinText?: () => Buffer } = {}): Promise<LoadResult> {
  const found = discover(paths, cwd, opts.ignorePaths ?? []);
  const files: LoadedFile[] = [];
  let stdinParseMs = 0;
  const stdinBytes = found.stdin ? (opts.stdinText ? opts.stdinText() : readFileSync(0)) : undefined;
  const entries: { abs: string; loaded?: LoadedFile }[] = found.files.map((abs) => ({ abs }));
  for (const d of found.unreadableDirs) {
    const file = { path: d.path, displayPath: toDisplayPath(d.path, cwd) };
    entries.push({ abs: d.path, loaded: skippedFile(file, `the directory could not be read (${d.message}); files in it were not linted`) });
  }
  entries.sort((a, b) => (a.abs < b.abs ? -1 : a.abs > b.abs ? 1 : 0));
  const jobs = entries.filter((e) => !e.loaded).map((e) => ({ abs: e.abs, displayPath: toDisplayPath(e.abs, cwd), explicit: found.explicit.has(e.abs) }));
  checkMemoryBudget(jobs.map((j) => j.abs), stdinBytes && stdinBytes.length <= MAX_INPUT_BYTES ? stdinBytes.length : 0);
  if (stdinBytes) {
    const t = performance.now();
    files.push(parseFile({ path: '<stdin>', displayPath: '<stdin>' }, stdinBytes));
    stdinParseMs = performance.now() - t;
  }
  const { files: parsed, threads, parseMs, mainParseMs } = await parseAll(jobs);
  let next = 0;
  const pathErrors = [...found.errors];
  for (const { abs, loaded } of entries) {
    const lf = loaded ?? parsed[next++];
    if (!lf) continue;
    if (lf.skipped === OWN_REPORT) {
      // Our own report from an earlier run, met while walking: not an input at all. Named on the
      // command line, it is said why it is not linted.
      if (found.explicit.has(abs)) files.push(skippedFile(lf.file, OWN_REPORT));
      continue;
    }
    files.push(lf);
    // A file named on the command line that cannot be read is the caller's mistake (exit 2), as a
    // missing one is; met while walking a directory, it is a notice and the run goes on.
    if (found.explicit.has(abs) && lf.skipped?.startsWith(UNREADABLE)) pathErrors.push({ path: lf.file.displayPath, message: lf.skipped.replace(/^the file could not be read \((.*)\)$/, '$1') });
  }
  return { files, pathErrors, templates: found.templates.map((t) => toDisplayPath(t, cwd)), threads, parseMs: parseMs + stdinParseMs, mainParseMs: mainParseMs + stdinParseMs };
}

/** The input is more than this process can hold in memory: one clear line instead of V8's abort. */
export class InputTooLargeError extends Error {}

/**
 * The heap a run needs: a fixed part (the program, schemas, the young generation V8 counts in its
 * limit) and a part per byte of manifest (parsed values, positions, the model's indexes). Measured
 * on files of generated ServiceEntries, the densest input: 3.6 MB needs a 130–144 MiB limit; with
 * the default 4,144 MiB limit of a 24 GB machine 135 MB (512,000 entries) is linted and 219 MB
 * aborts. 20 bytes per byte refuses the second and admits the first.
 */
export const HEAP_FIXED_BYTES = 96 * 1048576;
export const HEAP_BYTES_PER_INPUT_BYTE = 20;

/** Refuses, before parsing, an input whose model would not fit under the V8 heap limit. */
function checkMemoryBudget(files: string[], stdinBytes: number): void {
  let total = stdinBytes;
  for (const f of files) {
    try {
      const st = statSync(f);
      if (st.isFile() && st.size <= MAX_INPUT_BYTES) total += st.size;
    } catch {
      // Not readable: skipped with a notice later.
    }
  }
  const limit = getHeapStatistics().heap_size_limit;
  const estimate = HEAP_FIXED_BYTES + total * HEAP_BYTES_PER_INPUT_BYTE;
  if (estimate <= limit) return;
  const mb = (n: number) => `${Math.round(n / 1048576).toLocaleString('en-US')} MiB`;
  const needed = Math.ceil((estimate * 1.25) / 1048576 / 1024) * 1024;
  throw new InputTooLargeError(
    `the input (${mb(total)} in ${(files.length + (stdinBytes > 0 ? 1 : 0)).toLocaleString('en-US')} files) needs about ${mb(estimate)} of memory, more than this process's ${mb(limit)} heap limit; lint it in parts, or raise the limit with NODE_OPTIONS=--max-old-space-size=${needed}`,
  );
}
