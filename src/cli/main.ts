// argv → options, wiring, exit codes (0 clean, 1 findings at or above --fail-on, 2 usage or input errors).
import { statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { BaselineError } from '../findings/baseline.js';
import { literalGlob, loadConfig, ConfigError, type ResolvedConfig } from '../config/config-file.js';
import { atOrAbove, lint, type LintResult } from '../engine.js';
import { LATEST_ISTIO, type IstioVersion } from '../model/mesh.js';
import { readMeshConfigFile } from '../config/mesh-config-file.js';
import { readStdinBounded } from '../load/read.js';
import { loadRules } from '../rules/index.js';
import type { Severity } from '../types.js';
import { TOOL } from './version.js';
import { overwrittenInput, type ReadFile } from './output-guard.js';
import { OutputError } from './streams.js';
import { escapeKeepingNewlines } from '../report/escape.js';
import { InputTooLargeError } from '../load/index.js';
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

async function run(io: CliIO): Promise<number> {
  // The egress map has options of its own (src/graph/command.ts).
  if (io.argv[0] === 'graph') return (await import('../graph/command.js')).graphCommand(io, io.argv.slice(1));
  let parsed;
  try {
    parsed = parseArgs({
      args: io.argv,
      allowPositionals: true,
      strict: true,
      options: {
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
        timing: { type: 'boolean' },
        'no-color': { type: 'boolean' },
        color: { type: 'boolean' },
        version: { type: 'boolean', short: 'v' },
        help: { type: 'boolean', short: 'h' },
      },
    });
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

  const config: ResolvedConfig = loadConfig(io.cwd, v.config, await loadRules());
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
  if (v['mesh-config']) meshConfig = readMeshConfigFile(path.resolve(io.cwd, v['mesh-config']), `--mesh-config ${v['mesh-config']}`);

  const paths = parsed.positionals.length > 0 ? parsed.positionals : ['.'];
  const context = [...(config.context ?? []), ...(v.context ?? []).map((d) => contextDir(io.cwd, d))];
  let stdinBytes: Buffer | undefined;
  const result = await lint({
    paths,
    cwd: io.cwd,
    namespace,
    istioVersion,
    meshConfig,
    rules: config.rules,
    // Baseline files are JSON next to the manifests, but never manifests.
    ignorePaths: [...(config.ignorePaths ?? []), ...[v.baseline, v['write-baseline']].filter((f): f is string => !!f).map((f) => literalGlob(io.cwd, path.resolve(io.cwd, f)))],
    context,
    stdin: () => (stdinBytes = io.stdin()),
  });
  if (result.pathErrors.length > 0) {
    for (const e of result.pathErrors) io.stderr(`mesh-egress-lint: cannot read ${e.path}: ${e.message}\n`);
    return 2;
  }
  // Never write over what this run read (checked before the baseline is written, too).
  const reads: ReadFile[] = [
    ...result.files.map((f) => ({ path: f.file.path, role: 'a file this run lints' })),
    ...paths.filter((p) => p !== '-').map((p) => ({ path: path.resolve(io.cwd, p), role: 'an input named on the command line' })),
    ...(config.file ? [{ path: config.file, role: 'the config file' }] : []),
    ...(meshConfig?.file ? [{ path: meshConfig.file, role: 'the mesh config file' }] : []),
  ];
  if (v.baseline) reads.push({ path: path.resolve(io.cwd, v.baseline), role: 'the --baseline file' });
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
  for (const t of result.templates) io.stderr(`mesh-egress-lint: info: skipped ${t.file}: a template, not a manifest; render it and pipe the output to \`mesh-egress-lint -\`, or name the file on the command line to lint it as it is\n`);
  // With --context (the pre-commit form) the named files may all be under ignorePaths: nothing to report, not an error.
  if (result.summary.files === 0 && context.length === 0) throw new UsageError(`nothing to lint: no .yaml, .yml or .json files in ${paths.join(', ')}`);
  // Empty standard input is nothing to lint, like an empty directory (a `helm template` that failed
  // upstream must not pass as clean).
  if (paths.every((p) => p === '-') && context.length === 0 && stdinBytes !== undefined && stdinBytes.toString('utf8').trim() === '') {
    throw new UsageError('nothing to lint: standard input is empty');
  }

  const reportStart = performance.now();
  const postprocess = await import('../findings/postprocess.js');
  const post = postprocess.apply(result, { cwd: io.cwd, baseline: v.baseline, writeBaseline: v['write-baseline'] });
  if (post.written) io.stderr(`mesh-egress-lint: wrote baseline ${post.written.file} (${post.written.findings} finding${post.written.findings === 1 ? '' : 's'})\n`);

  // As ESLint's --quiet: warnings and infos are neither shown, counted in the summary, nor counted
  // for the exit code or --max-warnings.
  let shown = result.findings;
  let summary = result.summary;
  if (v.quiet) {
    shown = shown.filter((f) => f.severity === 'error');
    summary = { ...summary, warnings: 0, infos: 0 };
  }
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
  if (v.output) {
    try {
      writeFileSync(path.resolve(io.cwd, v.output), text);
    } catch (e) {
      throw new UsageError(`cannot write --output ${v.output}: ${(e as Error).message}`);
    }
  } else io.stdout(text);
  if (v.timing) io.stderr(formatTimings(result, performance.now() - reportStart));
  if (maxWarnings !== undefined && summary.warnings > maxWarnings) {
    io.stderr(`mesh-egress-lint: ${summary.warnings} warnings, more than --max-warnings ${maxWarnings}\n`);
    return 1;
  }
  if (failOn === 'never') return 0;
  return shown.some((f) => atOrAbove(f.severity, failOn as Severity)) ? 1 : 0;
}

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
