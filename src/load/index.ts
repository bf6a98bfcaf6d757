import { readFileSync } from 'node:fs';
import { discover, toDisplayPath } from './discover.js';
import { parseFile, type LoadedFile } from './parse.js';

export { discover, toDisplayPath } from './discover.js';
export type { LoadedFile, LoadProblem } from './parse.js';

export interface LoadResult {
  files: LoadedFile[];
  /** Paths given on the command line that do not exist or cannot be read at all. */
  pathErrors: { path: string; message: string }[];
}

/** Reads and parses every input. A file that cannot be read becomes a skipped file with a notice. */
export function loadInputs(paths: string[], cwd: string, opts: { ignorePaths?: string[]; stdinText?: () => Buffer } = {}): LoadResult {
  const found = discover(paths, cwd, opts.ignorePaths ?? []);
  const files: LoadedFile[] = [];
  if (found.stdin) {
    const bytes = opts.stdinText ? opts.stdinText() : readFileSync(0);
    files.push(parseFile({ path: '<stdin>', displayPath: '<stdin>' }, bytes));
  }
  for (const abs of found.files) {
    const file = { path: abs, displayPath: toDisplayPath(abs, cwd) };
    let bytes: Buffer;
    try {
      bytes = readFileSync(abs);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      const reason = err.code === 'EISDIR' ? 'is a directory' : err.code === 'EACCES' || err.code === 'EPERM' ? 'permission denied' : err.code === 'ELOOP' ? 'symbolic link loop' : err.code === 'ENOENT' ? 'dangling symbolic link or removed while reading' : (err.message ?? String(e));
      files.push({
        file,
        documents: [],
        documentCount: 0,
        skipped: `unreadable: ${reason}`,
        problems: [{ ruleId: 'not-a-manifest', message: `Skipped: the file could not be read (${reason}).`, range: { line: 1, column: 1, endLine: 1, endColumn: 1 } }],
      });
      continue;
    }
    files.push(parseFile(file, bytes));
  }
  return { files, pathErrors: found.errors };
}
