// .mesh-egress-lint.yaml: found from the cwd upward, or given with --config.
// Validated here, by hand, so that every error is one line with the position of the offending key
// (`<file>:<line>:<col>: unknown key "ignorePath"; did you mean "ignorePaths"?`).
// schemas/config.schema.json describes the same shape for editors; test/config.test.ts keeps the two
// in agreement.
import type { AssumptionsInput } from '../model/assumptions.js';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Node, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import { fastGlob, yaml } from '../util/lazy.js';
import type { RuleSetting } from '../engine.js';
import { readMeshConfigFile } from './mesh-config-file.js';
import type { OutboundMode } from '../model/policy.js';
import { CATALOG_ORDER } from '../rules/index.js';
import type { Rule, RuleOptionDoc } from '../rules/types.js';
import type { Severity } from '../types.js';
import { didYouMean } from '../util/suggest.js';
import { pushAll } from '../util/collections.js';
import { readSettingsFile } from '../load/read.js';

// The yaml package's node tests, loaded only when a config file is read.
const isMap = (n: unknown): n is YAMLMap<unknown, unknown> => yaml().isMap(n);
const isPair = (n: unknown): n is Pair<unknown, unknown> => yaml().isPair(n);
const isScalar = (n: unknown): n is Scalar<unknown> => yaml().isScalar(n);
const isSeq = (n: unknown): n is YAMLSeq<unknown> => yaml().isSeq(n);

export class ConfigError extends Error {
  /** True when the message starts with `<file>:<line>:<col>: ` and is printed as is. */
  readonly located: boolean;
  constructor(message: string, located = false) {
    super(message);
    this.located = located;
  }
}

export const CONFIG_FILE_NAMES = ['.mesh-egress-lint.yaml', '.mesh-egress-lint.yml'];

/** Top-level keys of the config file (the schema's `properties`). */
export const CONFIG_KEYS = ['rules', 'ignorePaths', 'namespace', 'istioVersion', 'meshConfig', 'context', 'failOn', 'assume'] as const;
/** Keys of `assume:` (resources that exist outside the linted files). */
export const ASSUME_KEYS = ['gateways', 'services', 'hosts'] as const;
/** Keys of a rule's object form: `rules: {<id>: {severity, options}}`. */
export const RULE_SETTING_KEYS = ['severity', 'options'] as const;
export const SEVERITY_VALUES = ['error', 'warning', 'info', 'off'] as const;
export const FAIL_ON_VALUES = ['error', 'warning', 'info', 'never'] as const;
/** Keys of an inline `meshConfig:` mapping (a subset of Istio's MeshConfig). */
export const MESH_CONFIG_KEYS = ['outboundTrafficPolicy', 'rootNamespace'] as const;
export const OUTBOUND_POLICY_KEYS = ['mode'] as const;
export const OUTBOUND_MODES = ['ALLOW_ANY', 'REGISTRY_ONLY', 'ALLOW_ANY_DYNAMIC_DNS'] as const;

export interface ResolvedConfig {
  /** Absolute path of the config file, when one was found. */
  file?: string;
  rules?: Record<string, RuleSetting>;
  /** Globs relative to the working directory (rewritten from the config file's folder). */
  ignorePaths?: string[];
  namespace?: string;
  istioVersion?: string;
  meshConfig?: { mode?: OutboundMode; rootNamespace?: string; label: string; config?: unknown; file?: string };
  /** Absolute directories. */
  context?: string[];
  failOn?: Severity | 'never';
  assume?: AssumptionsInput;
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

/**
 * Finds, reads and validates the config. With `rules` (the implemented rules), rule options are
 * checked against each rule's declared options too.
 */
export function loadConfig(cwd: string, explicit?: string, rules?: readonly Rule[]): ResolvedConfig {
  const file = explicit ? path.resolve(cwd, explicit) : findConfig(cwd);
  if (!file) return {};
  const read = readSettingsFile(file);
  if ('error' in read) throw new ConfigError(`cannot read config ${explicit ?? file}: ${read.error}`);
  const text = read.text;
  return parseConfig(text, file, cwd, rules);
}

/** Validates and resolves the text of a config file (paths relative to the config file's folder). */
export function parseConfig(text: string, file: string, cwd: string, rules?: readonly Rule[]): ResolvedConfig {
  return new ConfigReader(text, file, cwd, rules).read();
}

class ConfigReader {
  private readonly lc = new (yaml().LineCounter)();
  private readonly where: string;
  private readonly base: string;

  constructor(
    private readonly text: string,
    private readonly file: string,
    private readonly cwd: string,
    private readonly rules: readonly Rule[] | undefined,
  ) {
    this.where = displayPath(cwd, file);
    this.base = path.dirname(file);
  }

  read(): ResolvedConfig {
    const doc = yaml().parseDocument(this.text, { lineCounter: this.lc, prettyErrors: false, uniqueKeys: true });
    const err = doc.errors[0];
    if (err) this.fail(err.pos[0], `not valid YAML: ${err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`);
    // A config given with --config may sit among the manifests: it is not one.
    const out: ResolvedConfig = { file: this.file, ignorePaths: [literalGlob(this.cwd, this.file)] };
    const root = doc.contents;
    if (root === null || (isScalar(root) && (root.value === null || root.value === undefined))) return out;
    if (!isMap(root)) this.failAt(root, 'the config must be a mapping of settings (rules, ignorePaths, namespace, istioVersion, meshConfig, context, failOn, assume)');

    for (const pair of this.pairs(root)) {
      const key = this.keyOf(pair, CONFIG_KEYS, 'key');
      const value = pair.value as Node | null;
      // `rules:` with nothing under it: the key is there but sets nothing.
      if (value === null || (isScalar(value) && value.value === null)) continue;
      switch (key) {
        case 'rules':
          out.rules = this.readRules(pair, value);
          break;
        case 'ignorePaths':
          pushAll(out.ignorePaths!, this.ignorePatterns(pair, value).flatMap((s) => this.rebaseGlob(s)));
          break;
        case 'namespace': {
          const ns = this.string(pair, value, 'namespace');
          if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(ns) || ns.length > 63) this.failAt(value ?? pair.key, `namespace "${ns}" is not a valid namespace name`);
          out.namespace = ns;
          break;
        }
        case 'istioVersion':
          out.istioVersion = this.readIstioVersion(pair, value);
          break;
        case 'meshConfig':
          out.meshConfig = this.readMeshConfig(pair, value);
          break;
        case 'context':
          out.context = this.stringList(pair, value, 'context', true).map(({ s, node }) => {
            const dir = path.resolve(this.base, s);
            if (!existsSync(dir)) this.failAt(node, `context path "${s}" does not exist (paths are relative to the config file)`);
            return dir;
          });
          break;
        case 'failOn':
          out.failOn = this.oneOf(pair, value, 'failOn', FAIL_ON_VALUES) as Severity | 'never';
          break;
        case 'assume':
          out.assume = this.readAssume(pair, value);
          break;
      }
    }
    return out;
  }

  // ── sections ──────────────────────────────────────────────────────────────────────────────────

  private readAssume(pair: Pair, value: Node | null): AssumptionsInput {
    if (!isMap(value)) this.failAt(value ?? pair.key, 'assume must be a mapping with gateways, services and hosts (lists of what exists outside the linted files)');
    const out: AssumptionsInput = {};
    const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
    for (const ap of this.pairs(value)) {
      const key = this.keyOf(ap, ASSUME_KEYS, 'key of assume');
      const list = this.stringList(ap, ap.value as Node | null, `assume.${key}`, false);
      if (key === 'hosts') {
        out.hosts = list.map(({ s, node }) => {
          if (!/^(\*\.)?[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?\.?$/.test(s) && s !== '*') this.failAt(node, `assume.hosts entry "${s}" is not a host name (a leading "*." wildcard is allowed)`);
          if (s === '*') this.failAt(node, 'assume.hosts cannot be "*": name the hosts (or "*.domain") that ServiceEntries outside the input register');
          return s;
        });
      } else {
        out[key] = list.map(({ s, node }) => {
          const parts = s.split('/');
          if (parts.length !== 2 || !NAME.test(parts[0]!) || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(parts[1]!)) this.failAt(node, `assume.${key} entry "${s}" must be namespace/name`);
          return s;
        });
      }
    }
    return out;
  }

  private readRules(pair: Pair, value: Node | null): Record<string, RuleSetting> {
    if (!isMap(value)) this.failAt(value ?? pair.key, 'rules must be a mapping of rule id to a severity (error, warning, info, off) or {severity, options}');
    const out: Record<string, RuleSetting> = {};
    for (const rp of this.pairs(value)) {
      const id = this.keyOf(rp, CATALOG_ORDER, 'rule id');
      const v = rp.value as Node | null;
      if (isScalar(v) && typeof v.value === 'string') {
        out[id] = { severity: this.severity(v) };
        continue;
      }
      if (!isMap(v)) this.failAt(v ?? rp.key, `rule ${id} expects a severity (error, warning, info, off) or a mapping {severity, options}`);
      const setting: RuleSetting = {};
      for (const sp of this.pairs(v)) {
        const k = this.keyOf(sp, RULE_SETTING_KEYS, `key of rule ${id}`);
        const sv = sp.value as Node | null;
        if (k === 'severity') {
          if (!isScalar(sv) || typeof sv.value !== 'string') this.failAt(sv ?? sp.key, `severity of rule ${id} must be one of error, warning, info, off`);
          setting.severity = this.severity(sv);
        } else setting.options = this.readOptions(id, sp, sv);
      }
      out[id] = setting;
    }
    return out;
  }

  private readOptions(id: string, pair: Pair, value: Node | null): Record<string, unknown> {
    if (!isMap(value)) this.failAt(value ?? pair.key, `options of rule ${id} must be a mapping of option name to value`);
    const rule = this.rules?.find((r) => r.id === id);
    const declared: readonly RuleOptionDoc[] = rule?.options ?? [];
    const out: Record<string, unknown> = {};
    for (const op of this.pairs(value)) {
      const keyNode = op.key as Node;
      const name = isScalar(keyNode) ? String(keyNode.value) : '';
      const v = op.value as Node | null;
      const js: unknown = v === null ? null : (v as Node).toJSON();
      // A rule of the catalog that this version does not implement: its options cannot be checked.
      if (rule) {
        const doc = declared.find((o) => o.name === name);
        if (!doc) {
          if (declared.length === 0) this.failAt(keyNode, `rule ${id} has no options (unknown option "${name}")`);
          this.failAt(keyNode, `unknown option "${name}" of rule ${id}${didYouMean(name, declared.map((o) => o.name))}`);
        }
        if (!hasOptionType(js, doc.type)) this.failAt(v ?? keyNode, `option "${name}" of rule ${id} must be ${article(doc.type)}`);
      }
      out[name] = js;
    }
    return out;
  }

  private readIstioVersion(pair: Pair, value: Node | null): string {
    // `istioVersion: 1.20` is the number 1.2 to YAML: read the text as written.
    if (!isScalar(value) || (typeof value.value !== 'string' && typeof value.value !== 'number')) this.failAt(value ?? pair.key, 'istioVersion must be a version of the form X.Y, e.g. "1.22"');
    const text = typeof value.value === 'number' ? (value.source ?? String(value.value)) : value.value;
    if (!/^\d+\.\d+$/.test(text)) this.failAt(value, `istioVersion "${text}" is not of the form X.Y (e.g. "1.22")`);
    return text;
  }

  private readMeshConfig(pair: Pair, value: Node | null): NonNullable<ResolvedConfig['meshConfig']> {
    if (isScalar(value) && typeof value.value === 'string') {
      const file = path.resolve(this.base, value.value);
      if (!existsSync(file)) this.failAt(value, `meshConfig file "${value.value}" does not exist (paths are relative to the config file)`);
      return readMeshConfigFile(file, `meshConfig ${value.value} (${this.where})`);
    }
    if (!isMap(value)) this.failAt(value ?? pair.key, 'meshConfig must be the path of a MeshConfig file or a mapping {outboundTrafficPolicy: {mode}, rootNamespace}');
    const out: NonNullable<ResolvedConfig['meshConfig']> = { label: `meshConfig in ${this.where}` };
    for (const mp of this.pairs(value)) {
      const k = this.keyOf(mp, MESH_CONFIG_KEYS, 'key of meshConfig');
      const v = mp.value as Node | null;
      if (k === 'rootNamespace') out.rootNamespace = this.string(mp, v, 'meshConfig.rootNamespace');
      else {
        if (!isMap(v)) this.failAt(v ?? mp.key, 'meshConfig.outboundTrafficPolicy must be a mapping {mode: ALLOW_ANY | REGISTRY_ONLY}');
        for (const op of this.pairs(v)) {
          this.keyOf(op, OUTBOUND_POLICY_KEYS, 'key of meshConfig.outboundTrafficPolicy');
          out.mode = this.oneOf(op, op.value as Node | null, 'meshConfig.outboundTrafficPolicy.mode', OUTBOUND_MODES) as OutboundMode;
        }
      }
    }
    return out;
  }

  /**
   * The ignorePaths list, bounded: the glob matcher expands braces before matching, so
   * `{1..10000000}` or twenty-four `{a,b}` would take all memory; each entry may expand to at most
   * MAX_GLOB_EXPANSIONS patterns, and the list may hold at most MAX_IGNORE_PATHS entries.
   */
  private ignorePatterns(pair: Pair, value: Node | null): string[] {
    const list = this.stringList(pair, value, 'ignorePaths', false);
    if (list.length > MAX_IGNORE_PATHS) this.failAt(list[MAX_IGNORE_PATHS]!.node, `ignorePaths has ${list.length.toLocaleString('en-US')} entries; at most ${MAX_IGNORE_PATHS.toLocaleString('en-US')} are allowed (use wider patterns)`);
    for (const { s, node } of list) {
      if (s.length > MAX_GLOB_LENGTH) this.failAt(node, `this ignorePaths entry is ${s.length.toLocaleString('en-US')} characters long; at most ${MAX_GLOB_LENGTH.toLocaleString('en-US')} are allowed`);
      const n = braceExpansions(s);
      if (n > MAX_GLOB_EXPANSIONS) this.failAt(node, `ignorePaths entry "${s.length > 60 ? `${s.slice(0, 57)}...` : s}" expands to ${n >= 1e12 ? 'over 10^12' : n.toLocaleString('en-US')} patterns (braces); at most ${MAX_GLOB_EXPANSIONS.toLocaleString('en-US')} are allowed`);
    }
    return list.map(({ s }) => s);
  }

  /**
   * ignorePaths are written relative to the config file's folder; the loader matches them against
   * paths relative to the working directory, so prefix them with the way from one to the other.
   * A pattern also ignores everything under it when it names a directory (`vendor`, `vendor/`).
   */
  private rebaseGlob(glob: string): string[] {
    let g = glob.replace(/^\.\//, '').replace(/\/+$/, '');
    if (g === '') g = '**';
    const patterns = g.endsWith('**') ? [g] : [g, `${g}/**`];
    if (path.isAbsolute(g)) return patterns;
    const prefix = path.relative(this.cwd, this.base).split(path.sep).join('/');
    return prefix === '' ? patterns : patterns.map((p) => `${prefix}/${p}`);
  }

  // ── scalars ───────────────────────────────────────────────────────────────────────────────────

  private severity(node: Node): Severity | 'off' {
    const s = String((node as { value?: unknown }).value);
    if (!(SEVERITY_VALUES as readonly string[]).includes(s)) this.failAt(node, `unknown severity "${s}"${didYouMean(s, SEVERITY_VALUES)} (error, warning, info, off)`);
    return s as Severity | 'off';
  }

  private oneOf(pair: Pair, value: Node | null, name: string, allowed: readonly string[]): string {
    if (!isScalar(value) || typeof value.value !== 'string') this.failAt(value ?? pair.key, `${name} must be one of ${allowed.join(', ')}`);
    const s = value.value;
    if (!allowed.includes(s)) this.failAt(value, `unknown ${name} "${s}"${didYouMean(s, allowed)} (${allowed.join(', ')})`);
    return s;
  }

  private string(pair: Pair, value: Node | null, name: string): string {
    if (!isScalar(value) || typeof value.value !== 'string') this.failAt(value ?? pair.key, `${name} must be a string`);
    return value.value;
  }

  private stringList(pair: Pair, value: Node | null, name: string, allowSingle: boolean): { s: string; node: Node }[] {
    if (allowSingle && isScalar(value) && typeof value.value === 'string') return [{ s: value.value, node: value }];
    const expected = allowSingle ? `${name} must be a string or a list of strings` : `${name} must be a list of strings`;
    if (!isSeq(value)) this.failAt(value ?? pair.key, expected);
    return value.items.map((item) => {
      if (!isScalar(item) || typeof item.value !== 'string') this.failAt((item as Node | null) ?? value, expected);
      return { s: item.value, node: item };
    });
  }

  // ── keys and errors ───────────────────────────────────────────────────────────────────────────

  private pairs(map: YAMLMap): Pair[] {
    return map.items.filter((p): p is Pair => isPair(p));
  }

  /** The key of `pair` when it is one of `known`, else a located "unknown …; did you mean …?" error. */
  private keyOf<T extends string>(pair: Pair, known: readonly T[], what: string): T {
    const node = pair.key as Node | null;
    const key = isScalar(node) ? String(node.value) : undefined;
    if (key === undefined) this.failAt(node, `a ${what} must be a plain string`);
    if ((known as readonly string[]).includes(key)) return key as T;
    const hint = didYouMean(key, known);
    this.failAt(node, `unknown ${what} "${key}"${hint || (known.length <= 10 ? ` (known: ${known.join(', ')})` : '')}`);
  }

  private failAt(node: unknown, message: string): never {
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    this.fail(range ? range[0] : 0, message);
  }

  private fail(offset: number, message: string): never {
    const { line, col } = this.lc.linePos(offset);
    throw new ConfigError(`${this.where}:${line}:${col}: ${message}`, true);
  }
}

export const MAX_IGNORE_PATHS = 10_000;
export const MAX_GLOB_LENGTH = 4096;
export const MAX_GLOB_EXPANSIONS = 1000;

/**
 * How many patterns brace expansion makes of `glob` (`{a,b}` two, `{1..10}` ten, groups multiply),
 * capped at 10^12. Computed without expanding anything.
 */
export function braceExpansions(glob: string): number {
  const CAP = 1e12;
  let i = 0;
  // The product of the groups up to the next `,` or `}` (or the end).
  const sequence = (): number => {
    let product = 1;
    while (i < glob.length && glob[i] !== ',' && glob[i] !== '}') {
      if (glob[i] === '\\') i += 2;
      else if (glob[i] === '{') {
        i++;
        product = Math.min(CAP, product * group());
      } else i++;
    }
    return product;
  };
  // After `{`: a range `a..b[..step]`, or alternatives separated by `,` up to `}`.
  const group = (): number => {
    const range = /^(-?\d+|[A-Za-z])\.\.(-?\d+|[A-Za-z])(?:\.\.(-?\d+))?\}/.exec(glob.slice(i, i + 64));
    if (range) {
      i += range[0].length;
      const end = (x: string) => (/^-?\d+$/.test(x) ? Number(x) : x.charCodeAt(0));
      const step = Math.max(1, Math.abs(Number(range[3] ?? 1)));
      return Math.min(CAP, Math.floor(Math.abs(end(range[2]!) - end(range[1]!)) / step) + 1);
    }
    let sum = 0;
    for (;;) {
      sum = Math.min(CAP, sum + sequence());
      if (glob[i] === ',') i++;
      else {
        if (glob[i] === '}') i++;
        return sum;
      }
    }
  };
  let total = 1;
  while (i < glob.length) {
    total = Math.min(CAP, total * sequence());
    if (i < glob.length) i++; // a `,` or `}` outside any group is a literal character
  }
  return total;
}

/** A glob (relative to `cwd`) matching exactly the file `abs`: to keep the linter's own files out of the input. */
export function literalGlob(cwd: string, abs: string): string {
  return fastGlob().escapePath(path.relative(cwd, abs).split(path.sep).join('/'));
}

function hasOptionType(v: unknown, type: RuleOptionDoc['type']): boolean {
  switch (type) {
    case 'boolean':
      return typeof v === 'boolean';
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'string':
      return typeof v === 'string';
    case 'string[]':
      return Array.isArray(v) && v.every((x) => typeof x === 'string');
  }
}

function article(type: RuleOptionDoc['type']): string {
  return type === 'string[]' ? 'a list of strings' : type === 'boolean' ? 'true or false' : `a ${type}`;
}

function displayPath(cwd: string, file: string): string {
  const rel = path.relative(cwd, file);
  return (rel === '' || rel.startsWith('..') ? file : rel).split(path.sep).join('/');
}
