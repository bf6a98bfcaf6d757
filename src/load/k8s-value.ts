// The value of a composed YAML document as Kubernetes reads it: go-yaml v2 decoding into
// interface{} (gopkg.in/yaml.v2 decode.go) followed by sigs.k8s.io/yaml's conversion to JSON.
// The `yaml` package composes the document with its failsafe schema (every scalar a string, its
// style kept), and this module gives each node its value:
// - plain scalars by yaml11-scalars.ts, quoted and block scalars as strings, explicit tags as
//   go-yaml's resolve(tag, text) does (`!!int "5"` is 5; a tag that does not fit is an error);
// - map keys as sigs.k8s.io/yaml turns them into JSON keys (`80` → "80", `on` → "true"); a null key
//   or a collection as a key is an error;
// - merge keys (`<<`, decoder.merge): a map, an alias of one, or a list of them; pairs are applied
//   in the order written, each overwriting what an earlier pair set, and of the maps of a merge list
//   the earlier win; so a key written after `<<` wins over the merged one, and one before it loses;
// - a key written twice: go-yaml keeps the last (kubectl apply --validate=ignore sends that one), and
//   kubectl apply rejects the document by default (strict field validation, the default
//   --validate=strict since Kubernetes 1.27): reported, the last value kept;
// - .inf and .nan: JSON cannot hold them, sigs.k8s.io/yaml fails the document: reported at the node;
// - a stream that starts with `{` is decoded by kubectl with encoding/json instead: a `\u` escape of a
//   lone surrogate is U+FFFD there (go-yaml rejects it).
// Aliases share the value of their anchor's node (converted once), so the cost is linear in the
// document's nodes; expansion and cycles are checked by the caller and here.
import type { Document, Node, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import { yaml } from '../util/lazy.js';
import { jsonKey, resolvePlain, type Resolved } from './yaml11-scalars.js';

/** A reason Kubernetes reads the document otherwise or not at all, at a source range. */
export interface ValueProblem {
  message: string;
  range: [number, number];
}

export interface KubernetesValue {
  value: unknown;
  /** Findings that leave the document linted (duplicate keys, values JSON cannot hold). */
  problems: ValueProblem[];
  /** Set when go-yaml fails on the document (a bad merge, a tag that does not fit, a cycle). */
  fatal?: ValueProblem;
}

const TAG = 'tag:yaml.org,2002:';
/** `\uD800`–`\uDFFF` (or the same as `\U0000D800`) in a double-quoted scalar's source. */
const SURROGATE_ESCAPE = /\\(?:u|U0000)[dD][89a-fA-F][0-9a-fA-F]{2}/;

/** A lone UTF-16 surrogate (not part of a pair). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * A JSON stream's string as encoding/json decodes it: a `\u` escape of a lone surrogate becomes
 * U+FFFD (encoding/json Unmarshal: "invalid UTF-16 surrogate pairs are replaced"); a pair is its character.
 */
function wellFormed(s: string): string {
  return s.replace(LONE_SURROGATE, '\ufffd');
}

class Fatal {
  constructor(readonly problem: ValueProblem) {}
}

/** Whether a pair's key is the merge key: a plain, untagged `<<`, or one tagged !!merge (decode.go isMerge). */
export function isMergeKey(key: unknown): boolean {
  const { isScalar } = yaml();
  if (!isScalar(key)) return false;
  if (key.tag === `${TAG}merge`) return true;
  return key.tag === undefined && key.type === 'PLAIN' && key.value === '<<';
}

/** The JSON key a map key node becomes, or undefined when Kubernetes cannot use it. */
export function keyOf(key: unknown): string | undefined {
  const { isScalar } = yaml();
  if (key === null || key === undefined) return undefined; // `? ` with nothing: a null key
  if (!isScalar(key)) return undefined;
  const r = resolveScalar(key);
  return 'problem' in r ? undefined : jsonKey(r);
}

/** A scalar node's value by go-yaml's resolve(tag, text). */
function resolveScalar(node: Scalar): Resolved | { problem: string } {
  // `source` is the scalar's text as composed (the value may be a tag's own object, such as bytes).
  const text = typeof node.source === 'string' ? node.source : node.value === null || node.value === undefined ? '' : String(node.value);
  const tag = node.tag;
  if (tag === undefined || tag === '!') {
    if (node.type === 'PLAIN' || node.type === undefined) return resolvePlain(text);
    return { kind: 'str', value: text };
  }
  switch (tag) {
    case `${TAG}str`:
    case `${TAG}timestamp`:
      return { kind: 'str', value: text };
    case `${TAG}binary`:
      // decoder.scalar: the text is base64, the value the bytes it holds.
      return { kind: 'str', value: Buffer.from(text.replace(/\s+/g, ''), 'base64').toString('utf8') };
    case `${TAG}int`:
    case `${TAG}float`:
    case `${TAG}bool`:
    case `${TAG}null`: {
      const want = tag.slice(TAG.length);
      const r = resolvePlain(text);
      if (r.kind === want) return r;
      if (want === 'float' && r.kind === 'int') return { kind: 'float', value: r.value };
      return { problem: `Kubernetes cannot decode \`${text.length > 40 ? `${text.slice(0, 40)}…` : text}\` as a !!${want} (go-yaml: it reads as a !!${r.kind}), so it rejects the document` };
    }
    default:
      // Other tags (!!set, !!omap, local tags) are not resolved by go-yaml: the text as it is.
      return { kind: 'str', value: text };
  }
}

/** Converts a composed document (failsafe schema). `text` is the source it was composed from. */
export function kubernetesValue(doc: Document.Parsed, text: string, lineOf: (offset: number) => number, { json = false }: { json?: boolean } = {}): KubernetesValue {
  const { isAlias, isMap, isScalar, isSeq, isPair } = yaml();
  const problems: ValueProblem[] = [];
  const anchors = new Map<string, Node>();
  const done = new Map<Node, unknown>();
  const open = new Set<Node>();

  const fatal = (message: string, node: { range?: [number, number, number] | null } | null | undefined): never => {
    const r = node?.range ?? [0, 0, 0];
    throw new Fatal({ message, range: [r[0], r[1]] });
  };

  const deref = (node: unknown): unknown => {
    if (!isAlias(node)) return node;
    const target = anchors.get(node.source);
    if (!target) fatal(`Unknown anchor \`${node.source}\``, node);
    return target;
  };

  const value = (node: unknown): unknown => {
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      const target = deref(node) as Node;
      if (open.has(target)) fatal('An alias refers to a collection that contains it (a cycle), which go-yaml rejects', node);
      return done.has(target) ? done.get(target) : value(target);
    }
    const n = node as Node;
    if (n.anchor) anchors.set(n.anchor, n);
    let v: unknown;
    if (isScalar(n)) {
      if (!json && n.type === 'QUOTE_DOUBLE' && n.range && SURROGATE_ESCAPE.test(text.slice(n.range[0], n.range[1]))) {
        fatal('A `\\u` escape of a UTF-16 surrogate, which go-yaml rejects (invalid Unicode character escape code), so Kubernetes cannot read the document', n);
      }
      const r = resolveScalar(n);
      v = 'problem' in r ? fatal(r.problem, n) : r.value;
      if (json && typeof v === 'string') v = wellFormed(v);
      if (typeof v === 'number' && !Number.isFinite(v)) {
        problems.push({ message: `\`${String(n.value)}\` is a float JSON cannot hold, so Kubernetes rejects the document (sigs.k8s.io/yaml: json: unsupported value)`, range: [n.range![0], n.range![1]] });
      }
    } else if (isMap(n)) {
      open.add(n);
      v = mapping(n);
      open.delete(n);
    } else if (isSeq(n)) {
      open.add(n);
      v = sequence(n);
      open.delete(n);
    } else if (isPair(n)) {
      // A pair on its own (`[a: b]`): a one-key map.
      v = mapping({ items: [n] } as unknown as YAMLMap);
    } else v = null;
    if (n.anchor) done.set(n, v);
    return v;
  };

  const sequence = (seq: YAMLSeq): unknown[] => {
    const out: unknown[] = [];
    for (const item of seq.items) {
      if (seq.flow) flowIndicatorInPlain(item);
      out.push(value(item));
    }
    return out;
  };

  /**
   * In a flow collection go-yaml reads `?` and a leading `:` as indicators where the `yaml` package
   * reads text (scannerc.go: yaml_parser_fetch_next_token takes `?` and `:` in flow context as the
   * key and value indicators whatever follows; yaml_parser_scan_plain_scalar ends a plain scalar
   * at `?` there). `[http://x/?q=1]` and `[:a]` are errors to Kubernetes; `[?a]` is the map
   * `{a: null}` to it, reported and read here as written.
   */
  const flowIndicatorInPlain = (node: unknown, close = ']'): void => {
    if (isPair(node)) {
      flowIndicatorInPlain(node.key, close);
      flowIndicatorInPlain(node.value, close);
      return;
    }
    if (!isScalar(node) || node.type !== 'PLAIN' || node.tag !== undefined || !node.range) return;
    const src = typeof node.source === 'string' ? node.source : '';
    const quote = 'quote it to keep it a string';
    if (src.startsWith(':')) fatal(`\`${src.slice(0, 40)}\`: in a flow collection go-yaml reads a leading \`:\` as the value indicator, so Kubernetes rejects the document (did not find expected node content); ${quote}`, node);
    if (src.indexOf('?', 1) !== -1) fatal(`\`${src.slice(0, 40)}\`: in a flow collection go-yaml ends a plain scalar at \`?\`, so Kubernetes rejects the document (did not find expected ',' or '${close}'); ${quote}`, node);
    if (src.startsWith('?')) problems.push({ message: `\`${src.slice(0, 40)}\`: in a flow collection go-yaml reads a leading \`?\` as the key indicator, so Kubernetes reads a one-key map here, not this string; ${quote}`, range: [node.range[0], node.range[1]] });
  };

  const assign = (out: Record<string, unknown>, key: string, v: unknown): void => {
    if (key === '__proto__') Object.defineProperty(out, key, { value: v, writable: true, enumerable: true, configurable: true });
    else out[key] = v;
  };

  const merge = (out: Record<string, unknown>, src: unknown, at: Node): void => {
    const want = 'A merge key (`<<`) needs a map or a list of maps as its value (go-yaml rejects the document)';
    const mapOf = (node: unknown): Record<string, unknown> => {
      const target = deref(node);
      if (!isMap(target)) fatal(want, (node as Node) ?? at);
      return value(node) as Record<string, unknown>;
    };
    const target = deref(src);
    const sources = isSeq(target) ? (target as YAMLSeq).items.slice().reverse() : [src];
    if (isSeq(target) && isAlias(src)) fatal(want, src as Node);
    for (const s of sources) {
      const m = mapOf(s);
      for (const k of Object.keys(m)) assign(out, k, m[k]);
    }
  };

  const mapping = (map: YAMLMap): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    const written = new Map<string, Pair>();
    for (const item of map.items) {
      const pair = item as Pair;
      if (map.flow) flowIndicatorInPlain(pair, '}');
      if (isMergeKey(pair.key)) {
        merge(out, pair.value, pair.key as Node);
        continue;
      }
      let keyNode = pair.key as Node | null;
      if (isAlias(keyNode)) keyNode = deref(keyNode) as Node;
      if (keyNode !== null && !isScalar(keyNode)) fatal('A map or list as a map key, which go-yaml rejects', keyNode);
      const read = keyNode === null ? undefined : keyOf(keyNode);
      const key = json && read !== undefined ? wellFormed(read) : read;
      if (key === undefined) {
        fatal(`Map key \`${keyNode ? String((keyNode as Scalar).value) : ''}\` reads as null (or a number beyond int64), which Kubernetes cannot use as a field name, so it rejects the document`, keyNode ?? (pair.value as Node));
      }
      if (keyNode?.anchor) anchors.set(keyNode.anchor, keyNode);
      const v = value(pair.value);
      const first = written.get(key!);
      if (first) {
        const r = (pair.key as Node).range!;
        problems.push({ message: `\`${key}\` is set twice in this map (first on line ${lineOf((first.key as Node).range![0])}): kubectl apply rejects the document (duplicate field; strict field validation is its default, --validate=strict); with --validate=ignore the last one is kept, as read here`, range: [r[0], r[1]] });
      } else written.set(key!, pair);
      assign(out, key!, v);
    }
    return out;
  };

  try {
    return { value: value(doc.contents), problems };
  } catch (e) {
    if (e instanceof Fatal) return { value: undefined, problems, fatal: e.problem };
    throw e;
  }
}
