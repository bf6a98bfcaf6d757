import fg from 'fast-glob';
import { statSync } from 'node:fs';
import path from 'node:path';

export interface Discovered {
  /** Absolute paths of files to read, sorted. */
  files: string[];
  /** Paths that could not be linted at all (missing, unreadable directories). */
  errors: { path: string; message: string }[];
  /** True when '-' was given. */
  stdin: boolean;
}

const PATTERNS = ['**/*.yaml', '**/*.yml', '**/*.json'];
const IGNORE = ['**/node_modules/**', '**/.git/**'];

/**
 * Expands the command line's paths into files. Directories are walked without following
 * symbolic links (so a link loop cannot trap the walk); a path given as a file is linted
 * whatever its extension.
 */
export function discover(inputs: string[], cwd: string, ignorePaths: string[] = []): Discovered {
  const files = new Set<string>();
  const errors: Discovered['errors'] = [];
  let stdin = false;
  for (const input of inputs) {
    if (input === '-') {
      stdin = true;
      continue;
    }
    const abs = path.resolve(cwd, input);
    let st;
    try {
      st = statSync(abs);
    } catch (e) {
      errors.push({ path: input, message: describeFsError(e) });
      continue;
    }
    if (st.isDirectory()) {
      let found: string[];
      try {
        found = fg.sync(PATTERNS, {
          cwd: abs,
          absolute: true,
          dot: false,
          onlyFiles: false,
          followSymbolicLinks: false,
          ignore: IGNORE,
          suppressErrors: true,
          unique: true,
        });
      } catch (e) {
        errors.push({ path: input, message: describeFsError(e) });
        continue;
      }
      for (const f of found) files.add(path.normalize(f));
    } else {
      files.add(abs);
    }
  }
  let list = [...files];
  if (ignorePaths.length > 0) {
    const ignored = new Set(
      fg.sync(ignorePaths, { cwd, absolute: true, dot: true, onlyFiles: false, followSymbolicLinks: false, suppressErrors: true }).map((p) =>
        path.normalize(p),
      ),
    );
    const matchers = ignorePaths.map((g) => globToRegExp(g));
    list = list.filter((f) => {
      if (ignored.has(f)) return false;
      const rel = toDisplayPath(f, cwd);
      return !matchers.some((re) => re.test(rel));
    });
  }
  list.sort();
  return { files: list, errors, stdin };
}

export function toDisplayPath(abs: string, cwd: string): string {
  if (abs === '<stdin>') return abs;
  const rel = path.relative(cwd, abs);
  return (rel === '' ? path.basename(abs) : rel).split(path.sep).join('/');
}

/** Minimal glob → RegExp: `**` any path, `*` any segment characters, `?` one character. */
export function globToRegExp(glob: string): RegExp {
  let g = glob.replace(/^\.\//, '');
  if (g.endsWith('/')) g += '**';
  let re = '';
  for (let i = 0; i < g.length; i++) {
    const c = g[i]!;
    if (c === '*') {
      if (g[i + 1] === '*') {
        re += '.*';
        i++;
        if (g[i + 1] === '/') i++;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function describeFsError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    default:
      return err.message ?? String(e);
  }
}
