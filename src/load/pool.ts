// Parses a large input on every core: the main thread takes the first share of the (sorted) files,
// worker threads the others; results are put back in path order, so the output does not depend on
// which thread finished first. Small inputs, and runs from the TypeScript sources, stay on one thread.
import { existsSync } from 'node:fs';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { fromData, parseFile, skippedFile, type LoadedFile, type LoadedFileData } from './parse.js';
import { readInput } from './read.js';
import type { ParseJob } from './worker.js';

/** Below this many files a worker's start-up (~50 ms) costs more than it saves. */
export const PARALLEL_MIN_FILES = 400;

const WORKER = new URL('./worker.js', import.meta.url);

export function parseOnThisThread(job: ParseJob): LoadedFile | undefined {
  const file = { path: job.abs, displayPath: job.displayPath };
  const read = readInput(job.abs, job.explicit);
  if (read.kind === 'directory') return undefined; // e.g. a link to a directory: not a file, and not followed
  return read.kind === 'skip' ? skippedFile(file, read.reason) : parseFile(file, read.bytes);
}

/** Worker threads to start: one per further core (at most 3), none for small inputs. MESH_EGRESS_LINT_THREADS caps the threads. */
function workerCount(files: number): number {
  if (files < PARALLEL_MIN_FILES || !existsSync(WORKER)) return 0;
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const cap = Number(process.env.MESH_EGRESS_LINT_THREADS);
  const threads = Number.isInteger(cap) && cap >= 1 ? Math.min(cap, cores) : cores;
  return Math.max(0, Math.min(threads - 1, 3, Math.floor(files / PARALLEL_MIN_FILES)));
}

function runInWorker(jobs: ParseJob[]): Promise<(LoadedFile | undefined)[]> {
  return new Promise((resolve, reject) => {
    const w = new Worker(WORKER);
    w.once('message', (data: (LoadedFileData | null)[]) => {
      void w.terminate();
      resolve(data.map((d) => (d ? fromData(d) : undefined)));
    });
    w.once('error', reject);
    w.once('exit', (code) => reject(new Error(`parser thread exited with code ${code}`)));
    w.postMessage(jobs);
  });
}

/** Reads and parses the jobs, in their order; a failed worker's share is parsed here instead. */
export async function parseAll(jobs: ParseJob[]): Promise<(LoadedFile | undefined)[]> {
  const workers = workerCount(jobs.length);
  if (workers === 0) return jobs.map(parseOnThisThread);
  // Equal shares: measured on 10k and 100k resource trees, shifting work to or from the main thread
  // (which also receives the results) only made it slower.
  const per = Math.ceil(jobs.length / (workers + 1));
  const shares = Array.from({ length: workers + 1 }, (_, i) => jobs.slice(i * per, (i + 1) * per));
  const pending = shares.slice(1).map((s) => runInWorker(s).catch(() => s.map(parseOnThisThread)));
  const mine = shares[0]!.map(parseOnThisThread);
  return [...mine, ...(await Promise.all(pending)).flat()];
}
