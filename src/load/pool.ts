// Parses a large input on every core when that pays off: the main thread reads the first files and,
// when most of them needed the full parser, worker threads take shares of the rest. Results are put
// back in path order, so the output does not depend on which thread finished first. Small inputs,
// plain block YAML (the fast reader) and runs from the TypeScript sources stay on one thread.
import { existsSync } from 'node:fs';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { runJob, type ParseJob } from './job.js';
import { fromData, type LoadedFile, type LoadedFileData } from './parse.js';

/** Below this many files a worker's start-up (~50 ms) costs more than it saves. */
export const PARALLEL_MIN_FILES = 400;

const WORKER = new URL('./worker.js', import.meta.url);

/** Worker threads to start: one per further core (at most 3), none for few files. MESH_EGRESS_LINT_THREADS caps the threads. */
function workerCount(files: number): number {
  if (files < PARALLEL_MIN_FILES || !existsSync(WORKER)) return 0;
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const cap = Number(process.env.MESH_EGRESS_LINT_THREADS);
  const threads = Number.isInteger(cap) && cap >= 1 ? Math.min(cap, cores) : cores;
  return Math.max(0, Math.min(threads - 1, 3, Math.floor(files / PARALLEL_MIN_FILES)));
}

/** Parses `jobs` on a worker thread, adding its parsing time to `stats`. */
function runInWorker(jobs: ParseJob[], stats: { parseMs: number }): Promise<(LoadedFile | undefined)[]> {
  return new Promise((resolve, reject) => {
    const w = new Worker(WORKER);
    w.once('message', ({ files, parseMs }: { files: (LoadedFileData | null)[]; parseMs: number }) => {
      void w.terminate();
      stats.parseMs += parseMs;
      resolve(files.map((d) => (d ? fromData(d) : undefined)));
    });
    w.once('error', reject);
    w.once('exit', (code) => reject(new Error(`parser thread exited with code ${code}`)));
    w.postMessage(jobs);
  });
}

/**
 * Files parsed on this thread before deciding on worker threads. Sending parsed values from a
 * worker costs the main thread about as much as the fast reader (fast-yaml.ts) spends reading
 * them, so workers pay off only for files that need the full parser, which is ten times slower:
 * measured on 10k to 100k resource trees, workers made plain block YAML slower and full-parser
 * YAML faster.
 */
export const PROBE_FILES = 200;

/**
 * Reads and parses the jobs, in their order; a failed worker's share is parsed here instead. Also
 * returns the parsing time summed over the threads, and on this thread alone.
 */
export async function parseAll(jobs: ParseJob[]): Promise<{ files: (LoadedFile | undefined)[]; threads: number; parseMs: number; mainParseMs: number }> {
  const main = { parseMs: 0 };
  const here = (job: ParseJob) => runJob(job, main);
  const probe = jobs.slice(0, PROBE_FILES).map(here);
  const rest = jobs.slice(probe.length);
  const full = probe.filter((f) => f?.parser === 'full').length;
  const workers = full * 2 >= probe.length && rest.length > 0 ? workerCount(jobs.length) : 0;
  if (workers === 0) return { files: [...probe, ...rest.map(here)], threads: 1, parseMs: main.parseMs, mainParseMs: main.parseMs };
  // Equal shares: measured on 10k and 100k resource trees, shifting work to or from the main thread
  // (which also receives the results) only made it slower.
  const per = Math.ceil(rest.length / (workers + 1));
  const shares = Array.from({ length: workers + 1 }, (_, i) => rest.slice(i * per, (i + 1) * per));
  const others = { parseMs: 0 };
  const pending = shares.slice(1).map((s) => runInWorker(s, others).catch(() => s.map(here)));
  const mine = shares[0]!.map(here);
  const files = [...probe, ...mine, ...(await Promise.all(pending)).flat()];
  return { files, threads: workers + 1, parseMs: main.parseMs + others.parseMs, mainParseMs: main.parseMs };
}
