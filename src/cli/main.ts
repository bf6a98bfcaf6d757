// argv → options, wiring, exit codes (0 clean, 1 findings at or above --fail-on, 2 usage or input errors).
import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { BaselineError } from '../findings/baseline.js';
import { findConfig, literalGlob, loadConfig, ConfigError, type ResolvedConfig } from '../config/config-file.js';
import { atOrAbove, lint, type LintResult } from '../engine.js';
import { LATEST_ISTIO, type IstioVersion } from '../model/mesh.js';
import { readMeshConfigFile } from '../config/mesh-config-file.js';
import { readStdinBounded } from '../load/read.js';
import { loadRules } from '../rules/index.js';
import type { Finding, Severity } from '../types.js';
import { TOOL } from './version.js';
import { overwrittenInput, writeOutput, type ReadFile } from './output-guard.js';
import { OutputError } from './streams.js';
import { escapeKeepingNewlines } from '../report/escape.js';
import { InputTooLargeError, toDisplayPath } from '../load/index.js';
import { REPORT_FORMATS } from '../report/formats.js';

export class UsageError extends Error {}

const HELP = `Usage: mesh-egress-lint [paths...] [options]
       mesh-egress-lint rules [--format text|json|markdown]
       mesh-egress-lint graph [paths...] [--format json|mermaid|dot|html] [--output FILE]   (see graph --help)

Lints Kubernetes and Istio manifests for egress mistakes. Paths default to "."; directories are
walked for .yaml, .yml and .json files; "-" reads standard input.

Options:
  --format text|json|sarif|github|compact|gitlab|junit
                                      report format (default text; compact: file:line:col: severity message [rule];
                                      gitlab: GitLab Code Quality JSON; junit: JUnit XML)
  --output FILE                       write the report to FILE instead of standard output
  --namespace NS                      namespace of documents without one (default "default")
  --istio-version X.Y                 Istio semantics to apply (default ${LATEST_ISTIO.major}.${LATEST_ISTIO.minor})
  --mesh-config FILE                  MeshConfig YAML (like istioctl --meshConfigFile)
  --config FILE                       config file (default: .mesh-egress-lint.yaml from the cwd upward)
  --context DIR                       load DIR into the model too, without reporting its findings (repeatable)
  --fail-on error|warning|info|never  lowest severity that makes the exit code 1 (default error)
  --quiet                             report errors only; warnings and infos are not counted
  --max-warnings N                    exit 1 when there are more than N warnings
  --baseline FILE                     report only findings not recorded in FILE
  --write-baseline FILE               record the current findings in FILE; they are then reported
                                      as baselined, so the run exits 0
  --stdin-filename NAME               the file name to report standard input ("-") under; documents
                                      after a "# Source: FILE" comment (helm template) are named FILE
  --staged                            lint what git tracks, with its staged contents, and report only
                                      the findings the tree at HEAD does not have, in any file
  --timing                            print time per phase and per rule to standard error
  --no-color                          never colour the text report
  -v, --version                       print the version
  -h, --help                          print this help

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 usage error or nothing to lint.`;

export interface CliIO {
  argv: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  stdin: () => Buffer;
  isTTY: boolean;
}

export async function main(raw: CliIO): Promise<number> {
  // Messages quote paths, config values and rule ids as the user wrote them: no terminal control
  // character may reach standard error raw (line breaks between messages are kept).
  const io: CliIO = { ...raw, stderr: (s) => raw.stderr(escapeKeepingNewlines(s)) };
  try {
    return await run(io);
  } catch (e) {
    if (e instanceof OutputError) {
      io.stderr(`mesh-egress-lint: ${e.message}\n`);
      return 2;
    }
    if (e instanceof ConfigError && e.located) {
      // `<file>:<line>:<col>: message`, the form editors and CI problem matchers read.
      io.stderr(`${e.message}\n`);
      return 2;
    }
    if (e instanceof UsageError || e instanceof ConfigError || e instanceof BaselineError || e instanceof InputTooLargeError) {
      io.stderr(`mesh-egress-lint: ${e.message}\n`);
      return 2;
    }
    io.stderr(`mesh-egress-lint: internal error: ${(e as Error)?.message ?? String(e)}\n`);
    return 2;
  }
}

export const CLI_OPTIONS = {
  format: { type: 'string' },
  output: { type: 'string' },
  namespace: { type: 'string' },
  'istio-version': { type: 'string' },
  'mesh-config': { type: 'string' },
  config: { type: 'string' },
  context: { type: 'string', multiple: true },
  'fail-on': { type: 'string' },
  quiet: { type: 'boolean' },
  'max-warnings': { type: 'string' },
  baseline: { type: 'string' },
  'write-baseline': { type: 'string' },
  staged: { type: 'boolean' },
  'stdin-filename': { type: 'string' },
  timing: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  color: { type: 'boolean' },
  version: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
} as const;

function parseCommandLine(args: string[]) {
  return parseArgs({ args, allowPositionals: true, strict: true, options: CLI_OPTIONS });
}

async function run(io: CliIO): Promise<number> {
  // The egress map has options of its own (src/graph/command.ts).
  if (io.argv[0] === 'graph') return (await import('../graph/command.js')).graphCommand(io, io.argv.slice(1));
  let parsed;
  try {
    parsed = parseCommandLine(io.argv);
  } catch (e) {
    throw new UsageError(`${(e as Error).message.split('\n')[0]} (see --help)`);
  }
  const v = parsed.values;
  if (v.help) {
    io.stdout(`${HELP}\n`);
    return 0;
  }
  if (v.version) {
    io.stdout(`${TOOL.version}\n`);
    return 0;
  }
  if (parsed.positionals[0] === 'rules') return listRules(io, v.format ?? 'text', parsed.positionals.slice(1));

  if (v.staged) return runStaged(io, v, parsed.positionals);
  const run1 = await lintOnce(io, v, parsed.positionals, { cwd: io.cwd, role: 'only' });
  if (typeof run1 === 'number') return run1;
  return report(io, v, run1, run1.shown, run1.summary);
}

type Values = ReturnType<typeof parseCommandLine>['values'];

/** One lint of the inputs as the command line names them, read relative to `where.cwd`. */
interface LintOnce {
  result: LintResult;
  /** The findings to report (after suppressions, the baseline and --quiet). */
  shown: Finding[];
  summary: LintResult['summary'];
  format: string;
  failOn: string;
  maxWarnings: number | undefined;
}

interface Where {
  /** The directory the paths, the config and the options' files are read relative to. */
  cwd: string;
  /** 'only': a plain run; 'head'/'base': the trees --staged compares (base: errors are not fatal). */
  role: 'only' | 'head' | 'base';
  /** The file of the repository a file of a written-out tree stands for (for the output guard). */
  real?: (p: string) => string;
  /** The config file when there is no --config (the search from `cwd` upward, done by the caller; null: none). */
  config?: string | null;
}

async function lintOnce(io: CliIO, v: Values, positionals: string[], where: Where): Promise<LintOnce | number> {
  const cwd = where.cwd;
  const config: ResolvedConfig = where.config === null && !v.config ? {} : loadConfig(cwd, v.config ?? where.config ?? undefined, await loadRules());
  const format = v.format ?? 'text';
  if (!(REPORT_FORMATS as readonly string[]).includes(format)) throw new UsageError(`unknown --format "${format}" (${REPORT_FORMATS.join(', ')})`);
  const failOn = v['fail-on'] ?? config.failOn ?? 'error';
  if (!['error', 'warning', 'info', 'never'].includes(failOn)) throw new UsageError(`unknown --fail-on "${failOn}" (error, warning, info, never)`);
  const maxWarnings = v['max-warnings'] === undefined ? undefined : Number(v['max-warnings']);
  if (maxWarnings !== undefined && (!/^\d+$/.test(v['max-warnings']!) || !Number.isSafeInteger(maxWarnings))) throw new UsageError(`--max-warnings "${v['max-warnings']}" is not a whole number of 0 or more`);
  const istioVersion = parseIstioVersion(v['istio-version'] ?? config.istioVersion);
  const namespace = v.namespace ?? config.namespace ?? 'default';
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(namespace)) throw new UsageError(`--namespace "${namespace}" is not a valid namespace name`);
  let meshConfig = config.meshConfig;
  if (v['mesh-config']) meshConfig = readMeshConfigFile(path.resolve(cwd, v['mesh-config']), `--mesh-config ${v['mesh-config']}`);

  const paths = positionals.length > 0 ? positionals : ['.'];
  const stdinName = v['stdin-filename'];
  if (stdinName !== undefined && !paths.includes('-')) throw new UsageError('--stdin-filename names standard input: give "-" among the paths');
  if (stdinName !== undefined && stdinName.trim() === '') throw new UsageError('--stdin-filename needs a file name');
  const context = [...(config.context ?? []), ...(v.context ?? []).map((d) => contextDir(cwd, d))];
  let stdinBytes: Buffer | undefined;
  const result = await lint({
    paths,
    cwd,
    namespace,
    istioVersion,
    meshConfig,
    assume: config.assume,
    rules: config.rules,
    // Baseline files are JSON next to the manifests, but never manifests.
    ignorePaths: [...(config.ignorePaths ?? []), ...[v.baseline, v['write-baseline']].filter((f): f is string => !!f).map((f) => literalGlob(cwd, path.resolve(cwd, f)))],
    context,
    stdin: () => (stdinBytes = io.stdin()),
  });
  const stdinFile = result.files.find((f) => f.file.path === '<stdin>');
  if (stdinFile && stdinName !== undefined) nameStandardInput(result, stdinFile, toDisplayPath(path.resolve(cwd, stdinName), cwd));
  if (result.pathErrors.length > 0) {
    // A path of the command line that the tree at the base commit does not hold yet: nothing there.
    if (where.role === 'base') return emptyLint(result, format, failOn, maxWarnings);
    const note = where.role === 'head' ? ' (--staged lints only what git tracks, with its staged contents)' : '';
    for (const e of result.pathErrors) io.stderr(`mesh-egress-lint: cannot read ${e.path}: ${e.message}${note}\n`);
    return 2;
  }
  // Never write over what this run read (checked before the baseline is written, too).
  const real = where.real ?? ((p: string) => p);
  const reads: ReadFile[] = [
    ...result.files.map((f) => ({ path: real(f.file.path), role: 'a file this run lints' })),
    ...paths.filter((p) => p !== '-').map((p) => ({ path: real(path.resolve(cwd, p)), role: 'an input named on the command line' })),
    ...(config.file ? [{ path: real(config.file), role: 'the config file' }] : []),
    ...(meshConfig?.file ? [{ path: real(meshConfig.file), role: 'the mesh config file' }] : []),
  ];
  if (v.baseline) reads.push({ path: real(path.resolve(cwd, v.baseline)), role: 'the --baseline file' });
  for (const [flag, target] of [['--write-baseline', v['write-baseline']], ['--output', v.output]] as const) {
    if (!target) continue;
    // Updating the baseline in place (--baseline B --write-baseline B) is what --write-baseline is for.
    const role = overwrittenInput(path.resolve(io.cwd, target), flag === '--write-baseline' ? reads.filter((r) => r.role !== 'the --baseline file') : reads);
    if (role) throw new UsageError(`${flag} ${target} is ${role}; refusing to overwrite it (choose another path)`);
  }
  if (v.output && v['write-baseline'] && path.resolve(io.cwd, v.output) === path.resolve(io.cwd, v['write-baseline'])) {
    throw new UsageError(`--output and --write-baseline name the same file ${v.output}`);
  }
  // Templates are not manifests until rendered; skipping one silently would hide a file from review.
  if (where.role !== 'base') for (const t of result.templates) io.stderr(`mesh-egress-lint: info: skipped ${t.file}: a template, not a manifest; render it and pipe the output to \`mesh-egress-lint -\`, or name the file on the command line to lint it as it is\n`);
  // With --context (changed files judged against a tree) the named files may all be under ignorePaths: nothing to
  // report, not an error; and a change may remove every manifest of a tree.
  if (result.summary.files === 0 && context.length === 0 && where.role === 'only') throw new UsageError(`nothing to lint: no .yaml, .yml or .json files in ${paths.join(', ')}`);
  // Empty standard input is nothing to lint, like an empty directory (a `helm template` that failed
  // upstream must not pass as clean).
  if (paths.every((p) => p === '-') && context.length === 0 && stdinBytes !== undefined && stdinBytes.toString('utf8').trim() === '') {
    throw new UsageError('nothing to lint: standard input is empty');
  }

  const postprocess = await import('../findings/postprocess.js');
  // `helm template … | mesh-egress-lint -`: findings name the template and the line in its rendered
  // document; suppression comments are read before (on the stream), the baseline records the template names.
  let relocate: ((findings: Finding[]) => void) | undefined;
  if (stdinFile?.text !== undefined) {
    const { mapRenderedSources } = await import('./rendered-sources.js');
    const { displayPath } = stdinFile.file;
    const text = stdinFile.text;
    relocate = (findings) => void mapRenderedSources(findings, displayPath, text);
  }
  const post = postprocess.apply(result, { cwd, baseline: v.baseline, writeBaseline: v['write-baseline'], relocate });
  if (post.written) io.stderr(`mesh-egress-lint: wrote baseline ${post.written.file} (${post.written.findings} finding${post.written.findings === 1 ? '' : 's'})\n`);

  // As ESLint's --quiet: warnings and infos are neither shown, counted in the summary, nor counted
  // for the exit code or --max-warnings.
  let shown = result.findings;
  let summary = result.summary;
  if (v.quiet) {
    shown = shown.filter((f) => f.severity === 'error');
    summary = { ...summary, warnings: 0, infos: 0 };
  }
  return { result, shown, summary, format, failOn, maxWarnings };
}

/**
 * --stdin-filename: standard input is reported under that name (relative to the working
 * directory, as a file would be), for findings, suppressions and fingerprints alike.
 */
function nameStandardInput(result: LintResult, stdin: LintResult['files'][number], name: string): void {
  const before = stdin.file.displayPath;
  stdin.file.displayPath = name;
  for (const f of result.findings) if (f.file === before) f.file = name;
}

function emptyLint(result: LintResult, format: string, failOn: string, maxWarnings: number | undefined): LintOnce {
  return { result, shown: [], summary: { ...result.summary, errors: 0, warnings: 0, infos: 0 }, format, failOn, maxWarnings };
}

/** Writes the report of `shown` and returns the exit code. */
async function report(io: CliIO, v: Values, run: LintOnce, shown: Finding[], summary: LintResult['summary']): Promise<number> {
  const reportStart = performance.now();
  const { result, format, failOn, maxWarnings } = run;
  const { getReporter } = await import('../report/index.js');
  const color = format === 'text' && !v.output && !v['no-color'] && colorWanted(io);
  const severities = Object.fromEntries(Object.entries(result.severities));
  const text = getReporter(format as 'text')({
    tool: TOOL,
    findings: shown,
    summary,
    rules: result.rules,
    severities,
    cwd: io.cwd,
    color,
  });
  const writeError = writeOutput(io.cwd, v.output, text, io.stdout);
  if (writeError) throw new UsageError(writeError);
  if (v.timing) io.stderr(formatTimings(result, performance.now() - reportStart));
  if (maxWarnings !== undefined && summary.warnings > maxWarnings) {
    io.stderr(`mesh-egress-lint: ${summary.warnings} warnings, more than --max-warnings ${maxWarnings}\n`);
    return 1;
  }
  if (failOn === 'never') return 0;
  return shown.some((f) => atOrAbove(f.severity, failOn as Severity)) ? 1 : 0;
}

/**
 * --staged (the pre-commit hook): a change is judged by what it breaks anywhere. The tree at HEAD
 * and the staged tree (the index: tracked files with their staged contents) are each written out
 * and linted whole, with their own config file; the findings of the staged tree whose fingerprint
 * (rule, resource, field path) the HEAD tree does not have are reported, in changed and unchanged
 * files alike. Under `pre-commit run --from-ref A --to-ref B` (PRE_COMMIT_FROM_REF and
 * PRE_COMMIT_TO_REF set) the commits are compared instead: B against its merge base with A, the
 * files `git diff A...B` shows.
 */
async function runStaged(io: CliIO, v: Values, positionals: string[]): Promise<number> {
  if (positionals.includes('-')) throw new UsageError('--staged lints trees from git; it cannot read standard input');
  if (v['write-baseline']) throw new UsageError('--staged reports only new findings; record a baseline without it');
  const git = await import('./git-trees.js');
  if (!git.gitAvailable(io.cwd)) throw new UsageError('--staged needs git, which cannot be run here');
  let root: string;
  try {
    root = git.repositoryRoot(io.cwd);
  } catch {
    throw new UsageError(`--staged: ${io.cwd} is not in a git work tree`);
  }
  const sub = path.relative(root, realpathSync(io.cwd));
  const from = io.env.PRE_COMMIT_FROM_REF;
  const to = io.env.PRE_COMMIT_TO_REF;
  let base: string | undefined;
  let head: string | 'index';
  let label: string;
  if (from && to) {
    const toCommit = git.resolveCommit(root, to);
    if (!toCommit) throw new UsageError(`--staged: PRE_COMMIT_TO_REF "${to}" names no commit`);
    const fromCommit = git.resolveCommit(root, from);
    if (!fromCommit) throw new UsageError(`--staged: PRE_COMMIT_FROM_REF "${from}" names no commit`);
    base = git.mergeBase(root, fromCommit, toCommit) ?? fromCommit;
    head = toCommit;
    label = `${to} compared with its merge base with ${from}`;
  } else {
    base = git.resolveCommit(root, 'HEAD');
    head = 'index';
    label = base ? 'the staged tree compared with HEAD' : 'the staged tree (no commit yet: every finding is new)';
  }
  // Inside the repository, option paths name files of each tree; elsewhere they stay as given.
  const inRepo = (p: string) => !path.relative(root, p).startsWith('..') && !path.isAbsolute(path.relative(root, p));
  const named = [...positionals, ...(v.context ?? []), v.config, v['mesh-config'], v.baseline]
    .filter((p): p is string => !!p)
    .map((p) => path.resolve(root, sub, p))
    .filter(inRepo)
    .map((p) => path.relative(root, p).split(path.sep).join('/'));
  const scope = named.length > 0 && positionals.length > 0 ? named : [sub === '' ? '.' : sub.split(path.sep).join('/')];
  // A path the linted tree does not hold (untracked, ignored, misspelt) is an error, as a missing
  // path is without --staged: a hook that lints nothing must not pass.
  for (const p of positionals) {
    const rel = path.relative(root, path.resolve(root, sub, p)).split(path.sep).join('/');
    if (inRepo(path.resolve(root, sub, p)) && !git.treeHas(root, head, rel === '' ? '.' : rel)) {
      throw new UsageError(`cannot read ${p}: not in the ${head === 'index' ? 'staged tree' : `tree of ${to}`} (--staged lints only what git tracks, with its staged contents)`);
    }
  }
  // Nothing staged (or committed) under the linted paths: nothing new can be found.
  if (base && !v.timing && (head === 'index' ? !git.indexDiffers(root, base, scope) : !git.commitsDiffer(root, base, head, scope))) {
    // (Machine formats and --output still get their report, empty, from the full comparison.)
    if ((v.format ?? 'text') === 'text' && !v.output) {
      io.stderr(`mesh-egress-lint: ${label}: no changes under ${scope.join(', ')}\n`);
      return 0;
    }
  }
  const wanted = (p: string) => MANIFEST_NAME.test(p) || named.some((n) => n === p);
  const trees: string[] = [];
  try {
    const baseDir = git.writeTree(root, base, wanted);
    trees.push(baseDir);
    const headDir = git.writeTree(root, head, wanted);
    trees.push(headDir);
    const opts = (dir: string, role: 'head' | 'base'): Where => ({
      cwd: path.join(dir, sub),
      role,
      real: (p) => (p.startsWith(dir + path.sep) ? path.join(root, path.relative(dir, p)) : p),
      // The config file is searched from the working directory upward as usual: inside the
      // repository in the tree's own version, above it in the file system.
      config: configIn(dir, sub) ?? findConfig(path.dirname(root)) ?? null,
    });
    const after = await lintOnce(io, v, positionals, opts(headDir, 'head'));
    if (typeof after === 'number') return after;
    let before: LintOnce | undefined;
    try {
      const b = await lintOnce({ ...io, stderr: () => {} }, v, positionals, opts(baseDir, 'base'));
      if (typeof b !== 'number') before = b;
    } catch (e) {
      if (!(e instanceof ConfigError || e instanceof UsageError || e instanceof BaselineError)) throw e;
      io.stderr(`mesh-egress-lint: the tree before the change cannot be linted (${e.message.split('\n')[0]}); every finding counts as new\n`);
    }
    const { findingFingerprint } = await import('../report/fingerprint.js');
    const known = new Map<string, number>();
    for (const f of before?.shown ?? []) known.set(findingFingerprint(f), (known.get(findingFingerprint(f)) ?? 0) + 1);
    const fresh: Finding[] = [];
    for (const f of after.shown) {
      const k = findingFingerprint(f);
      const n = known.get(k) ?? 0;
      if (n > 0) known.set(k, n - 1);
      else fresh.push(f);
    }
    const old = after.shown.length - fresh.length;
    io.stderr(`mesh-egress-lint: ${label}: ${fresh.length} new finding${fresh.length === 1 ? '' : 's'}${old > 0 ? ` (${old} already there before the change, not shown)` : ''}\n`);
    const count = (s: Severity) => fresh.filter((f) => f.severity === s).length;
    return await report(io, v, after, fresh, { ...after.summary, errors: count('error'), warnings: count('warning'), infos: count('info') });
  } finally {
    for (const t of trees) git.removeTree(t);
  }
}

/** The config file a search from `sub` upward finds inside the written-out tree `dir`. */
function configIn(dir: string, sub: string): string | undefined {
  const found = findConfig(path.join(dir, sub));
  return found && found.startsWith(dir + path.sep) ? found : undefined;
}

/** Files of a tree a run may read: manifests (as a walk picks them), templates (named as skipped). */
const MANIFEST_NAME = /\.(ya?ml|json)$|\.(ya?ml|json)\.(tmpl|tpl|template|j2|jinja2?|gotmpl)$|\.template$/i;

/** An absolute --context path; a missing one is a usage error rather than a silently empty context. */
function contextDir(cwd: string, dir: string): string {
  const abs = path.resolve(cwd, dir);
  try {
    statSync(abs);
  } catch {
    throw new UsageError(`--context ${dir}: no such file or directory`);
  }
  return abs;
}

function colorWanted(io: CliIO): boolean {
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  if (io.env.FORCE_COLOR !== undefined) return io.env.FORCE_COLOR !== '0' && io.env.FORCE_COLOR !== 'false';
  return io.isTTY;
}

export function parseIstioVersion(s: string | undefined): IstioVersion {
  if (s === undefined) return LATEST_ISTIO;
  const m = /^(\d+)\.(\d+)(?:\.\d+)?$/.exec(String(s).trim());
  if (!m) throw new UsageError(`--istio-version "${s}" is not of the form X.Y (e.g. 1.22)`);
  return { major: Number(m[1]), minor: Number(m[2]) };
}

async function listRules(io: CliIO, format: string, rest: string[]): Promise<number> {
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}" after "rules"`);
  const rules = await loadRules();
  if (format === 'json') {
    io.stdout(`${JSON.stringify(rules.map((r) => ({ id: r.id, severity: r.severity, summary: r.summary, docs: r.docs, options: r.options ?? [] })), null, 2)}\n`);
  } else if (format === 'markdown') {
    const rows = rules.map((r) => `| [\`${r.id}\`](${r.docs}) | ${r.severity} | ${r.summary.replace(/\|/g, '\\|')} |`);
    io.stdout(['| id | default | summary |', '|---|---|---|', ...rows].join('\n') + '\n');
  } else if (format === 'text') {
    const w = Math.max(...rules.map((r) => r.id.length));
    io.stdout(rules.map((r) => `${r.id.padEnd(w)}  ${r.severity.padEnd(7)}  ${r.summary}`).join('\n') + '\n');
  } else throw new UsageError(`unknown --format "${format}" for rules (text, json, markdown)`);
  return 0;
}

/** ESLint-style TIMING: wall time per phase and per rule (parsing summed over threads). */
function formatTimings(r: LintResult, reportMs: number): string {
  const rows: [string, number][] = [
    ['load', r.timings.load],
    ['parse', r.timings.parse],
    ['model', r.timings.model],
    ...Object.entries(r.timings.rules).map(([id, ms]): [string, number] => [`rule ${id}`, ms]),
    ['locate', r.timings.locate],
    ['report', reportMs],
  ];
  const total = rows.reduce((n, [, ms]) => n + ms, 0);
  const w = Math.max(...rows.map(([k]) => k.length));
  const p = r.timings.parsing;
  return (
    `Timing (ms)\n` +
    rows.map(([k, ms]) => `  ${k.padEnd(w)}  ${ms.toFixed(1).padStart(9)}  ${total > 0 ? ((100 * ms) / total).toFixed(1).padStart(5) : '0.0'}%`).join('\n') +
    `\n  ${'total'.padEnd(w)}  ${total.toFixed(1).padStart(9)}\n` +
    `Parsed ${p.fast + p.full} file(s): ${p.fast} by the fast reader, ${p.full} by the full YAML parser, on ${p.threads} thread(s)` +
    `${p.threads > 1 ? ' (parse: time summed over the threads)' : ''}\n`
  );
}

export function readStdin(): Buffer {
  try {
    // Bounded: piping gigabytes in must not take gigabytes of memory (the input is skipped as too large).
    return readStdinBounded();
  } catch {
    return Buffer.alloc(0);
  }
}
