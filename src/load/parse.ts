import { Document, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, type Node } from 'yaml';
import type { FieldPath, ParsedDocument, Range, SourceFile } from '../types.js';

/** A problem found while reading or parsing, before any model exists. */
export interface LoadProblem {
  ruleId: 'yaml-syntax' | 'not-a-manifest';
  message: string;
  range: Range;
  doc?: ParsedDocument;
}

export interface LoadedFile {
  file: SourceFile;
  /** Documents that look like manifests (have apiVersion or kind); List items expanded. */
  documents: ParsedDocument[];
  problems: LoadProblem[];
  /** Number of YAML documents in the file (empty ones included). */
  documentCount: number;
  /** Set when the file as a whole was not linted, with the reason. */
  skipped?: string;
  /** The decoded text (for suppression comments); absent when skipped before decoding. */
  text?: string;
}

export const MAX_ALIAS_COUNT = 1000;
/** Files larger than this are skipped with a notice rather than parsed. */
export const MAX_FILE_BYTES = 32 * 1024 * 1024;

const HELM_TEMPLATE = /\{\{-?\s*(?:\.Values|\.Release|\.Chart|\.Capabilities|\$|include\b|if\b|range\b|with\b|define\b|template\b|end\b|toYaml\b|tpl\b|\/\*)/;

const FIRST: Range = { line: 1, column: 1, endLine: 1, endColumn: 1 };

/** Decodes bytes and parses every document of one file. Never throws. */
export function parseFile(file: SourceFile, bytes: Buffer): LoadedFile {
  const out: LoadedFile = { file, documents: [], problems: [], documentCount: 0 };
  if (bytes.length > MAX_FILE_BYTES) {
    out.skipped = `file is ${(bytes.length / 1048576).toFixed(1)} MiB, over the ${MAX_FILE_BYTES / 1048576} MiB limit`;
    out.problems.push({ ruleId: 'not-a-manifest', message: `Skipped: ${out.skipped}.`, range: FIRST });
    return out;
  }
  const nul = bytes.subarray(0, 8192).indexOf(0);
  if (nul !== -1) {
    out.skipped = 'binary file (contains NUL bytes)';
    out.problems.push({ ruleId: 'not-a-manifest', message: 'Skipped: binary file (contains NUL bytes), not a YAML or JSON manifest.', range: FIRST });
    return out;
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const range = invalidUtf8Position(bytes);
    out.skipped = 'invalid UTF-8';
    out.problems.push({
      ruleId: 'yaml-syntax',
      message: `File is not valid UTF-8 (first invalid byte at line ${range.line}, column ${range.column}); the file was not linted.`,
      range,
    });
    return out;
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  out.text = text;
  return parseText(out, text);
}

function parseText(out: LoadedFile, text: string): LoadedFile {
  if (HELM_TEMPLATE.test(text)) {
    out.skipped = 'Helm template';
    const m = HELM_TEMPLATE.exec(text)!;
    const lc = new LineCounter();
    lc.addNewLine(0);
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lc.addNewLine(i + 1);
    out.problems.push({
      ruleId: 'not-a-manifest',
      message: 'Skipped: this file is a Helm template; lint the rendered output instead: `helm template <chart> | mesh-egress-lint -`.',
      range: offsetRange(lc, m.index, m.index + m[0].length),
    });
    return out;
  }
  const lc = new LineCounter();
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false, strict: true }) as Document.Parsed[];
    if (!Array.isArray(docs)) docs = [];
  } catch (e) {
    out.problems.push({ ruleId: 'yaml-syntax', message: `YAML could not be parsed: ${oneLine(e)}.`, range: FIRST });
    return out;
  }
  out.documentCount = docs.length;
  // The syntax trees are dropped after this function: positions are needed only for the few
  // documents with findings, so the file is parsed again on the first position asked of it.
  const locator = new Locator(text);
  let notManifestReported = false;
  docs.forEach((ydoc, index) => {
    if (ydoc.errors.length > 0) {
      // One finding per document: the first error is the cause, the rest usually follow from it.
      const err = ydoc.errors[0]!;
      out.problems.push({ ruleId: 'yaml-syntax', message: `${yamlMessage(err.message)}.`, range: offsetRange(lc, err.pos[0], err.pos[1]) });
      return;
    }
    let value: unknown;
    try {
      value = ydoc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      const reason =
        e instanceof RangeError
          ? 'the document is nested too deeply to be read'
          : /alias/i.test(String((e as Error).message))
            ? `the document expands more than ${MAX_ALIAS_COUNT} aliases (an alias bomb?)`
            : oneLine(e);
      out.problems.push({ ruleId: 'yaml-syntax', message: `Document not linted: ${reason}.`, range: nodeRange(lc, ydoc.contents) ?? FIRST });
      return;
    }
    if (value === null || value === undefined) return; // empty document
    const docRange = nodeRange(lc, ydoc.contents) ?? FIRST;
    const make = (v: unknown, basePath: FieldPath): ParsedDocument => ({
      file: out.file,
      index,
      value: v,
      basePath,
      range: basePath.length === 0 ? docRange : locatePath(ydoc, lc, basePath, 'value'),
      locate: (path, target = 'value') => {
        const again = locator.get();
        return locatePath(again.docs[index]!, again.lc, basePath.length ? [...basePath, ...path] : path, target);
      },
    });
    if (typeof value !== 'object' || Array.isArray(value)) {
      if (!notManifestReported) {
        notManifestReported = true;
        out.problems.push({
          ruleId: 'not-a-manifest',
          message: `Skipped document ${index + 1}: it is ${Array.isArray(value) ? 'a list' : 'a scalar'}, not a Kubernetes object.`,
          range: docRange,
        });
      }
      return;
    }
    const obj = value as Record<string, unknown>;
    if (isListKind(obj)) {
      (obj.items as unknown[]).forEach((item, i) => {
        if (item && typeof item === 'object' && !Array.isArray(item)) out.documents.push(make(item, ['items', i]));
      });
      return;
    }
    if (typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') {
      if (!notManifestReported) {
        notManifestReported = true;
        const what =
          typeof obj.kind === 'string' ? 'has `kind` but no `apiVersion`' : typeof obj.apiVersion === 'string' ? 'has `apiVersion` but no `kind`' : 'has no `apiVersion` or `kind`';
        out.problems.push({
          ruleId: 'not-a-manifest',
          message: `Skipped: document ${index + 1} ${what} (Helm values, a kustomize file, a patch or a fragment?); lint rendered output with \`helm template … | mesh-egress-lint -\` or \`kustomize build … | mesh-egress-lint -\`.`,
          range: docRange,
        });
      }
      return;
    }
    out.documents.push(make(obj, []));
  });
  return out;
}

/** Re-parses a file's text on demand to answer position questions. */
class Locator {
  private parsed?: { docs: Document.Parsed[]; lc: LineCounter };
  constructor(private readonly text: string) {}
  get(): { docs: Document.Parsed[]; lc: LineCounter } {
    if (!this.parsed) {
      const lc = new LineCounter();
      const docs = parseAllDocuments(this.text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false, strict: true }) as Document.Parsed[];
      this.parsed = { docs: Array.isArray(docs) ? docs : [], lc };
    }
    return this.parsed;
  }
}

function isListKind(obj: Record<string, unknown>): boolean {
  return typeof obj.kind === 'string' && /List$/.test(obj.kind) && Array.isArray(obj.items) && (obj.apiVersion === 'v1' || typeof obj.apiVersion === 'string');
}

function keyMatches(key: unknown, seg: string | number): boolean {
  if (isScalar(key)) return String(key.value) === String(seg);
  return false;
}

/** Walks the YAML AST along `path`. */
function locatePath(doc: Document, lc: LineCounter, path: FieldPath, target: 'key' | 'value'): Range {
  let node: unknown = doc.contents;
  let fallback: Range | undefined = nodeRange(lc, node as Node);
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && keyMatches(p.key, seg));
      if (!pair) return fallback ?? FIRST;
      const keyRange = nodeRange(lc, pair.key as Node);
      if (last && target === 'key' && keyRange) return keyRange;
      const valueRange = nodeRange(lc, pair.value as Node);
      fallback = keyRange ?? fallback;
      if (last) return valueRange ?? keyRange ?? fallback ?? FIRST;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      if (item === undefined) return fallback ?? FIRST;
      const r = nodeRange(lc, item as Node);
      if (last) return r ?? fallback ?? FIRST;
      fallback = r ? { ...r, endLine: r.line, endColumn: r.column + 1 } : fallback;
      node = item;
    } else {
      return fallback ?? FIRST;
    }
  }
  return nodeRange(lc, node as Node) ?? fallback ?? FIRST;
}

function nodeRange(lc: LineCounter, node: Node | null | undefined): Range | undefined {
  const r = node && (node as { range?: [number, number, number] }).range;
  if (!r) return undefined;
  return offsetRange(lc, r[0], r[1]);
}

function offsetRange(lc: LineCounter, start: number, end: number): Range {
  const s = lc.linePos(start);
  const e = lc.linePos(Math.max(start, end));
  return { line: s.line, column: s.col, endLine: e.line, endColumn: e.col };
}

function yamlMessage(message: string): string {
  // The yaml package appends " at line L, column C" and a code excerpt; the position is ours to report.
  return oneLine(message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')).replace(/\.$/, '');
}

function oneLine(e: unknown): string {
  const s = e instanceof Error ? e.message : String(e);
  return s.replace(/\s+/g, ' ').trim();
}

function invalidUtf8Position(bytes: Buffer): Range {
  let line = 1;
  let col = 1;
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let len = 0;
    if (b < 0x80) len = 1;
    else if (b >= 0xc2 && b <= 0xdf) len = 2;
    else if (b >= 0xe0 && b <= 0xef) len = 3;
    else if (b >= 0xf0 && b <= 0xf4) len = 4;
    let ok = len > 0 && i + len <= bytes.length;
    for (let k = 1; ok && k < len; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) ok = false;
    if (ok && len === 3) {
      const cp = ((b & 0x0f) << 12) | ((bytes[i + 1]! & 0x3f) << 6) | (bytes[i + 2]! & 0x3f);
      if (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff)) ok = false;
    }
    if (ok && len === 4) {
      const cp = ((b & 0x07) << 18) | ((bytes[i + 1]! & 0x3f) << 12) | ((bytes[i + 2]! & 0x3f) << 6) | (bytes[i + 3]! & 0x3f);
      if (cp < 0x10000 || cp > 0x10ffff) ok = false;
    }
    if (!ok) return { line, column: col, endLine: line, endColumn: col + 1 };
    if (b === 0x0a) {
      line++;
      col = 1;
    } else col += len === 4 ? 2 : 1;
    i += len;
  }
  return FIRST;
}
