// .mesh-egress-lint.yaml: found from the cwd upward, or given with --config.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { RuleSetting } from './engine.js';
import type { OutboundMode } from './model/policy.js';
import { readMeshConfig } from './model/policy.js';
import { readMeshConfigFile } from './meshconfig.js';
import type { Severity } from './types.js';

export class ConfigError extends Error {}

export const CONFIG_FILE_NAMES = ['.mesh-egress-lint.yaml', '.mesh-egress-lint.yml'];

export interface ResolvedConfig {
  /** Absolute path of the config file, when one was found. */
  file?: string;
  rules?: Record<string, RuleSetting>;
  ignorePaths?: string[];
  namespace?: string;
  istioVersion?: string;
  meshConfig?: { mode?: OutboundMode; rootNamespace?: string; label: string };
  /** Absolute directories. */
  context?: string[];
  failOn?: Severity | 'never';
}

export function findConfig(cwd: string): string | undefined {
  let dir = path.resolve(cwd);
  for (;;) {
    for (const name of CONFIG_FILE_NAMES) {
      const p = path.join(dir, name);
      if (existsSync(p)) return p;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export function loadConfig(cwd: string, explicit?: string): ResolvedConfig {
  const file = explicit ? path.resolve(cwd, explicit) : findConfig(cwd);
  if (!file) return {};
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read config ${explicit ?? file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text, { maxAliasCount: 100 }) ?? {};
  } catch (e) {
    throw new ConfigError(`${rel(cwd, file)}: not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  return resolveConfig(raw, file, cwd);
}

/** Validates and resolves a parsed config object (paths relative to the config file's folder). */
export function resolveConfig(raw: unknown, file: string, cwd: string): ResolvedConfig {
  const where = rel(cwd, file);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError(`${where}: the config must be a mapping`);
  const c = raw as Record<string, unknown>;
  const base = path.dirname(file);
  const out: ResolvedConfig = { file };
  if (c.rules !== undefined) {
    if (typeof c.rules !== 'object' || c.rules === null || Array.isArray(c.rules)) throw new ConfigError(`${where}: rules must be a mapping of rule id to severity`);
    out.rules = {};
    for (const [id, v] of Object.entries(c.rules as Record<string, unknown>)) {
      if (typeof v === 'string') out.rules[id] = { severity: v as Severity | 'off' };
      else if (v && typeof v === 'object') out.rules[id] = { severity: (v as RuleSetting).severity, options: (v as RuleSetting).options };
    }
  }
  if (Array.isArray(c.ignorePaths)) out.ignorePaths = c.ignorePaths.map(String);
  if (typeof c.namespace === 'string') out.namespace = c.namespace;
  if (c.istioVersion !== undefined) out.istioVersion = String(c.istioVersion);
  if (typeof c.meshConfig === 'string') out.meshConfig = readMeshConfigFile(path.resolve(base, c.meshConfig), `meshConfig ${c.meshConfig} (${where})`);
  else if (c.meshConfig && typeof c.meshConfig === 'object') {
    const mc = readMeshConfig(c.meshConfig);
    out.meshConfig = { mode: mc.mode, rootNamespace: mc.rootNamespace, label: `meshConfig in ${where}` };
  }
  if (typeof c.context === 'string') out.context = [path.resolve(base, c.context)];
  else if (Array.isArray(c.context)) out.context = c.context.map((d) => path.resolve(base, String(d)));
  if (typeof c.failOn === 'string') out.failOn = c.failOn as Severity | 'never';
  return out;
}

function rel(cwd: string, file: string): string {
  return path.relative(cwd, file) || file;
}
