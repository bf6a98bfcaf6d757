// The linter never writes to its inputs: `--output` and `--write-baseline` may not name a file
// this run reads (a manifest, the config, the baseline, the mesh config), however it is reached
// (the same path, a symbolic link, a hard link). Files are compared by device and inode.
import { statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface ReadFile {
  /** Absolute path. */
  path: string;
  /** What the run reads it as: "a linted file", "the config file", … */
  role: string;
}

/**
 * The role of the file among `reads` that `target` (absolute) would overwrite, or undefined when
 * it is none of them (or does not exist yet).
 */
export function overwrittenInput(target: string, reads: Iterable<ReadFile>): string | undefined {
  const t = identity(target);
  if (!t) return undefined;
  for (const r of reads) {
    const id = identity(r.path);
    if (id === t) return r.role;
  }
  return undefined;
}

function identity(p: string): string | undefined {
  try {
    const st = statSync(path.resolve(p), { bigint: true });
    return st.isFile() ? `${st.dev}:${st.ino}` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Writes a report to `--output FILE` (resolved against `cwd`), or to standard output without one.
 * A write error is returned as one line for the caller's usage error.
 */
export function writeOutput(cwd: string, output: string | undefined, text: string, stdout: (text: string) => void): string | undefined {
  if (!output) {
    stdout(text);
    return undefined;
  }
  try {
    writeFileSync(path.resolve(cwd, output), text);
    return undefined;
  } catch (e) {
    return `cannot write --output ${output}: ${(e as Error).message}`;
  }
}
