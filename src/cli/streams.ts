// Writing the report and messages to the standard streams, synchronously, so that a failed write is
// an error the command line can report in one line (a full disk) or a reader that has gone away
// (`| head -1`) rather than an unhandled stream 'error' event with a stack trace.
import { writeSync } from 'node:fs';

/** A write to standard output that failed for a reason other than the reader closing the pipe. */
export class OutputError extends Error {}

const CODES: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EIO: 'input/output error',
  EFBIG: 'file too large',
  EBADF: 'standard output is closed',
};

/**
 * A writer for file descriptor `fd`. After EPIPE (the reader exited) further output is dropped
 * silently: the lint result and exit code do not depend on who reads them. Other errors throw
 * OutputError when `fatal`, and are dropped otherwise (standard error has nowhere to report to).
 */
export function fdWriter(fd: number, fatal: boolean): (s: string) => void {
  let closed = false;
  return (s: string) => {
    if (closed || s === '') return;
    const bytes = Buffer.from(s, 'utf8');
    let off = 0;
    while (off < bytes.length) {
      try {
        off += writeSync(fd, bytes, off, bytes.length - off);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code ?? '';
        if (code === 'EAGAIN') {
          // A non-blocking pipe that is full: wait for the reader.
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
          continue;
        }
        closed = true;
        if (code === 'EPIPE' || !fatal) return;
        throw new OutputError(`cannot write the report to standard output: ${CODES[code] ?? 'write failed'}${code ? ` (${code})` : ''}`);
      }
    }
  };
}
