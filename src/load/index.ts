import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { discover, toDisplayPath } from './discover.js';
import { parseFile, skippedFile, type LoadedFile } from './parse.js';
import { parseAll } from './pool.js';

export { discover, toDisplayPath } from './discover.js';
export type { LoadedFile, LoadProblem } from './parse.js';
export { parseEmbeddedYaml } from './parse.js';

export interface LoadResult {
  /** Every input file, linted or skipped with the reason, sorted by path (stdin first). */
  files: LoadedFile[];
  /** Paths given on the command line that do not exist or cannot be read at all. */
  pathErrors: { path: string; message: string }[];
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
  if (found.stdin) {
    const bytes = opts.stdinText ? opts.stdinText() : readFileSync(0);
    const t = performance.now();
    files.push(parseFile({ path: '<stdin>', displayPath: '<stdin>' }, bytes));
    stdinParseMs = performance.now() - t;
  }
  const entries: { abs: string; loaded?: LoadedFile }[] = found.files.map((abs) => ({ abs }));
  for (const d of found.unreadableDirs) {
    const file = { path: d.path, displayPath: toDisplayPath(d.path, cwd) };
    entries.push({ abs: d.path, loaded: skippedFile(file, `the directory could not be read (${d.message}); files in it were not linted`) });
  }
  entries.sort((a, b) => (a.abs < b.abs ? -1 : a.abs > b.abs ? 1 : 0));
  const jobs = entries.filter((e) => !e.loaded).map((e) => ({ abs: e.abs, displayPath: toDisplayPath(e.abs, cwd), explicit: found.explicit.has(e.abs) }));
  const { files: parsed, threads, parseMs, mainParseMs } = await parseAll(jobs);
  let next = 0;
  for (const { loaded } of entries) {
    const lf = loaded ?? parsed[next++];
    if (lf) files.push(lf);
  }
  return { files, pathErrors: found.errors, threads, parseMs: parseMs + stdinParseMs, mainParseMs: mainParseMs + stdinParseMs };
}
