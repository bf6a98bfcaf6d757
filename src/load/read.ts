import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { MAX_FILE_BYTES } from './parse.js';

export type ReadResult =
  | { kind: 'bytes'; bytes: Buffer }
  /** Not a file (a directory, or a link to one): not an input, nothing to account for. */
  | { kind: 'directory' }
  /** A file that is not linted, with the reason (shown after "Skipped: "). */
  | { kind: 'skip'; reason: string };

/**
 * Reads one input file, read-only and bounded: never more than MAX_FILE_BYTES + 1 bytes, never
 * blocking on a FIFO or device met while walking a directory (only a path named on the command
 * line may be a pipe, e.g. `<(helm template …)`). Never throws.
 */
export function readInput(abs: string, explicit: boolean): ReadResult {
  // Look before opening: opening a FIFO blocks until a writer appears (and wakes a waiting writer).
  let st: Stats;
  try {
    st = statSync(abs);
  } catch (e) {
    return { kind: 'skip', reason: openError(abs, e) };
  }
  if (st.isDirectory()) return { kind: 'directory' };
  if (!readable(st, explicit)) return { kind: 'skip', reason: `it is ${kindOf(st)}, not a regular file` };
  if (st.isFile() && st.size > MAX_FILE_BYTES) return { kind: 'skip', reason: tooLarge(st.size) };
  let fd: number;
  try {
    // O_NONBLOCK: should the path have become a FIFO since the stat, the open does not hang.
    const flags = constants.O_RDONLY | (explicit ? 0 : (constants.O_NONBLOCK ?? 0)) | (constants.O_NOCTTY ?? 0);
    fd = openSync(abs, flags);
  } catch (e) {
    return { kind: 'skip', reason: openError(abs, e) };
  }
  try {
    const fst = fstatSync(fd);
    if (fst.isDirectory()) return { kind: 'directory' };
    if (!readable(fst, explicit)) return { kind: 'skip', reason: `it is ${kindOf(fst)}, not a regular file` };
    if (fst.isFile() && fst.size > MAX_FILE_BYTES) return { kind: 'skip', reason: tooLarge(fst.size) };
    const bytes = readBounded(fd, fst.isFile() ? fst.size : 65536, MAX_FILE_BYTES + 1);
    if (bytes.length > MAX_FILE_BYTES) return { kind: 'skip', reason: tooLarge(bytes.length, true) };
    return { kind: 'bytes', bytes };
  } catch (e) {
    return { kind: 'skip', reason: `the file could not be read (${readError(e)})` };
  } finally {
    try {
      closeSync(fd);
    } catch {
      // Nothing to do.
    }
  }
}

/**
 * Standard input, up to MAX_FILE_BYTES + 1 bytes (more is not read: the file is then skipped as too
 * large, as a file would be). A non-blocking stdin (EAGAIN) is waited for, not taken as empty.
 */
export function readStdinBounded(): Buffer {
  return readBounded(0, 65536, MAX_FILE_BYTES + 1, true);
}

/** Reads until end of file or `limit` bytes. */
export function readBounded(fd: number, sizeHint: number, limit: number, waitWhenEmpty = false): Buffer {
  let buf = Buffer.allocUnsafe(Math.min(Math.max(sizeHint + 1, 1024), limit));
  let length = 0;
  for (;;) {
    if (length === buf.length) {
      if (buf.length >= limit) break;
      const bigger = Buffer.allocUnsafe(Math.min(buf.length * 2, limit));
      buf.copy(bigger, 0, 0, length);
      buf = bigger;
    }
    let n: number;
    try {
      n = readSync(fd, buf, length, buf.length - length, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      if (!waitWhenEmpty) break; // Non-blocking and no writer: nothing to read.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
      continue;
    }
    if (n === 0) break;
    length += n;
  }
  return buf.subarray(0, length);
}

/** Regular files; pipes and character devices (`/dev/stdin`) only when named on the command line. */
function readable(st: Stats, explicit: boolean): boolean {
  return st.isFile() || (explicit && (st.isFIFO() || st.isCharacterDevice()));
}

function tooLarge(size: number, atLeast = false): string {
  const limit = `${MAX_FILE_BYTES / 1048576} MiB`;
  return atLeast ? `the file is larger than the ${limit} limit` : `the file is ${(size / 1048576).toFixed(1)} MiB, over the ${limit} limit`;
}

function kindOf(st: Stats): string {
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'a special file';
}

function openError(abs: string, e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT': {
      let link = false;
      try {
        link = lstatSync(abs).isSymbolicLink();
      } catch {
        // Not there at all.
      }
      if (link) return 'the file could not be read (dangling symbolic link: its target does not exist)';
      if (abs.includes('\ufffd')) return 'the file could not be read (its name is not valid UTF-8)';
      return 'the file could not be read (it was removed while the linter ran)';
    }
    case 'ELOOP':
      return 'the file could not be read (symbolic link loop)';
    case 'EACCES':
    case 'EPERM':
      return 'the file could not be read (permission denied)';
    default:
      return `the file could not be read (${readError(e)})`;
  }
}

function readError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  // "EIO: i/o error, read" / "ENXIO: no such device or address, open '/path'": no path, code first.
  const text = String(err.message ?? e)
    .replace(/^\w+: /, '')
    .replace(/, \w+ '.*'$/s, '')
    .replace(/\s+/g, ' ')
    .trim();
  return err.code ? `${err.code}: ${text}` : text;
}
