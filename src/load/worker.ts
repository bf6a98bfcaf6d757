// Worker thread: reads and parses a share of the input files (see pool.ts). Parsing is most of a
// large run's time, and it is independent per file.
import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import { parseFile, skippedFile, toData, type LoadedFileData } from './parse.js';
import { readInput } from './read.js';

export interface ParseJob {
  abs: string;
  displayPath: string;
  explicit: boolean;
}

parentPort?.on('message', (jobs: ParseJob[]) => {
  let readMs = 0;
  let parseMs = 0;
  const files: (LoadedFileData | null)[] = jobs.map((job) => {
    const file = { path: job.abs, displayPath: job.displayPath };
    const t0 = performance.now();
    const read = readInput(job.abs, job.explicit);
    const t1 = performance.now();
    readMs += t1 - t0;
    if (read.kind === 'directory') return null;
    if (read.kind === 'skip') return toData(skippedFile(file, read.reason));
    const parsed = parseFile(file, read.bytes);
    parseMs += performance.now() - t1;
    return toData(parsed);
  });
  parentPort!.postMessage({ files, readMs, parseMs });
});
