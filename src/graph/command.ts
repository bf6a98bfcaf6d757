// `mesh-egress-lint graph [paths...] [--format json|mermaid|dot|html] [--output FILE]`: lints the
// input (the map shows the run's findings on each route) and prints the egress map.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/config-file.js';
import { readMeshConfigFile } from '../config/mesh-config-file.js';
import { lint } from '../engine.js';
import { loadRules } from '../rules/index.js';
import { overwrittenInput, writeOutput, type ReadFile } from '../cli/output-guard.js';
import { TOOL } from '../cli/version.js';
import { CLI_OPTIONS, parseIstioVersion, UsageError, type CliIO } from '../cli/main.js';
import { buildEgressMap, egressMapJson, type EgressMap } from './egress-map.js';
import { mermaidMap } from './mermaid.js';
import { dotMap } from './dot.js';
import { htmlMap } from './html.js';

/** The lint options that also mean something for the map, spelled once in the lint command. */
const GRAPH_OPTIONS = {
  format: CLI_OPTIONS.format,
  output: CLI_OPTIONS.output,
  namespace: CLI_OPTIONS.namespace,
  'istio-version': CLI_OPTIONS['istio-version'],
  'mesh-config': CLI_OPTIONS['mesh-config'],
  config: CLI_OPTIONS.config,
  help: CLI_OPTIONS.help,
} as const;

export const GRAPH_FORMATS = ['json', 'mermaid', 'dot', 'html'] as const;
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

export const GRAPH_HELP = `Usage: mesh-egress-lint graph [paths...] [--format json|mermaid|dot|html] [--output FILE]

Prints the egress map: for every workload and every external host it calls or its namespace sees
in the registry, the hops on the way (sidecar or ztunnel, waypoint, egress gateways, upstream),
the TLS of each hop, the outbound policy and who set it, the outcome (allowed, blocked,
passthrough, broken) and the findings on the path.

Options:
  --format json|mermaid|dot|html      json (default; the documented contract), mermaid or dot
                                      for docs, html for one self-contained page (inline SVG)
  --output FILE                       write the map to FILE instead of standard output
  --namespace NS                      namespace of documents without one (default "default")
  --istio-version X.Y                 Istio semantics to apply
  --mesh-config FILE                  MeshConfig YAML (like istioctl --meshConfigFile)
  --config FILE                       config file (default: .mesh-egress-lint.yaml from the cwd upward)
  -h, --help                          print this help

Exit codes: 0 the map was written; 2 usage error or nothing to map.`;

export function renderMap(map: EgressMap, format: GraphFormat): string {
  switch (format) {
    case 'json':
      return egressMapJson(map);
    case 'mermaid':
      return mermaidMap(map);
    case 'dot':
      return dotMap(map);
    case 'html':
      return htmlMap(map);
  }
}

export async function graphCommand(io: CliIO, argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: GRAPH_OPTIONS,
    });
  } catch (e) {
    throw new UsageError(`${(e as Error).message.split('\n')[0]} (see graph --help)`);
  }
  const v = parsed.values;
  if (v.help) {
    io.stdout(`${GRAPH_HELP}\n`);
    return 0;
  }
  const format = v.format ?? 'json';
  if (!(GRAPH_FORMATS as readonly string[]).includes(format)) throw new UsageError(`unknown --format "${format}" for graph (${GRAPH_FORMATS.join(', ')})`);
  const config = loadConfig(io.cwd, v.config, await loadRules());
  const istioVersion = parseIstioVersion(v['istio-version'] ?? config.istioVersion);
  const namespace = v.namespace ?? config.namespace ?? 'default';
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(namespace)) throw new UsageError(`--namespace "${namespace}" is not a valid namespace name`);
  let meshConfig = config.meshConfig;
  if (v['mesh-config']) meshConfig = readMeshConfigFile(path.resolve(io.cwd, v['mesh-config']), `--mesh-config ${v['mesh-config']}`);
  const paths = parsed.positionals.length > 0 ? parsed.positionals : ['.'];
  const result = await lint({ paths, cwd: io.cwd, namespace, istioVersion, meshConfig, rules: config.rules, ignorePaths: config.ignorePaths, stdin: io.stdin });
  if (result.pathErrors.length > 0) {
    for (const e of result.pathErrors) io.stderr(`mesh-egress-lint: cannot read ${e.path}: ${e.message}\n`);
    return 2;
  }
  if (result.summary.files === 0) throw new UsageError(`nothing to map: no .yaml, .yml or .json files in ${paths.join(', ')}`);
  if (v.output) {
    const reads: ReadFile[] = [
      ...result.files.map((f) => ({ path: f.file.path, role: 'a file this run reads' })),
      ...paths.filter((p) => p !== '-').map((p) => ({ path: path.resolve(io.cwd, p), role: 'an input named on the command line' })),
      ...(config.file ? [{ path: config.file, role: 'the config file' }] : []),
      ...(meshConfig?.file ? [{ path: meshConfig.file, role: 'the mesh config file' }] : []),
    ];
    const role = overwrittenInput(path.resolve(io.cwd, v.output), reads);
    if (role) throw new UsageError(`--output ${v.output} is ${role}; refusing to overwrite it (choose another path)`);
  }
  // Mermaid and DOT print no file:line: their map needs no positions (finding them re-parses documents).
  const positions = format === 'json' || format === 'html';
  const text = renderMap(buildEgressMap(result, { name: TOOL.name, version: TOOL.version }, { positions }), format as GraphFormat);
  const writeError = writeOutput(io.cwd, v.output, text, io.stdout);
  if (writeError) throw new UsageError(writeError);
  return 0;
}
