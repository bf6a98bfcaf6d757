import type { CST, Document, LineCounter, Node, Pair, YAMLError, YAMLMap } from 'yaml';
import { yaml } from '../util/lazy.js';
import type { FieldPath, ParsedDocument, Range, SourceFile } from '../types.js';
import { pushAll } from '../util/collections.js';
import { readFastYaml } from './fast-yaml.js';
import { findUnclosedQuote } from './unclosed-quote.js';
import { joinFlowPlainColons } from './flow-plain-colon.js';
import { isMergeKey, keyOf, kubernetesValue } from './k8s-value.js';

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
  /** Which parser read the text: the fast reader, or the `yaml` package (absent when not parsed). */
  parser?: 'fast' | 'full';
}

/**
 * One input (a file, or standard input) larger than this is skipped with a notice rather than read.
 * `helm template` of a whole platform is one stream, so the bound is on the input, not on its
 * documents, and far above the common case; it stays below V8's longest string (2^29 UTF-16
 * units). Before parsing, the memory check (index.ts) refuses inputs whose model would not fit.
 */
export const MAX_INPUT_BYTES = 256 * 1024 * 1024;
/**
 * One document larger than this is not linted: it gets a finding at its first line and the other
 * documents of its input are linted. Documents are cut at `---` lines, as kubectl cuts a stream.
 */
export const MAX_DOCUMENT_BYTES = 32 * 1024 * 1024;
/**
 * Deepest nesting of collections read. Manifests rarely pass 30 levels; the limit is checked on
 * the parser's tokens (built without recursion) before anything recursive sees the document, so
 * the parser, the schema validators and the rules never meet a stack overflow, and the result
 * does not depend on the stack size.
 */
export const MAX_DEPTH = 256;
/**
 * Values an alias-expanded document may hold beyond one per character of its text. Aliases are
 * shared, not copied, but every consumer walks them as copies: `a: &a [<100k items>]` followed by
 * a thousand `*a` is a 100-million-value document for the rules.
 */
export const ALIAS_EXPANSION_SLACK = 100_000;

// uniqueKeys is checked by k8s-value.ts with a map per YAML map, not by the yaml package, whose
// check compares every key with every earlier key of its map: a 40,000-key map took 48 s.
/**
 * Lexical tokens read for one document at most (TokenBudgetExceeded): the yaml package keeps about
 * 200 bytes per token while it composes a document, so this bounds memory near 1 GB. Typical
 * manifests hold one token per 4–8 bytes; long strings are one token whatever their length.
 */
export const MAX_TOKENS = 4_000_000;

/**
 * The fast reader (fast-yaml.ts) reads texts of any length, but a document longer than this (its
 * text from the end of the one before) sends the file to the full parser. The bound keeps every
 * document it accepts far below the token budget, which is per document, so the two parsers agree
 * on what is too large. The fast reader is linear in the text: one pass, no backtracking.
 */
const FAST_MAX_DOCUMENT_CHARS = MAX_TOKENS / 4;

// The failsafe schema keeps every scalar a string with its style: k8s-value.ts gives them their values
// as Kubernetes does (YAML 1.1), and handles merge keys and duplicate keys as go-yaml does.
const PARSE_OPTIONS = { uniqueKeys: false, prettyErrors: false, strict: true, logLevel: 'error', schema: 'failsafe' } as const;

/**
 * The skip reason of a file this linter wrote (a JSON or SARIF report, a baseline): a later run
 * over the same folder leaves it out rather than calling it not-a-manifest.
 */
export const OWN_REPORT = 'a report written by mesh-egress-lint, not a manifest';

/** A JSON report, a SARIF log or a baseline of mesh-egress-lint (checked on the parsed value). */
function isOwnReport(text: string): boolean {
  const head = text.slice(0, 4096);
  if (!/^\s*\{/.test(head) || !head.includes('"mesh-egress-lint"')) return false;
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    return false;
  }
  const r = o as { tool?: unknown; summary?: unknown; findings?: unknown; version?: unknown; runs?: unknown } | null;
  if (!r || typeof r !== 'object') return false;
  const jsonReport = (r.tool as { name?: unknown } | undefined)?.name === 'mesh-egress-lint' && typeof r.summary === 'object' && Array.isArray(r.findings);
  const baseline = r.tool === 'mesh-egress-lint' && typeof r.version === 'number' && Array.isArray(r.findings);
  const sarif = Array.isArray(r.runs) && (r.runs[0] as { tool?: { driver?: { name?: unknown } } } | undefined)?.tool?.driver?.name === 'mesh-egress-lint';
  return jsonReport || baseline || sarif;
}

/**
 * A stream kubectl decodes as JSON, not YAML: its first character after white space is `{`
 * (apimachinery pkg/util/yaml YAMLOrJSONDecoder, GuessJSONStream: then encoding/json reads it).
 */
const JSON_STREAM = /^\s*\{/;

const HELM_TEMPLATE = /\{\{-?\s*(?:\.Values|\.Release|\.Chart|\.Capabilities|\$|include\b|if\b|range\b|with\b|define\b|template\b|end\b|toYaml\b|tpl\b|\/\*)/;

const FIRST: Range = { line: 1, column: 1, endLine: 1, endColumn: 1 };

/**
 * Decodes bytes and parses every document of one file. Never throws. `fast: false` skips the fast
 * reader (tests compare the two).
 */
export function parseFile(file: SourceFile, bytes: Buffer, { fast = true }: { fast?: boolean } = {}): LoadedFile {
  const out: LoadedFile = { file, documents: [], problems: [], documentCount: 0 };
  try {
    return decodeAndParse(out, bytes, fast);
  } catch (e) {
    // Nothing above is expected to throw; should it, the file is reported, not the run lost.
    const failed: LoadedFile = { file, documents: [], problems: [], documentCount: 0, skipped: 'could not be parsed' };
    failed.problems.push({ ruleId: 'yaml-syntax', message: `The file could not be parsed: ${oneLine(e)}.`, range: FIRST });
    return failed;
  }
}

/** A file that is not linted at all (unreadable, not a regular file, too large). */
export function skippedFile(file: SourceFile, reason: string): LoadedFile {
  return {
    file,
    documents: [],
    documentCount: 0,
    skipped: reason,
    problems: [{ ruleId: 'not-a-manifest', message: `Skipped: ${reason}.`, range: FIRST }],
  };
}

function decodeAndParse(out: LoadedFile, bytes: Buffer, fast: boolean): LoadedFile {
  if (bytes.length > MAX_INPUT_BYTES) {
    // Standard input is read up to one byte over the limit; files are measured before reading (read.ts).
    out.skipped = `the input is larger than the ${MAX_INPUT_BYTES / 1048576} MiB limit`;
    out.problems.push({ ruleId: 'not-a-manifest', message: `Skipped: ${out.skipped}.`, range: FIRST });
    return out;
  }
  // kubectl reads UTF-8, and UTF-16 with a byte order mark (its file reader's unicode.BOMOverride; go-yaml's
  // reader too); a UTF-32 BOM reads as UTF-16 followed by a NUL, which go-yaml rejects.
  if ((bytes[0] === 0xff && bytes[1] === 0xfe && bytes[2] === 0 && bytes[3] === 0) || (bytes[0] === 0 && bytes[1] === 0 && bytes[2] === 0xfe && bytes[3] === 0xff)) {
    out.skipped = 'UTF-32 text';
    out.problems.push({ ruleId: 'yaml-syntax', message: 'The file is UTF-32 (it starts with a UTF-32 byte order mark), which Kubernetes does not read (kubectl reads UTF-8 and UTF-16); the file was not linted.', range: FIRST });
    return out;
  }
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    let text: string;
    try {
      text = new TextDecoder(bytes[0] === 0xff ? 'utf-16le' : 'utf-16be', { fatal: true }).decode(bytes);
    } catch {
      out.skipped = 'invalid UTF-16';
      out.problems.push({ ruleId: 'yaml-syntax', message: 'File starts with a UTF-16 byte order mark but is not valid UTF-16; the file was not linted.', range: FIRST });
      return out;
    }
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return decodedText(out, text, fast);
  }
  const nul = bytes.subarray(0, 8192).indexOf(0);
  if (nul !== -1) {
    out.skipped = 'binary file (contains NUL bytes)';
    out.problems.push({ ruleId: 'not-a-manifest', message: 'Skipped: binary file (contains NUL bytes), not a YAML or JSON manifest.', range: FIRST });
    return out;
  }
  const lateNul = bytes.indexOf(0, 8192);
  if (lateNul !== -1) {
    // A text file with a NUL further in: not binary by the usual test, but not YAML either.
    const lineStart = bytes.lastIndexOf(0x0a, lateNul) + 1;
    const line = countNewlines(bytes, lineStart) + 1;
    const column = new TextDecoder('utf-8').decode(bytes.subarray(lineStart, lateNul)).length + 1;
    out.skipped = 'contains a NUL byte';
    out.problems.push({
      ruleId: 'yaml-syntax',
      message: `File contains a NUL byte (line ${line}, column ${column}), which YAML does not allow; the file was not linted.`,
      range: { line, column, endLine: line, endColumn: column + 1 },
    });
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
  return decodedText(out, text, fast);
}

function decodedText(out: LoadedFile, decoded: string, fast: boolean): LoadedFile {
  if (decoded.indexOf('\0') !== -1) {
    const at = decoded.indexOf('\0');
    const line = decoded.slice(0, at).split('\n').length;
    const column = at - decoded.lastIndexOf('\n', at - 1);
    out.skipped = 'contains a NUL byte';
    out.problems.push({ ruleId: 'yaml-syntax', message: `File contains a NUL character (line ${line}, column ${column}), which YAML does not allow; the file was not linted.`, range: { line, column, endLine: line, endColumn: column + 1 } });
    return out;
  }
  // A lone CR ends a line for go-yaml (and YAML); the `yaml` package reads it as text. Replacing it
  // with LF keeps every offset.
  const text = withoutOversizedDocuments(out, decoded.indexOf('\r') === -1 ? decoded : decoded.replace(/\r(?!\n)/g, '\n'));
  out.text = text;
  const sizeProblems = [...out.problems];
  const parsed = parseText(out, text, fast);
  // A second reading (parseText's retry) starts from an empty LoadedFile.
  if (parsed !== out) parsed.problems.unshift(...sizeProblems.filter((p) => !parsed.problems.includes(p)));
  return parsed;
}

/** A bare `---` line (blanks or a comment after it), where kubectl's YAMLReader cuts a stream. */
const SEPARATOR_LINE = /^---[ \t]*(?:#[^\n]*)?$/gm;

/**
 * The text with every document over MAX_DOCUMENT_BYTES emptied (its lines kept as empty lines, so
 * that every later position stays where it was), each reported at its first line. The `---` line
 * and the comment lines that open the document are kept (helm's `# Source:` header).
 */
function withoutOversizedDocuments(out: LoadedFile, text: string): string {
  // UTF-8 takes at most 3 bytes per UTF-16 unit: a shorter text has no document over the limit.
  if (text.length * 3 <= MAX_DOCUMENT_BYTES) return text;
  const cuts = [0];
  SEPARATOR_LINE.lastIndex = 0;
  for (let m = SEPARATOR_LINE.exec(text); m; m = SEPARATOR_LINE.exec(text)) if (m.index > 0) cuts.push(m.index);
  cuts.push(text.length);
  let result = '';
  let from = 0;
  let line = 1;
  let lineAt = 0;
  for (let i = 0; i + 1 < cuts.length; i++) {
    const [start, end] = [cuts[i]!, cuts[i + 1]!];
    if ((end - start) * 3 <= MAX_DOCUMENT_BYTES) continue;
    const bytes = Buffer.byteLength(text.slice(start, end));
    if (bytes <= MAX_DOCUMENT_BYTES) continue;
    // Keep the opening `---` line and the comment and blank lines after it.
    let keep = start;
    while (keep < end) {
      const lineEnd = text.indexOf('\n', keep);
      const next = lineEnd === -1 || lineEnd >= end ? end : lineEnd + 1;
      const content = text.slice(keep, next).trim();
      if (!(keep === start && text.startsWith('---', start)) && content !== '' && !content.startsWith('#')) break;
      keep = next;
    }
    for (let j = text.indexOf('\n', lineAt); j !== -1 && j < keep; j = text.indexOf('\n', j + 1)) line++;
    lineAt = keep;
    out.problems.push({
      ruleId: 'not-a-manifest',
      message: `Skipped the document at line ${line}: it is ${(bytes / 1048576).toFixed(1)} MiB, over the ${MAX_DOCUMENT_BYTES / 1048576} MiB limit for one document (split it); the other documents were linted.`,
      range: { line, column: 1, endLine: line, endColumn: 1 },
    });
    result += text.slice(from, keep) + text.slice(keep, end).replace(/[^\n]+/g, '');
    from = end;
  }
  return from === 0 ? text : result + text.slice(from);
}

function parseText(out: LoadedFile, text: string, fast: boolean, attempt = 0): LoadedFile {
  if (isOwnReport(text)) {
    out.skipped = OWN_REPORT;
    out.text = undefined;
    return out;
  }
  const helm = HELM_TEMPLATE.exec(text);
  if (helm) {
    out.skipped = 'Helm template';
    const lc = new (yaml().LineCounter)();
    lc.addNewLine(0);
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lc.addNewLine(i + 1);
    out.problems.push({
      ruleId: 'not-a-manifest',
      message: 'Skipped: this file is a Helm template; lint the rendered output instead: `helm template <chart> | mesh-egress-lint -`.',
      range: offsetRange(lc, helm.index, helm.index + helm[0].length),
    });
    return out;
  }
  if (fast && readFast(out, text)) {
    out.parser = 'fast';
    return out;
  }
  out.parser = 'full';
  out.text = text;
  const lc = new (yaml().LineCounter)();
  const locator = new Locator(text);
  let notManifestReported = false;
  let count = 0;
  const stream = composeDocuments(text, lc, MAX_TOKENS);
  const jsonStream = JSON_STREAM.test(text);
  try {
    for (;;) {
      const next = stream.next();
      if (next.done) {
        const streamErrors = next.value;
        if (count === 0 && streamErrors.length > 0) {
          const err = streamErrors[0]!;
          out.problems.push({ ruleId: 'yaml-syntax', message: `${yamlMessage(err)}.`, range: offsetRange(lc, err.pos[0], err.pos[1]) });
        }
        break;
      }
      count++;
      const { doc: ydoc, index, deepAt } = next.value;
      // Each document is read and dropped before the next is composed: only values stay in memory.
      notManifestReported = readDocument(out, ydoc, index, deepAt, lc, locator, notManifestReported, text, jsonStream);
    }
  } catch (e) {
    if (!(e instanceof TokenBudgetExceeded)) throw e;
    const reason = `document ${e.index + 1} holds more than ${MAX_TOKENS.toLocaleString('en-US')} YAML tokens, too many to lint in bounded memory (split it)`;
    const skipped: LoadedFile = { file: out.file, documents: [], documentCount: 0, skipped: reason, text, problems: [] };
    skipped.problems.push({ ruleId: 'not-a-manifest', message: `Skipped: ${reason}.`, range: offsetRange(lc, e.offset, e.offset) });
    return skipped;
  }
  out.documentCount = count;
  if (count === 0) {
    const directive = /^%YAML[ \t]+(\S+)/m.exec(text);
    if (directive && directive[1] !== '1.1') {
      out.problems.push({ ruleId: 'yaml-syntax', message: `Kubernetes cannot read this file: go-yaml reads YAML 1.1 only and rejects \`%YAML ${directive[1]}\` (found incompatible YAML document).`, range: offsetRange(lc, directive.index, directive.index + directive[0].length) });
    } else if (directive || /^%/m.test(text)) {
      const at = directive ? directive.index : text.search(/^%/m);
      const end = text.indexOf('\n', at);
      out.problems.push({ ruleId: 'yaml-syntax', message: 'Kubernetes cannot read this file: it holds a directive and no document, which go-yaml rejects (did not find expected <document start>).', range: offsetRange(lc, at, end === -1 ? text.length : end) });
    }
  }
  lonelyEndMarkers(out, text, lc);
  invalidSeparators(out, text, lc);
  // go-yaml reads a quoted scalar whose continuation lines are indented no more than its key (the
  // `yaml` package does not): indent those lines and read again. Only columns inside the scalar move.
  const unclosed = out.problems.find((p) => p.ruleId === 'yaml-syntax' && /^Missing closing ["'] ?quote/.test(p.message));
  if (unclosed && attempt < 32) {
    const fixed = indentQuotedContinuation(text, lc, unclosed.range);
    if (fixed !== undefined) {
      const again: LoadedFile = { file: out.file, documents: [], problems: [], documentCount: 0 };
      return parseText(again, fixed, false, attempt + 1);
    }
  }
  return out;
}

/**
 * The text with the continuation lines of the quoted scalar opening at `at` indented one column
 * more than the line it opens on, or undefined when there is nothing to change (no closing quote).
 */
function indentQuotedContinuation(text: string, lc: LineCounter, at: Range): string | undefined {
  // The error is reported where the line ends; the scalar opens after `key: ` or `- ` on that line.
  const lineAt = lc.lineStarts[at.line - 1] ?? 0;
  const lineEnd = text.indexOf('\n', lineAt) === -1 ? text.length : text.indexOf('\n', lineAt);
  const opening = /^ *(?:- +)*(?:[^"'#\n]*?: +)?(["'])/.exec(text.slice(lineAt, lineEnd));
  if (!opening) return undefined;
  const quote = opening[1]!;
  const open = lineAt + opening[0].length - 1;
  let close = -1;
  for (let i = open + 1; i < text.length; i++) {
    const c = text[i];
    if (quote === '"' && c === '\\') i++;
    else if (c === quote) {
      if (quote === "'" && text[i + 1] === "'") i++;
      else {
        close = i;
        break;
      }
    }
  }
  if (close === -1) return undefined;
  const lineStart = text.lastIndexOf('\n', open - 1) + 1;
  let indent = 0;
  while (text[lineStart + indent] === ' ') indent++;
  const need = ' '.repeat(indent + 1);
  const body = text.slice(open, close).replace(/\n(?! *(?:\r?\n|$))( *)/g, (m: string, spaces: string) => (spaces.length > indent ? m : `\n${need}`));
  if (body === text.slice(open, close)) return undefined;
  return text.slice(0, open) + body + text.slice(close);
}

/**
 * kubectl cuts a stream into documents at `---` lines before go-yaml reads them
 * (k8s.io/apimachinery util/yaml YAMLReader); a piece holding nothing but a `...` end marker (and
 * comments) is then an error for go-yaml ("did not find expected node content"). The `yaml` package
 * reads it as an empty document.
 */
function lonelyEndMarkers(out: LoadedFile, text: string, lc: Lines): void {
  if (text.indexOf('...') === -1) return;
  const re = /(?:^|\n)---[ \t]*(?:#[^\n]*)?\n(?:[ \t]*(?:#[^\n]*)?\r?\n)*(\.\.\.)(?=[ \t\r\n]|$)|^(?:[ \t]*(?:#[^\n]*)?\r?\n)*(\.\.\.)(?=[ \t\r\n]|$)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const at = m.index + m[0].length - 3;
    out.problems.push({
      ruleId: 'yaml-syntax',
      message: 'A document holding only a `...` end marker: kubectl cuts documents at `---` lines and go-yaml rejects this one (did not find expected node content); remove the `...` line.',
      range: offsetRange(lc, at, at + 3),
    });
  }
}

/**
 * `---` lines with content after them (`--- {a: 1}`, `--- |`): YAML allows them, but kubectl's
 * stream reader (apimachinery pkg/util/yaml YAMLReader.Read) accepts only blanks or a comment after
 * `---` and fails the whole file with "invalid Yaml document separator".
 */
function invalidSeparators(out: LoadedFile, text: string, lc: Lines): void {
  const re = /^---[ \t]*[^\s#][^\n]*$/gm;
  const lines = new Set<number>();
  const found: LoadProblem[] = [];
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const range = offsetRange(lc, m.index, m.index + m[0].replace(/\r$/, '').length);
    lines.add(range.line);
    found.push({
      ruleId: 'yaml-syntax',
      message: 'A line that starts with `---` and has more on it: kubectl reads every such line as a document separator, accepts only blanks or a comment after it, and rejects the whole file (invalid Yaml document separator); move the rest to its own line, or indent it.',
      range,
    });
  }
  if (found.length === 0) return;
  // The same line read by the `yaml` package gives a second, less telling error: one finding per defect.
  out.problems = out.problems.filter((p) => !(p.ruleId === 'yaml-syntax' && lines.has(p.range.line)));
  pushAll(out.problems, found);
}

/**
 * The common case, without syntax trees: every document is empty or a plain manifest (an object
 * with string apiVersion and kind, not a List) in the fast reader's subset of YAML. Returns false,
 * having changed nothing, when the file needs the full parser.
 */
function readFast(out: LoadedFile, text: string): boolean {
  const docs = readFastYaml(text, FAST_MAX_DOCUMENT_CHARS);
  if (!docs) return false;
  for (const { value } of docs) {
    if (value !== null && (typeof value.apiVersion !== 'string' || typeof value.kind !== 'string' || /List$/.test(value.kind))) return false;
  }
  const locator = new Locator(text);
  docs.forEach((d, index) => {
    if (d.value !== null) out.documents.push(makeDocument(out.file, index, d.value, [], undefined, locator, { start: d.start, end: d.end, line: d.line }));
  });
  out.documentCount = docs.length;
  return true;
}

/** Turns one composed document into a ParsedDocument or a problem. Returns notManifestReported. */
function readDocument(out: LoadedFile, ydoc: Document.Parsed, index: number, deepAt: number | undefined, lc: LineCounter, locator: Locator, notManifestReported: boolean, text: string, json: boolean): boolean {
  const read = documentValue(ydoc, deepAt, lc, text, json);
  if ('problem' in read) {
    const err = ydoc.errors[0];
    const open = err?.code === 'MISSING_CHAR' && out.text !== undefined ? findUnclosedQuote(out.text, err.pos[0]) : undefined;
    if (open) {
      const start = lc.linePos(open.offset);
      const lost = open.swallowedDocuments > 0 ? `, so the ${open.swallowedDocuments === 1 ? 'document' : `${open.swallowedDocuments} documents`} after the "---" line${open.swallowedDocuments === 1 ? '' : 's'} in it ${open.swallowedDocuments === 1 ? 'was' : 'were'} not linted` : '';
      out.problems.push({
        ruleId: 'yaml-syntax',
        message: `Missing closing ${open.quote} quote: the string opened here runs to the end of the file (${open.lines} line${open.lines === 1 ? '' : 's'})${lost}.`,
        range: { line: start.line, column: start.col, endLine: start.line, endColumn: start.col + 1 },
      });
      return notManifestReported;
    }
    out.problems.push({ ruleId: 'yaml-syntax', message: `${read.problem}.`, range: read.range });
    return notManifestReported;
  }
  const { value, docRange } = read;
  for (const p of read.problems) out.problems.push({ ruleId: 'yaml-syntax', message: `${p.message}.`, range: p.range });
  if (value === null || value === undefined) return notManifestReported; // empty document
  if (typeof value !== 'object' || Array.isArray(value)) {
    if (!notManifestReported) {
      out.problems.push({
        ruleId: 'not-a-manifest',
        message: `Skipped document ${index + 1}: it is ${Array.isArray(value) ? 'a list' : 'a scalar'}, not a Kubernetes object.`,
        range: docRange,
      });
    }
    return true;
  }
  const start = (ydoc.contents as Node).range![0];
  const span: DocSpan = { start, end: ydoc.range[2], line: lc.linePos(start).line };
  const obj = value as Record<string, unknown>;
  if (isListKind(obj)) {
    let bad = -1;
    (obj.items as unknown[]).forEach((item, i) => {
      if (item && typeof item === 'object' && !Array.isArray(item)) {
        out.documents.push(makeDocument(out.file, index, item, ['items', i], locatePath(ydoc, lc, ['items', i], 'value'), locator, span));
      } else if (bad === -1) bad = i;
    });
    if (bad !== -1 && !notManifestReported) {
      out.problems.push({
        ruleId: 'not-a-manifest',
        message: `Skipped item ${bad} of the ${String(obj.kind)} in document ${index + 1}: it is ${describeValue((obj.items as unknown[])[bad])}, not a Kubernetes object.`,
        range: locatePath(ydoc, lc, ['items', bad], 'value'),
      });
      return true;
    }
    return notManifestReported;
  }
  if (typeof obj.kind === 'string' && /List$/.test(obj.kind) && typeof obj.apiVersion === 'string' && obj.items !== undefined) {
    if (!notManifestReported) {
      out.problems.push({
        ruleId: 'not-a-manifest',
        message: `Skipped: the \`items\` of the ${obj.kind} in document ${index + 1} is ${describeValue(obj.items)}, not a list of Kubernetes objects.`,
        range: locatePath(ydoc, lc, ['items'], 'value'),
      });
    }
    return true;
  }
  if (typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') {
    if (!notManifestReported) {
      const wrongType = (['apiVersion', 'kind'] as const).filter((k) => obj[k] !== undefined && obj[k] !== null && typeof obj[k] !== 'string');
      const what =
        wrongType.length > 0
          ? `has ${wrongType.map((k) => `\`${k}\` as ${describeValue(obj[k])}`).join(' and ')}, not a string`
          : typeof obj.kind === 'string'
            ? 'has `kind` but no `apiVersion`'
            : typeof obj.apiVersion === 'string'
              ? 'has `apiVersion` but no `kind`'
              : 'has no `apiVersion` or `kind`';
      out.problems.push({
        ruleId: 'not-a-manifest',
        message: `Skipped: document ${index + 1} ${what} (Helm values, a kustomize file, a patch or a fragment?); lint rendered output with \`helm template … | mesh-egress-lint -\` or \`kustomize build … | mesh-egress-lint -\`.`,
        range: docRange,
      });
    }
    return true;
  }
  out.documents.push(makeDocument(out.file, index, obj, [], docRange, locator, span));
  return notManifestReported;
}

/**
 * The value of one composed document, or why it cannot be read (as a sentence without the final
 * full stop, and where): nested too deeply, a syntax error (duplicate keys included: the first in
 * the text wins), an alias bomb or cycle.
 */
function documentValue(ydoc: Document.Parsed, deepAt: number | undefined, lc: Lines, text: string, json = false): { value: unknown; docRange: Range; problems: { message: string; range: Range }[] } | { problem: string; range: Range } {
  if (deepAt !== undefined) return { problem: `Document not linted: it is nested more than ${MAX_DEPTH} levels deep`, range: offsetRange(lc, deepAt, deepAt + 1) };
  const err = ydoc.errors[0];
  // One finding per document: the first error is the cause, the rest usually follow from it.
  if (err) return { problem: yamlMessage(err), range: offsetRange(lc, err.pos[0], err.pos[1]) };
  const problems: { message: string; range: Range }[] = [];
  const hasDirectives = ydoc.directives?.yaml.explicit || ydoc.warnings.some((w) => w.code === 'BAD_DIRECTIVE') || /^%/m.test(text.slice(ydoc.range[0], contentStart(ydoc)));
  const marker = hasDirectives ? documentStartMarker(text, contentStart(ydoc)) : undefined;
  if (marker?.bare) {
    // kubectl cuts the stream at every line that is `---` and blanks (apimachinery
    // pkg/util/yaml YAMLReader.Read), so the directives before such a line are a chunk of their own,
    // which go-yaml cannot parse, and the document after it is read without them.
    const at = text.lastIndexOf('\n%', marker.start) + 1;
    const end = text.indexOf('\n', at);
    problems.push({
      message: `kubectl cuts the stream at the \`---\` line ${lc.linePos(marker.start).line}, so the directive lines before it are a document of their own, which go-yaml rejects (did not find expected <document start>): \`kubectl apply\` fails on this file; remove the directives`,
      range: offsetRange(lc, at, end === -1 ? text.length : end),
    });
  } else {
    // go-yaml reads YAML 1.1 only and knows no other directive than %YAML and %TAG (parserc.go
    // yaml_parser_process_directives, scannerc.go): Kubernetes rejects the document.
    const badDirective = ydoc.warnings.find((w) => w.code === 'BAD_DIRECTIVE');
    if (badDirective) return { problem: `Kubernetes cannot read this document: go-yaml rejects an unknown directive (found unknown directive name; ${yamlMessage(badDirective)})`, range: offsetRange(lc, badDirective.pos[0], badDirective.pos[1]) };
    if (ydoc.directives?.yaml.explicit && ydoc.directives.yaml.version !== '1.1') {
      const at = text.lastIndexOf('%YAML', ydoc.range[0]);
      const range = at === -1 ? FIRST : offsetRange(lc, at, text.indexOf('\n', at) === -1 ? text.length : text.indexOf('\n', at));
      return { problem: `Kubernetes cannot read this document: go-yaml reads YAML 1.1 only and rejects \`%YAML ${ydoc.directives.yaml.version}\` (found incompatible YAML document)`, range };
    }
  }
  const docRange = nodeRange(lc, ydoc.contents) ?? FIRST;
  let read: ReturnType<typeof kubernetesValue>;
  try {
    read = kubernetesValue(ydoc, text, (offset) => lc.linePos(offset).line, { json });
  } catch (e) {
    const reason = e instanceof RangeError ? 'it is nested too deeply to be read' : oneLine(e);
    return { problem: `Document not linted: ${reason}`, range: docRange };
  }
  if (read.fatal) return { problem: `Document not linted: ${read.fatal.message}`, range: offsetRange(lc, read.fatal.range[0], read.fatal.range[1]) };
  const [start, , end] = ydoc.range;
  const checked = toPlainData(read.value, end - start + ALIAS_EXPANSION_SLACK);
  if (checked.problem) return { problem: `Document not linted: ${checked.problem}`, range: docRange };
  pushAll(problems, read.problems.map((p) => ({ message: p.message, range: offsetRange(lc, p.range[0], p.range[1]) })));
  return { value: checked.value, docRange, problems };
}

/** Where a document's content (or, when it is empty, its end) begins. */
function contentStart(ydoc: Document.Parsed): number {
  return (ydoc.contents as Node | null)?.range?.[0] ?? ydoc.range[1];
}

/**
 * The `---` line that starts the document whose content begins at `contentStart`, and whether it is
 * bare (`---` then only blanks or a comment: a line kubectl cuts the stream at), found by walking back over the
 * comment and blank lines between them.
 */
function documentStartMarker(text: string, contentStart: number): { start: number; bare: boolean } | undefined {
  let lineStart = text.lastIndexOf('\n', contentStart - 1) + 1;
  for (;;) {
    if (text.startsWith('---', lineStart)) {
      const lineEnd = text.indexOf('\n', lineStart);
      return { start: lineStart, bare: /^\s*(?:#.*)?$/.test(text.slice(lineStart + 3, lineEnd === -1 ? text.length : lineEnd)) };
    }
    if (lineStart === 0 || text[lineStart] === '%') return undefined;
    lineStart = text.lastIndexOf('\n', lineStart - 2) + 1;
  }
}

/**
 * Parses YAML embedded in a manifest (a ConfigMap's `data.mesh`) with the loader's guards: bounded
 * nesting, aliases, tokens and time (duplicate keys in linear time), and messages that do not
 * depend on the stack size. `yaml.parse` has none of these: a 3,000-level `data.mesh` overflows
 * the stack at a position that changes from run to run, and 40,000 keys take 48 s.
 * An empty text gives `{ value: null }`.
 */
export function parseEmbeddedYaml(text: string): { value: unknown; error?: undefined } | { value?: undefined; error: string } {
  const lc = new (yaml().LineCounter)();
  try {
    let found: ReturnType<typeof documentValue> | undefined;
    for (const { doc, deepAt } of composeDocuments(text, lc, MAX_TOKENS)) {
      if (found) return { error: 'it holds more than one YAML document' };
      found = documentValue(doc, deepAt, lc, text);
    }
    if (!found) return { value: null };
    if ('problem' in found) return { error: `${found.problem.replace(/^Document not linted: /, '')} at line ${found.range.line}, column ${found.range.column}` };
    return { value: found.value };
  } catch (e) {
    if (e instanceof TokenBudgetExceeded) return { error: `it holds more than ${MAX_TOKENS.toLocaleString('en-US')} YAML tokens` };
    return { error: oneLine(e) };
  }
}

/**
 * Where a document is in its file: the offset of its root node (its contents), where its text
 * ends, and the line the root node starts on.
 */
interface DocSpan {
  start: number;
  end: number;
  line: number;
}

/** A parsed document with what is needed to rebuild it elsewhere (another thread). */
type SpannedDocument = ParsedDocument & { readonly span: DocSpan; readonly knownRange: () => Range | undefined };

/**
 * Outside parseText on purpose: the closure must not keep the syntax trees alive. Without a
 * `range` (the fast reader keeps no positions), the document's range is found when first asked.
 */
function makeDocument(file: SourceFile, index: number, value: unknown, basePath: FieldPath, range: Range | undefined, locator: Locator, span: DocSpan): SpannedDocument {
  let known = range;
  const docRange = (): Range => (known ??= locator.documentRange(index, span));
  return {
    file,
    index,
    value,
    basePath,
    get range() {
      return docRange();
    },
    span,
    knownRange: () => known,
    locate: (path, target = 'value') => locator.locate(index, span, basePath.length ? [...basePath, ...path] : path, target, docRange),
  };
}

/** A LoadedFile as plain data (no functions), for a worker thread to send to the main thread. */
export interface LoadedFileData {
  file: SourceFile;
  problems: Omit<LoadProblem, 'doc'>[];
  documentCount: number;
  skipped?: string;
  text?: string;
  parser?: 'fast' | 'full';
  documents: { index: number; value: unknown; basePath: FieldPath; range?: Range; span: DocSpan }[];
}

export function toData(lf: LoadedFile): LoadedFileData {
  return {
    file: lf.file,
    problems: lf.problems.map(({ ruleId, message, range }) => ({ ruleId, message, range })),
    documentCount: lf.documentCount,
    skipped: lf.skipped,
    text: lf.documents.length > 0 ? lf.text : undefined,
    parser: lf.parser,
    documents: lf.documents.map((d) => ({ index: d.index, value: d.value, basePath: d.basePath, range: (d as SpannedDocument).knownRange(), span: (d as SpannedDocument).span })),
  };
}

/** The inverse of toData: positions are located from the text again, on demand, as for any file. */
export function fromData(data: LoadedFileData): LoadedFile {
  const locator = new Locator(data.text ?? '');
  return {
    file: data.file,
    problems: data.problems,
    documentCount: data.documentCount,
    skipped: data.skipped,
    text: data.text,
    parser: data.parser,
    documents: data.documents.map((d) => makeDocument(data.file, d.index, d.value, d.basePath, d.range, locator, d.span)),
  };
}

class TokenBudgetExceeded extends Error {
  constructor(
    readonly offset: number,
    readonly index: number,
  ) {
    super('token budget exceeded');
  }
}

interface ComposedDocument {
  doc: Document.Parsed;
  index: number;
  /** Offset of the first collection nested deeper than MAX_DEPTH (the document was composed empty). */
  deepAt?: number;
}

/**
 * parseAllDocuments, one document at a time, with two guards the yaml package lacks:
 * - nesting is checked on the concrete syntax tree (which the yaml parser builds without
 *   recursion) before the recursive composer sees it: a document nested deeper than MAX_DEPTH is
 *   composed as an empty one and reported;
 * - at most `budget` lexical tokens are read per document (TokenBudgetExceeded, with the offset
 *   where the document starts), which bounds memory: documents are composed one at a time.
 * Returns the errors found outside any document when there is no document.
 */
function* composeDocuments(text: string, lc: LineCounter, budget: number): Generator<ComposedDocument, YAMLError[]> {
  const { Composer, Lexer, Parser } = yaml();
  const parser = new Parser(lc.addNewLine);
  const composer = new Composer(PARSE_OPTIONS);
  const deep = new Map<number, number>();
  let docTokens = 0;
  let emitted = 0;
  let lexemes = 0;
  let docStart = 0;
  const wrap = (doc: unknown): ComposedDocument => {
    const index = emitted++;
    return { doc: doc as Document.Parsed, index, deepAt: deep.get(index) };
  };
  function* compose(cst: Iterable<CST.Token>): Generator<ComposedDocument> {
    for (const token of cst) {
      if (token.type === 'document') {
        lexemes = 0;
        docStart = parser.offset;
        const at = depthExceeded(token.value, MAX_DEPTH);
        if (at !== undefined) {
          deep.set(docTokens, at);
          token.value = undefined;
        }
        docTokens++;
      }
      for (const doc of composer.next(token)) yield wrap(doc);
    }
  }
  lc.addNewLine(0);
  const lexed = new Lexer().lex(text);
  for (const lexeme of FLOW_PLAIN_COLON.test(text) ? joinFlowPlainColons(lexed) : lexed) {
    if (++lexemes > budget) throw new TokenBudgetExceeded(docStart, docTokens);
    yield* compose(parser.next(lexeme));
  }
  yield* compose(parser.end());
  for (const doc of composer.end(false, text.length)) yield wrap(doc);
  return emitted === 0 ? composer.streamInfo().errors : [];
}

/**
 * Every document of `text` composed as the loader composes them (failsafe schema, go-yaml's flow
 * plain scalars), without the loader's bounds: for tests that compare a reader with this one.
 */
export function composeAllDocuments(text: string): Document.Parsed[] {
  const lc = new (yaml().LineCounter)();
  return [...composeDocuments(text, lc, Number.POSITIVE_INFINITY)].map((c) => c.doc);
}

/** A `:` before a flow indicator: the only texts joinFlowPlainColons can change. */
const FLOW_PLAIN_COLON = /:[,\]}[{]/;

/** Offset of the first collection (in document order) deeper than `max`, walking iteratively. */
function depthExceeded(root: CST.Token | undefined, max: number): number | undefined {
  if (!root) return undefined;
  const stack: { token: CST.Token; depth: number }[] = [{ token: root, depth: 0 }];
  while (stack.length > 0) {
    const { token, depth } = stack.pop()!;
    if (token.type !== 'block-map' && token.type !== 'block-seq' && token.type !== 'flow-collection') continue;
    const inner = depth + 1;
    if (inner > max) return token.offset;
    for (let i = token.items.length - 1; i >= 0; i--) {
      const item = token.items[i]! as CST.CollectionItem;
      if (item.value) stack.push({ token: item.value, depth: inner });
      if (item.key) stack.push({ token: item.key, depth: inner });
    }
  }
  return undefined;
}

/**
 * Checks a document's value the way consumers will walk it (aliases as copies) without
 * recursion, and turns the few non-JSON values YAML 1.1 tags produce (`!!timestamp`, `!!binary`,
 * `!!set`, `!!omap`) into JSON data, as the API server would see them. Reports nesting deeper than
 * MAX_DEPTH (aliases can nest what the text does not), alias cycles (`&a [*a]`) and expansion
 * beyond `budget` values.
 */
function toPlainData(root: unknown, budget: number): { value?: unknown; problem?: string } {
  const holder: { v: unknown } = { v: root };
  type Frame = { parent: Record<string | number, unknown>; key: string | number; depth: number } | { exit: object };
  const stack: Frame[] = [{ parent: holder as Record<string, unknown>, key: 'v', depth: 0 }];
  const open = new Set<object>();
  let count = 0;
  while (stack.length > 0) {
    const frame = stack.pop()!;
    if ('exit' in frame) {
      open.delete(frame.exit);
      continue;
    }
    let v = frame.parent[frame.key];
    if (++count > budget) return { problem: `aliases expand it to more than ${budget} values (an alias bomb?)` };
    if (v === null || typeof v !== 'object') continue;
    if (!Array.isArray(v) && !isPlainObject(v)) {
      v = plain(v);
      frame.parent[frame.key] = v;
      if (v === null || typeof v !== 'object') continue;
    }
    const obj = v as object;
    if (open.has(obj)) return { problem: 'an alias refers to a collection that contains it (a cycle)' };
    const depth = frame.depth + 1;
    if (depth > MAX_DEPTH) return { problem: `aliases nest it more than ${MAX_DEPTH} levels deep` };
    open.add(obj);
    stack.push({ exit: obj });
    const container = obj as Record<string | number, unknown>;
    if (Array.isArray(obj)) for (let i = obj.length - 1; i >= 0; i--) stack.push({ parent: container, key: i, depth });
    else {
      const keys = Object.keys(obj);
      for (let i = keys.length - 1; i >= 0; i--) stack.push({ parent: container, key: keys[i]!, depth });
    }
  }
  return { value: holder.v };
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function plain(v: object): unknown {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? String(v) : v.toISOString();
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
  if (v instanceof Set) return [...v];
  if (v instanceof Map) {
    const o: Record<string, unknown> = {};
    for (const [k, val] of v) {
      const key = k !== null && typeof k === 'object' ? JSON.stringify(k) ?? String(k) : String(k);
      Object.defineProperty(o, key, { value: val, writable: true, enumerable: true, configurable: true });
    }
    return o;
  }
  return String(v);
}

/** Maps offsets to 1-based lines and columns. */
interface Lines {
  linePos(offset: number): { line: number; col: number };
}

interface CachedDocument {
  owner: Locator;
  index: number;
  doc: Document.Parsed;
  lines: Lines;
  weight: number;
}

/**
 * Syntax trees kept for locating, most recently used first: a few documents, at most
 * CACHE_WEIGHT characters of source between them (the newest is always kept). The engine asks for
 * positions file by file, document by document, so each document is parsed again at most once.
 */
const astCache: CachedDocument[] = [];
const CACHE_ENTRIES = 16;
const CACHE_WEIGHT = 8 * 1024 * 1024;

/**
 * Answers position questions by parsing a document's text again on demand (only the document
 * asked about, so a finding in a small document of a 30 MB file does not re-read the whole file).
 * Never throws: when the document cannot be found again, the fallback range is returned.
 */
class Locator {
  constructor(private readonly text: string) {}

  locate(index: number, span: DocSpan, path: FieldPath, target: 'key' | 'value', fallback: () => Range): Range {
    let found: Range | undefined;
    try {
      const cached = this.document(index, span);
      if (cached) found = locatePath(cached.doc, cached.lines, path, target);
    } catch {
      // the fallback below
    }
    return found ?? fallback();
  }

  /** The range of a document's root node, or the start of the file when it cannot be found again. */
  documentRange(index: number, span: DocSpan): Range {
    try {
      const cached = this.document(index, span);
      return (cached && nodeRange(cached.lines, cached.doc.contents as Node)) ?? FIRST;
    } catch {
      return FIRST;
    }
  }

  private document(index: number, span: DocSpan): CachedDocument | undefined {
    const at = astCache.findIndex((c) => c.owner === this && c.index === index);
    if (at !== -1) {
      const [hit] = astCache.splice(at, 1);
      astCache.unshift(hit!);
      return hit;
    }
    const found = this.parseOne(index, span);
    if (!found) return undefined;
    astCache.unshift(found);
    let weight = 0;
    for (let i = 0; i < astCache.length; i++) {
      weight += astCache[i]!.weight;
      if (i > 0 && (i >= CACHE_ENTRIES || weight > CACHE_WEIGHT)) {
        astCache.length = i;
        break;
      }
    }
    return found;
  }

  private parseOne(index: number, span: DocSpan): CachedDocument | undefined {
    // The document alone, from the start of its first line (columns stay the same), with lines shifted.
    const lineStart = this.text.lastIndexOf('\n', span.start - 1) + 1;
    const sub = this.text.slice(lineStart, span.end);
    const subLc = new (yaml().LineCounter)();
    for (const { doc } of composeDocuments(sub, subLc, Number.POSITIVE_INFINITY)) {
      const contents = doc.contents as Node | null;
      if (!contents?.range || contents.range[0] + lineStart !== span.start) continue;
      const shift = span.line - 1;
      const lines: Lines = {
        linePos: (offset) => {
          const p = subLc.linePos(Math.max(0, offset));
          return { line: p.line + shift, col: p.col };
        },
      };
      return { owner: this, index, doc, lines, weight: sub.length };
    }
    // Not the same document on its own (should not happen): parse the whole file.
    const lc = new (yaml().LineCounter)();
    for (const { doc, index: i } of composeDocuments(this.text, lc, Number.POSITIVE_INFINITY)) {
      if (i === index) return { owner: this, index, doc, lines: lc, weight: this.text.length };
    }
    return undefined;
  }
}

function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'empty';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v === 'string' ? 'string' : typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'boolean' : 'scalar'}`;
}

function isListKind(obj: Record<string, unknown>): boolean {
  return typeof obj.kind === 'string' && /List$/.test(obj.kind) && Array.isArray(obj.items) && (obj.apiVersion === 'v1' || typeof obj.apiVersion === 'string');
}

/**
 * The pair that gives a map's field `seg` its value, as k8s-value.ts reads the map: the last pair
 * written with that key, or a merged one (`<<`) after it, whose pair is then found in the merged
 * map, so a finding on a merged field points at the text it came from.
 */
function fieldPair(doc: Document, map: YAMLMap, seg: string | number, depth = 0): Pair | undefined {
  const { isMap, isSeq } = yaml();
  const want = String(seg);
  for (let i = map.items.length - 1; i >= 0; i--) {
    const pair = map.items[i] as Pair;
    if (isMergeKey(pair.key)) {
      if (depth > 64) continue;
      const src = deref(doc, pair.value);
      // Of the maps of a merge list, the earlier win.
      const sources = isSeq(src) ? src.items.map((x) => deref(doc, x)) : [src];
      for (const m of sources) {
        const found = isMap(m) ? fieldPair(doc, m, seg, depth + 1) : undefined;
        if (found) return found;
      }
      continue;
    }
    if (keyOf(deref(doc, pair.key)) === want) return pair;
  }
  return undefined;
}

/** The node an alias stands for (the node itself when it is not an alias). */
function deref(doc: Document, node: unknown): unknown {
  const { isAlias } = yaml();
  if (!isAlias(node)) return node;
  try {
    return node.resolve(doc) ?? node;
  } catch {
    return node;
  }
}

/** Walks the YAML AST along `path`, through aliases and merge keys. */
function locatePath(doc: Document, lc: Lines, path: FieldPath, target: 'key' | 'value'): Range {
  const { isMap, isSeq } = yaml();
  let node: unknown = deref(doc, doc.contents);
  let fallback: Range | undefined = nodeRange(lc, node as Node);
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = fieldPair(doc, node, seg);
      if (!pair) return fallback ?? FIRST;
      const keyRange = nodeRange(lc, pair.key as Node);
      if (last && target === 'key' && keyRange) return keyRange;
      const valueRange = nodeRange(lc, pair.value as Node);
      fallback = keyRange ?? fallback;
      if (last) return valueRange ?? keyRange ?? fallback ?? FIRST;
      node = deref(doc, pair.value);
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      if (item === undefined) return fallback ?? FIRST;
      const r = nodeRange(lc, item as Node);
      if (last) return r ?? fallback ?? FIRST;
      fallback = r ? { ...r, endLine: r.line, endColumn: r.column + 1 } : fallback;
      node = deref(doc, item);
    } else {
      return fallback ?? FIRST;
    }
  }
  return nodeRange(lc, node as Node) ?? fallback ?? FIRST;
}

function nodeRange(lc: Lines, node: Node | null | undefined): Range | undefined {
  const r = node && (node as { range?: [number, number, number] }).range;
  if (!r) return undefined;
  return offsetRange(lc, r[0], r[1]);
}

function offsetRange(lc: Lines, start: number, end: number): Range {
  const s = lc.linePos(start);
  const e = lc.linePos(Math.max(start, end));
  return { line: s.line, column: s.col, endLine: e.line, endColumn: e.col };
}

function yamlMessage(err: YAMLError): string {
  if (err.code === 'RESOURCE_EXHAUSTION') return `The document is too large or nested too deeply to be read`;
  // The yaml package appends " at line L, column C" and a code excerpt; the position is ours to report.
  return oneLine(err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')).replace(/\.$/, '');
}

function oneLine(e: unknown): string {
  const s = e instanceof Error ? e.message : String(e);
  return s.replace(/\s+/g, ' ').trim();
}

function countNewlines(bytes: Buffer, end: number): number {
  let n = 0;
  for (let i = bytes.indexOf(0x0a); i !== -1 && i < end; i = bytes.indexOf(0x0a, i + 1)) n++;
  return n;
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
