// Worker thread: reads and parses a share of the input files (see pool.ts). Parsing is most of a
// large run's time, and it is independent per file.
import { parentPort } from 'node:worker_threads';
import { parseFile, skippedFile, toData, type LoadedFileData } from './parse.js';
import { readInput } from './read.js';

export interface ParseJob {
  abs: string;
  displayPath: string;
  explicit: boolean;
}

parentPort?.on('message', (jobs: ParseJob[]) => {
  const out: (LoadedFileData | null)[] = jobs.map((job) => {
    const file = { path: job.abs, displayPath: job.displayPath };
    const read = readInput(job.abs, job.explicit);
    if (read.kind === 'directory') return null;
    return toData(read.kind === 'skip' ? skippedFile(file, read.reason) : parseFile(file, read.bytes));
  });
  parentPort!.postMessage(out);
});
