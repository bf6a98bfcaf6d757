import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { MAX_DOCUMENT_BYTES, MAX_INPUT_BYTES } from './parse.js';

/** A settings file (the config, a MeshConfig, a baseline) is one document: the same bound. */
const MAX_SETTINGS_BYTES = MAX_DOCUMENT_BYTES;

/** How the reason of every skip for a read failure begins (the file exists but cannot be read). */
export const UNREADABLE = 'the file could not be read';

export type ReadResult =
  | { kind: 'bytes'; bytes: Buffer }
  /** Not a file (a directory, or a link to one): not an input, nothing to account for. */
  | { kind: 'directory' }
  /** A file that is not linted, with the reason (shown after "Skipped: "). */
  | { kind: 'skip'; reason: string };

/**
 * Reads one input file, read-only and bounded: never more than MAX_INPUT_BYTES + 1 bytes, never
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
  if (st.isFile() && st.size > MAX_INPUT_BYTES) return { kind: 'skip', reason: tooLarge(st.size) };
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
    if (fst.isFile() && fst.size > MAX_INPUT_BYTES) return { kind: 'skip', reason: tooLarge(fst.size) };
    const bytes = readBounded(fd, fst.isFile() ? fst.size : 65536, MAX_INPUT_BYTES + 1);
    if (bytes.length > MAX_INPUT_BYTES) return { kind: 'skip', reason: tooLarge(bytes.length, true) };
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
 * Standard input, up to MAX_INPUT_BYTES + 1 bytes (more is not read: the file is then skipped as too
 * large, as a file would be). A non-blocking stdin (EAGAIN) is waited for, not taken as empty.
 */
export function readStdinBounded(): Buffer {
  return readBounded(0, 65536, MAX_INPUT_BYTES + 1, true);
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
  const limit = `${MAX_INPUT_BYTES / 1048576} MiB`;
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

/**
 * Reads a settings file (the config, a MeshConfig, a baseline) the way inputs are read: a regular
 * file only (a FIFO or `/dev/zero` would block or never end), at most MAX_SETTINGS_BYTES, decoded as
 * UTF-8 (a byte-order mark is dropped) or as UTF-16 with a byte-order mark. Never throws: the
 * error is one phrase to follow the file's name ("no such file", "is a named pipe (FIFO), …").
 */
export function readSettingsFile(abs: string): { text: string } | { error: string } {
  let st: Stats;
  try {
    st = statSync(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { error: code === 'ENOENT' || code === 'ENOTDIR' ? 'no such file' : openError(abs, e).replace(/^the file could not be read \((.*)\)$/, '$1') };
  }
  if (st.isDirectory()) return { error: 'is a directory' };
  if (!st.isFile()) return { error: `is ${kindOf(st)}, not a regular file` };
  if (st.size > MAX_SETTINGS_BYTES) return { error: `is ${(st.size / 1048576).toFixed(1)} MiB, over the ${MAX_SETTINGS_BYTES / 1048576} MiB limit` };
  let bytes: Buffer;
  let fd: number | undefined;
  try {
    fd = openSync(abs, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0));
    const fst = fstatSync(fd);
    if (!fst.isFile()) return { error: `is ${kindOf(fst)}, not a regular file` };
    bytes = readBounded(fd, fst.size, MAX_SETTINGS_BYTES + 1);
  } catch (e) {
    return { error: openError(abs, e).replace(/^the file could not be read \((.*)\)$/, '$1') };
  } finally {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // Nothing to do.
      }
    }
  }
  if (bytes.length > MAX_SETTINGS_BYTES) return { error: `is larger than the ${MAX_SETTINGS_BYTES / 1048576} MiB limit` };
  return decodeSettingsText(bytes);
}

/** UTF-8 (with or without a byte-order mark) or UTF-16 with one; anything else is an error phrase. */
export function decodeSettingsText(bytes: Buffer): { text: string } | { error: string } {
  let encoding: 'utf-8' | 'utf-16le' | 'utf-16be' = 'utf-8';
  let start = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
  else if ((bytes[0] === 0xff && bytes[1] === 0xfe && bytes[2] === 0 && bytes[3] === 0) || (bytes[0] === 0 && bytes[1] === 0 && bytes[2] === 0xfe && bytes[3] === 0xff)) {
    return { error: 'is UTF-32 text; save it as UTF-8' };
  } else if (bytes[0] === 0xff && bytes[1] === 0xfe) [encoding, start] = ['utf-16le', 2];
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) [encoding, start] = ['utf-16be', 2];
  let text: string;
  try {
    text = new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes.subarray(start));
  } catch {
    return { error: encoding === 'utf-8' ? 'is not valid UTF-8 text' : `is not valid ${encoding.toUpperCase()} text` };
  }
  if (text.includes('\0')) return { error: 'holds NUL bytes: not a text file (UTF-16 or UTF-32 without a byte-order mark?)' };
  return { text };
}
