// Worker thread: reads and parses a share of the input files (see pool.ts). Parsing is most of a
// large run's time, and it is independent per file.
import { parentPort } from 'node:worker_threads';
import { runJob, type ParseJob } from './job.js';
import { toData, type LoadedFileData } from './parse.js';

parentPort?.on('message', (jobs: ParseJob[]) => {
  const stats = { parseMs: 0 };
  const files: (LoadedFileData | null)[] = jobs.map((job) => {
    const lf = runJob(job, stats);
    return lf ? toData(lf) : null;
  });
  parentPort!.postMessage({ files, parseMs: stats.parseMs });
});
