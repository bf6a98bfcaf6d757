// One input file read and parsed: the unit of work of the main thread and of the worker threads.
import { performance } from 'node:perf_hooks';
import { parseFile, skippedFile, type LoadedFile } from './parse.js';
import { readInput } from './read.js';

export interface ParseJob {
  abs: string;
  displayPath: string;
  explicit: boolean;
}

/** Reads and parses one file, adding the parsing time to `stats`; undefined for a directory. */
export function runJob(job: ParseJob, stats: { parseMs: number }): LoadedFile | undefined {
  const file = { path: job.abs, displayPath: job.displayPath };
  const read = readInput(job.abs, job.explicit);
  if (read.kind === 'directory') return undefined; // e.g. a link to a directory: not a file, and not followed
  if (read.kind === 'skip') return skippedFile(file, read.reason);
  const t = performance.now();
  const parsed = parseFile(file, read.bytes);
  stats.parseMs += performance.now() - t;
  return parsed;
}
