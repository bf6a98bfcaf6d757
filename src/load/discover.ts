import { fastGlob } from '../util/lazy.js';
import { lstatSync, readdirSync, statSync, type Dirent } from 'node:fs';
import path from 'node:path';

export interface Discovered {
  /** Absolute paths of files to read, sorted. */
  files: string[];
  /** Files named on the command line (read even when they are not regular files: `<(helm template …)`). */
  explicit: Set<string>;
  /** Directories met while walking that could not be listed: their files cannot be accounted for. */
  unreadableDirs: { path: string; message: string }[];
  /** Paths that could not be linted at all (missing, unreadable directories). */
  errors: { path: string; message: string }[];
  /** True when '-' was given. */
  stdin: boolean;
  /** Template files met while walking (`x.yaml.tmpl`, `x.template`): not linted, and said so. */
  templates: string[];
}

const EXTENSIONS = ['.yaml', '.yml', '.json'];
/**
 * Names of manifest templates (envsubst, gomplate, Jinja, Go templates): they hold placeholders,
 * not manifests, so a walk does not read them, but the run says it skipped them.
 */
const TEMPLATE_NAME = /(\.(ya?ml|json)\.(tmpl|tpl|template|j2|jinja2?|gotmpl)|\.template)$/i;
/** Directory names never walked (dot-directories are skipped as well). */
const SKIP_DIRS = new Set(['node_modules']);

/**
 * Expands the command line's paths into files. Directories are walked without following
 * symbolic links (so a link loop cannot trap the walk); a path given as a file is linted
 * whatever its extension. Entries of the walk that are directories are not files (a directory
 * named `x.yaml` is walked like any other); every other entry with a manifest extension
 * (regular files, symbolic links, FIFOs, sockets, devices) is returned, and the reader decides
 * whether it can be read.
 */
export function discover(inputs: string[], cwd: string, ignorePaths: string[] = []): Discovered {
  const files = new Set<string>();
  const templates = new Set<string>();
  const explicit = new Set<string>();
  const errors: Discovered['errors'] = [];
  const unreadableDirs: Discovered['unreadableDirs'] = [];
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
      try {
        readdirSync(abs);
      } catch (e) {
        errors.push({ path: input, message: describeFsError(e) });
        continue;
      }
      walk(abs, files, unreadableDirs, templates);
    } else {
      files.add(abs);
      explicit.add(abs);
    }
  }
  let list = [...files];
  let templateList = [...templates].filter((t) => !files.has(t));
  if (ignorePaths.length > 0) {
    const ignored = new Set(
      fastGlob().sync(ignorePaths, { cwd, absolute: true, dot: true, onlyFiles: false, followSymbolicLinks: false, suppressErrors: true }).map((p) =>
        path.normalize(p),
      ),
    );
    const matchers = ignorePaths.map((g) => globToRegExp(g));
    const keep = (f: string) => {
      if (ignored.has(f)) return false;
      const rel = toDisplayPath(f, cwd);
      return !matchers.some((re) => re.test(rel));
    };
    list = list.filter(keep);
    templateList = templateList.filter(keep);
    for (let i = unreadableDirs.length - 1; i >= 0; i--) if (!keep(unreadableDirs[i]!.path)) unreadableDirs.splice(i, 1);
  }
  list.sort();
  templateList.sort();
  unreadableDirs.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files: list, explicit, unreadableDirs, errors, stdin, templates: templateList };
}

/** Iterative walk (no recursion: depth is bounded by nothing but the file system). */
function walk(root: string, files: Set<string>, unreadable: Discovered['unreadableDirs'], templates: Set<string>): void {
  const stack = [root];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      unreadable.push({ path: dir, message: describeFsError(e) });
      continue;
    }
    for (const entry of entries) {
      const name = entry.name;
      if (name.startsWith('.')) continue;
      const full = path.join(dir, name);
      let isDir = entry.isDirectory();
      if (!isDir && !entry.isFile() && !entry.isSymbolicLink() && !entry.isFIFO() && !entry.isSocket() && !entry.isCharacterDevice() && !entry.isBlockDevice()) {
        // DT_UNKNOWN (some file systems): ask lstat.
        try {
          isDir = lstatSync(full).isDirectory();
        } catch {
          // Vanished: the reader reports it if it matches.
        }
      }
      if (isDir) {
        if (!SKIP_DIRS.has(name)) stack.push(full);
        continue;
      }
      if (EXTENSIONS.some((ext) => name.endsWith(ext) && name.length > ext.length)) files.add(full);
      else if (TEMPLATE_NAME.test(name)) templates.add(full);
    }
  }
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

export function describeFsError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'ENOTDIR':
      return 'not a directory';
    default:
      return oneLine(err.message ?? String(e));
  }
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
