// A fast reader for the plain YAML that nearly every manifest is written in: block mappings and
// sequences, plain, quoted and literal scalars, flow collections (nested, over several lines, with
// scalars on one line), comments and `---` separators, CRLF line ends. It builds values straight
// from the text, several times faster than composing a syntax tree, and gives up (returns
// undefined) on anything else: anchors, aliases, tags, directives, multi-line quoted scalars,
// folded scalars, complex keys, `?` and `:` in flow collections (which go-yaml reads otherwise
// than the `yaml` package), tabs, lone CR, duplicate keys, anything it is not sure about. The
// caller then parses the file with the `yaml` package, which also reports the errors; so this
// reader never has to. Where it returns values they are exactly the full parser's, which read
// scalars as Kubernetes does (YAML 1.1, yaml11-scalars.ts): test/fast-yaml.test.ts checks the two
// agree on every test input and on generated ones, and test/k8s-yaml.test.ts checks both against
// Kubernetes' own decoder. Positions are not kept: the loader finds them again with the `yaml`
// package when a finding needs one.

import { resolvePlainValue } from './yaml11-scalars.js';

/** One document read by the fast reader. */
export interface FastDocument {
  /** The document's value: null for an empty document, else an object (the root is a block mapping). */
  value: Record<string, unknown> | null;
  /** Offset of the first character of the root node (for an empty document, of its text). */
  start: number;
  /** Offset where the document's text ends (the next `---` line, or the end of the text). */
  end: number;
  /** 1-based line of `start` (0 for an empty document). */
  line: number;
}

/** Deepest nesting read here; deeper documents go to the full parser, which has its own limit. */
const MAX_FAST_DEPTH = 64;
/** Longer implicit keys (YAML allows 1024 characters up to the `:`) are left to the full parser. */
const MAX_KEY_CHARS = 1000;

const SPACE = 0x20;
const CR = 0x0d;
const HASH = 0x23;
const COLON = 0x3a;
const DASH = 0x2d;
const SQUOTE = 0x27;
const DQUOTE = 0x22;

/** Thrown (never seen by callers) when the text is outside what this reader handles. */
const UNSUPPORTED = { unsupported: true };

/**
 * Characters that make a text a job for the full parser wherever they are: tabs, CR not followed by
 * LF, other C0 and C1 controls, the BOM, Unicode line and paragraph separators, and non-characters.
 * CRLF line ends are read like LF.
 */
const UNSUPPORTED_CHARS = /[\t\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff\u2028\u2029\ufffe\uffff]|\r(?!\n)/;
/** A line starting with a directive (%YAML, %TAG) or a document end marker (`...`). */
const DIRECTIVE_OR_END = /^(?:%|\.\.\.(?:[ \r\n]|$))/m;

/**
 * A plain scalar's value as Kubernetes reads it (yaml11-scalars.ts). The floats JSON cannot hold
 * (.inf, .nan) make Kubernetes reject the document; the full parser reports them at their node.
 */
function resolvePlain(s: string): unknown {
  const v = resolvePlainValue(s);
  if (typeof v === 'number' && !Number.isFinite(v)) fail();
  return v;
}

/** Plain keys read here: letters, digits and `_ . / -`, not starting with `-`, resolving to a string. */
function isKeyChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x2e || c === 0x2f || c === DASH;
}

/** Characters a plain scalar may not start with (YAML indicators), checked by the callers' context. */
function isIndicator(c: number): boolean {
  // - ? : , [ ] { } # & * ! | > ' " % @ `
  return (
    c === DASH || c === 0x3f || c === COLON || c === 0x2c || c === 0x5b || c === 0x5d || c === 0x7b || c === 0x7d || c === HASH || c === 0x26 || c === 0x2a || c === 0x21 || c === 0x7c || c === 0x3e || c === SQUOTE || c === DQUOTE || c === 0x25 || c === 0x40 || c === 0x60
  );
}

/** , [ ] { } */
function isFlowIndicator(c: number): boolean {
  return c === 0x2c || c === 0x5b || c === 0x5d || c === 0x7b || c === 0x7d;
}

function fail(): never {
  throw UNSUPPORTED;
}

/**
 * Reads every document of `text`, or returns undefined when the text is not in the subset this
 * reader handles (the caller then uses the full parser), or when a document's text (from the end
 * of the one before) is longer than `maxDocumentChars`; that is noticed as soon as the reader
 * passes the bound. Never throws.
 */
export function readFastYaml(text: string, maxDocumentChars = Number.POSITIVE_INFINITY): FastDocument[] | undefined {
  if (UNSUPPORTED_CHARS.test(text) || DIRECTIVE_OR_END.test(text)) return undefined;
  try {
    return new Reader(text, maxDocumentChars).stream();
  } catch (e) {
    if (e === UNSUPPORTED) return undefined;
    throw e;
  }
}

class Reader {
  private readonly n: number;
  /** Start of the line to look at next. */
  private pos = 0;
  /** Set by peek(): the current content line's first non-space character and its end. */
  private content = 0;
  private end = 0;
  /** Set by peek() when it stopped at a `---` line. */
  private atMarker = false;
  private depth = 0;
  /** While reading a flow collection: the offset read next, the end of its line, the indentation of the block node holding the collection. */
  private fi = 0;
  private fe = 0;
  private fIndent = 0;
  /** How many flow collections are open. */
  private fLevel = 0;

  /** Where the current document's text begins (the end of the one before). */
  private docFrom = 0;

  constructor(
    private readonly text: string,
    private readonly maxDocumentChars: number,
  ) {
    this.n = text.length;
  }

  stream(): FastDocument[] {
    const docs: FastDocument[] = [];
    let lineBase = 1; // line number of offset `lineFrom`
    let lineFrom = 0;
    const lineOf = (offset: number): number => {
      for (let i = this.text.indexOf('\n', lineFrom); i !== -1 && i < offset; i = this.text.indexOf('\n', i + 1)) lineBase++;
      lineFrom = offset;
      return lineBase;
    };
    // An implicit first document exists only if something other than comments comes before the first `---`.
    if (this.peek() !== -1) docs.push(this.document(lineOf));
    while (this.atMarker) {
      // The marker line may hold a comment, nothing else.
      const e = this.lineEnd(this.pos);
      let i = this.pos + 3;
      while (i < e && this.text.charCodeAt(i) === SPACE) i++;
      if (i < e && (this.text.charCodeAt(i) !== HASH || i === this.pos + 3)) fail();
      this.docFrom = this.pos;
      this.pos = this.next(e);
      const docStart = this.pos;
      if (this.peek() === -1) docs.push({ value: null, start: Math.min(docStart, this.n), end: this.atMarker ? this.pos : this.n, line: 0 });
      else docs.push(this.document(lineOf));
    }
    let from = 0;
    for (const d of docs) {
      if (d.end - from > this.maxDocumentChars) fail();
      from = d.end;
    }
    return docs;
  }

  private document(lineOf: (offset: number) => number): FastDocument {
    const start = this.content;
    const key = this.key(this.content, this.end);
    if (!key) fail(); // the root is not a block mapping: a list, a scalar or a flow collection
    const value = this.mapping(this.content - this.pos, key);
    if (this.peek() !== -1) fail(); // content after the root node
    return { value, start, end: this.atMarker ? this.pos : this.n, line: lineOf(start) };
  }

  /** Where the content of the line holding `p` ends: at its LF, or at the CR of a CRLF. */
  private lineEnd(p: number): number {
    const e = this.text.indexOf('\n', p);
    if (e === -1) return this.n;
    return e > p && this.text.charCodeAt(e - 1) === CR ? e - 1 : e;
  }

  /** The start of the line after the one whose content ends at `e` (see lineEnd). */
  private next(e: number): number {
    return e + (this.text.charCodeAt(e) === CR ? 2 : 1);
  }

  /**
   * Moves to the next line with content, skipping blank and comment lines. Returns its indentation,
   * or -1 at the end of the document (a `---` line, atMarker set, or the end of the text).
   */
  private peek(): number {
    const t = this.text;
    this.atMarker = false;
    while (this.pos < this.n) {
      const p = this.pos;
      if (p - this.docFrom > this.maxDocumentChars) fail();
      let i = p;
      while (t.charCodeAt(i) === SPACE) i++;
      const e = this.lineEnd(i);
      if (i === e || t.charCodeAt(i) === HASH) {
        this.pos = this.next(e);
        continue;
      }
      if (i === p && t.charCodeAt(p) === DASH && t.startsWith('---', p) && (p + 3 === e || t.charCodeAt(p + 3) === SPACE)) {
        this.atMarker = true;
        return -1;
      }
      this.content = i;
      this.end = e;
      return i - p;
    }
    return -1;
  }

  private enter(): void {
    if (++this.depth > MAX_FAST_DEPTH) fail();
  }

  /**
   * A block mapping whose keys are at `indent`; the current line holds its first key (already
   * read as `first`).
   */
  private mapping(indent: number, first: { key: string; after: number }): Record<string, unknown> {
    this.enter();
    const obj: Record<string, unknown> = {};
    let key: { key: string; after: number } | undefined = first;
    for (;;) {
      if (key.key === '__proto__' || Object.prototype.hasOwnProperty.call(obj, key.key)) fail();
      obj[key.key] = this.valueAfter(indent, key.after, true);
      const next = this.peek();
      if (next < indent) break;
      if (next > indent) fail(); // more indented than a key and not part of the value
      key = this.key(this.content, this.end);
      if (!key) fail();
    }
    this.depth--;
    return obj;
  }

  /** A block sequence whose `-` are at `indent`; the current line holds its first item. */
  private sequence(indent: number): unknown[] {
    this.enter();
    const t = this.text;
    const arr: unknown[] = [];
    for (;;) {
      const dash = this.content;
      let i = dash + 1;
      while (i < this.end && t.charCodeAt(i) === SPACE) i++;
      const c = t.charCodeAt(i);
      if (i === this.end || c === HASH) {
        this.pos = this.next(this.end);
        arr.push(this.nested(indent, false));
      } else {
        if (c === DASH && (i + 1 === this.end || t.charCodeAt(i + 1) === SPACE)) fail(); // `- - x`
        const key = this.key(i, this.end);
        if (key) arr.push(this.mapping(i - this.pos, key));
        else arr.push(this.valueAfter(indent, i, false));
      }
      const next = this.peek();
      if (next < indent) break;
      if (next > indent) fail();
      if (!this.isSeqItem()) break; // a mapping's next key at the same indentation
    }
    this.depth--;
    return arr;
  }

  private isSeqItem(): boolean {
    const c = this.content;
    return this.text.charCodeAt(c) === DASH && (c + 1 === this.end || this.text.charCodeAt(c + 1) === SPACE);
  }

  /**
   * The value of a node that starts on the lines after the current one (`key:` or `-` with nothing
   * after it): a more indented block node or scalar, a sequence at the same indentation as a
   * mapping's key, or null.
   */
  private nested(indent: number, inMapping: boolean): unknown {
    const next = this.peek();
    if (next > indent) {
      if (this.isSeqItem()) return this.sequence(next);
      const key = this.key(this.content, this.end);
      // Not a key: a scalar (or flow collection) on the lines after its key or dash.
      return key ? this.mapping(next, key) : this.valueAfter(indent, this.content, inMapping);
    }
    if (next === indent && inMapping && this.isSeqItem()) return this.sequence(next);
    return null;
  }

  /**
   * The value that starts at `at` (after `key:` or `- `), or on the following lines when nothing but
   * a comment is left on this line. `indent` is the parent's indentation. Leaves pos at the next line.
   */
  private valueAfter(indent: number, at: number, inMapping: boolean): unknown {
    const t = this.text;
    const e = this.end;
    let i = at;
    while (i < e && t.charCodeAt(i) === SPACE) i++;
    if (i === e || (t.charCodeAt(i) === HASH && i > at)) {
      this.pos = this.next(e);
      return this.nested(indent, inMapping);
    }
    const c = t.charCodeAt(i);
    if (c === DQUOTE || c === SQUOTE) {
      const q = c === DQUOTE ? this.doubleQuoted(i, e) : this.singleQuoted(i, e);
      this.restIsComment(q.after, e);
      this.pos = this.next(e);
      return q.value;
    }
    if (c === 0x7c) return this.literal(indent, i, e); // |
    if (c === 0x5b || c === 0x7b) {
      // [ {
      const f = this.flow(i, e, indent);
      this.restIsComment(f.after, f.e);
      this.pos = this.next(f.e);
      return f.value;
    }
    if (isIndicator(c)) {
      // `-foo`, `:foo` and `?foo` are plain scalars; `- `, `: `, `? ` and the other indicators are not read here.
      const n1 = t.charCodeAt(i + 1);
      if (!((c === DASH || c === COLON || c === 0x3f) && i + 1 < e && n1 !== SPACE)) fail();
    }
    const { s, commented } = this.plainLine(i, e);
    this.pos = this.next(e);
    // A comment ends the scalar; otherwise more indented lines may continue it.
    return commented ? resolvePlain(s) : this.continuedPlain(indent, s);
  }

  /**
   * One line of a plain scalar starting at `at` (not a space): up to a comment (` #`) or the end of
   * the line `e`, trailing spaces dropped.
   */
  private plainLine(at: number, e: number): { s: string; commented: boolean } {
    const t = this.text;
    let stop = e;
    for (let j = at + 1; j < e; j++) {
      if (t.charCodeAt(j) === HASH && t.charCodeAt(j - 1) === SPACE) {
        stop = j;
        break;
      }
    }
    const commented = stop < e;
    while (stop > at && t.charCodeAt(stop - 1) === SPACE) stop--;
    const s = t.slice(at, stop);
    // `a: b: c` (a mapping inside a plain value) is an error for the full parser to report.
    if (s.includes(': ') || s.charCodeAt(s.length - 1) === COLON) fail();
    return { s, commented };
  }

  /**
   * A plain scalar whose first line is `first`, continued on the following lines that are indented
   * more than its parent (`indent`): line breaks fold to a space, empty lines to a line feed. Pos
   * is at the line after the first.
   */
  private continuedPlain(indent: number, first: string): unknown {
    const t = this.text;
    let value = first;
    let folded = false;
    let empty = 0;
    while (this.pos < this.n) {
      const p = this.pos;
      let j = p;
      while (t.charCodeAt(j) === SPACE) j++;
      const le = this.lineEnd(j);
      if (j === le) {
        empty++;
        this.pos = this.next(le);
        continue;
      }
      // Less indented (a key, an item, `---`) or a comment: the scalar has ended.
      if (j - p <= indent || t.charCodeAt(j) === HASH) break;
      if (isIndicator(t.charCodeAt(j))) fail(); // left to the full parser, whatever it means here
      const { s, commented } = this.plainLine(j, le);
      value += empty > 0 ? '\n'.repeat(empty) : ' ';
      value += s;
      empty = 0;
      folded = true;
      this.pos = this.next(le);
      if (commented) break; // a comment ends it
    }
    // Folded text holds a space or a line feed, which no null, boolean or number does.
    return folded ? value : resolvePlain(first);
  }

  /** After a quoted or flow value: only spaces, then optionally a comment after a space. */
  private restIsComment(from: number, e: number): void {
    const t = this.text;
    let i = from;
    while (i < e && t.charCodeAt(i) === SPACE) i++;
    if (i < e && (t.charCodeAt(i) !== HASH || i === from)) fail();
  }

  /**
   * A key at `at` on a line ending at `e`: a restricted plain scalar or a one-line quoted one,
   * followed by optional spaces and `:` with a space or the end of the line after it. Returns
   * undefined when the line does not start with such a key.
   */
  private key(at: number, e: number): { key: string; after: number } | undefined {
    const t = this.text;
    const c = t.charCodeAt(at);
    let key: string;
    let i: number;
    if (c === DQUOTE || c === SQUOTE) {
      // Only a quoted key immediately followed by `:`; a quoted scalar that is not a key goes to valueAfter.
      const q = c === DQUOTE ? this.doubleQuoted(at, e) : this.singleQuoted(at, e);
      i = q.after;
      if (t.charCodeAt(i) !== COLON) return undefined;
      key = q.value;
    } else {
      if (!isKeyChar(c) || c === DASH) return undefined;
      i = at + 1;
      while (i < e && isKeyChar(t.charCodeAt(i))) i++;
      key = t.slice(at, i);
      while (i < e && t.charCodeAt(i) === SPACE) i++;
      if (t.charCodeAt(i) !== COLON || i >= e) return undefined;
      if (typeof resolvePlain(key) !== 'string') fail(); // 80:, true:, null: keys are left to the full parser
    }
    if (i + 1 < e && t.charCodeAt(i + 1) !== SPACE) return undefined; // `a:b` is a plain scalar
    if (i - at > MAX_KEY_CHARS) fail(); // an implicit key must be short: an error for the full parser
    return { key, after: i + 1 };
  }

  /** A single-quoted scalar closed on the same line. */
  private singleQuoted(at: number, e: number): { value: string; after: number } {
    const t = this.text;
    let out = '';
    let from = at + 1;
    for (;;) {
      const q = t.indexOf("'", from);
      if (q === -1 || q >= e) fail();
      out += t.slice(from, q);
      if (t.charCodeAt(q + 1) === SQUOTE && q + 1 < e) {
        out += "'";
        from = q + 2;
        continue;
      }
      return { value: out, after: q + 1 };
    }
  }

  /** A double-quoted scalar closed on the same line, with the common escapes only. */
  private doubleQuoted(at: number, e: number): { value: string; after: number } {
    const t = this.text;
    let out = '';
    let from = at + 1;
    for (let i = from; ; i++) {
      if (i >= e) fail();
      const c = t.charCodeAt(i);
      if (c === DQUOTE) return { value: out + t.slice(from, i), after: i + 1 };
      if (c !== 0x5c) continue; // backslash
      out += t.slice(from, i);
      const x = t[i + 1];
      const simple = x === undefined || i + 1 >= e ? undefined : ESCAPES[x];
      if (simple !== undefined) {
        out += simple;
        i++;
      } else if (x === 'x' || x === 'u') {
        const len = x === 'x' ? 2 : 4;
        const hex = t.slice(i + 2, i + 2 + len);
        if (hex.length !== len || !/^[0-9a-fA-F]+$/.test(hex) || i + 2 + len > e) fail();
        const code = parseInt(hex, 16);
        if (code >= 0xd800 && code <= 0xdfff) fail();
        out += String.fromCharCode(code);
        i += 1 + len;
      } else fail();
      from = i + 1;
    }
  }

  /**
   * A flow collection opening at `at`, on a line whose content ends at `e`, inside a block node
   * indented `indent`. Collections nest; the collection may run over several lines, each indented
   * more than `indent` (the `yaml` package and go-yaml accept that; go-yaml, which checks no
   * indentation inside flow collections, also accepts less, the `yaml` package does not). Scalars stay on one line: a plain or quoted scalar broken over lines
   * (folded) is left to the full parser. Returns the value, where it ends and the end of the line
   * it ends on.
   */
  private flow(at: number, e: number, indent: number): { value: unknown; after: number; e: number } {
    this.fi = at;
    this.fe = e;
    this.fIndent = indent;
    this.fLevel = 0;
    const value = this.flowCollection();
    return { value, after: this.fi, e: this.fe };
  }

  /** The flow collection at `fi` (`[` or `{`). */
  private flowCollection(): unknown {
    this.enter();
    this.fLevel++;
    const t = this.text;
    const isSeq = t.charCodeAt(this.fi) === 0x5b;
    const close = isSeq ? 0x5d : 0x7d;
    const seq: unknown[] = [];
    const map: Record<string, unknown> = {};
    this.fi++;
    this.flowSpace();
    if (t.charCodeAt(this.fi) !== close) {
      for (;;) {
        if (isSeq) seq.push(this.flowValue());
        else {
          const at = this.fi;
          const k = this.flowScalar(true);
          if (typeof k !== 'string' || k === '__proto__' || Object.prototype.hasOwnProperty.call(map, k)) fail();
          if (this.fi - at > MAX_KEY_CHARS) fail();
          // `key: value` with the key and its `:` on one line, a space after the `:`.
          if (t.charCodeAt(this.fi) !== COLON || this.fi + 1 >= this.fe || t.charCodeAt(this.fi + 1) !== SPACE) fail();
          this.fi += 2;
          this.flowSpace();
          map[k] = this.flowValue();
        }
        this.flowSpace();
        const c = t.charCodeAt(this.fi);
        if (c === close) break;
        if (c !== 0x2c) fail(); // ,
        this.fi++;
        this.flowSpace();
        if (t.charCodeAt(this.fi) === close) break; // a trailing comma
      }
    }
    this.fi++;
    this.depth--;
    this.fLevel--;
    return isSeq ? seq : map;
  }

  /**
   * Skips spaces, comments and line breaks inside a flow collection, leaving `fi` at the next
   * character of content (never at a line end). Fails at the end of the text and on a line not
   * indented more than the block node holding the collection.
   */
  private flowSpace(): void {
    const t = this.text;
    for (;;) {
      while (this.fi < this.fe && t.charCodeAt(this.fi) === SPACE) this.fi++;
      if (this.fi < this.fe && !(t.charCodeAt(this.fi) === HASH && t.charCodeAt(this.fi - 1) === SPACE)) return;
      // The line ends here (or a comment ends it): go on with the next line that has content.
      for (;;) {
        const p = this.next(this.fe);
        if (p >= this.n) fail();
        let i = p;
        while (t.charCodeAt(i) === SPACE) i++;
        const le = this.lineEnd(i);
        this.fi = i;
        this.fe = le;
        if (i === le) continue; // a blank line
        // Lines inside are indented more than the block node; the outermost collection's closing
        // bracket may be as indented as it (the `yaml` package allows that one case).
        const c = t.charCodeAt(i);
        if (i - p < this.fIndent || (i - p === this.fIndent && !(this.fLevel === 1 && (c === 0x5d || c === 0x7d)))) fail();
        if (c === HASH) continue; // a comment line
        break;
      }
    }
  }

  /** Whether the line after the one ending at `e` starts, after spaces, with `,`, `]` or `}`. */
  private nextLineEndsFlowItem(e: number): boolean {
    let i = this.next(e);
    while (this.text.charCodeAt(i) === SPACE) i++;
    const c = this.text.charCodeAt(i);
    return c === 0x2c || c === 0x5d || c === 0x7d;
  }

  /** A value inside a flow collection: a nested collection or a scalar. */
  private flowValue(): unknown {
    const c = this.text.charCodeAt(this.fi);
    return c === 0x5b || c === 0x7b ? this.flowCollection() : this.flowScalar(false);
  }

  /**
   * A scalar inside a flow collection, on one line: quoted, or plain (keys made of safe characters
   * only). Leaves `fi` after it (trailing spaces not included).
   */
  private flowScalar(isKey: boolean): unknown {
    const t = this.text;
    const at = this.fi;
    const e = this.fe;
    const c = t.charCodeAt(at);
    if (c === DQUOTE || c === SQUOTE) {
      const q = c === DQUOTE ? this.doubleQuoted(at, e) : this.singleQuoted(at, e);
      this.fi = q.after;
      return q.value;
    }
    let i = at + 1;
    if (isKey) {
      if (!isKeyChar(c) || c === DASH) fail();
      while (i < e && isKeyChar(t.charCodeAt(i))) i++;
    } else {
      // A plain value. In a flow collection go-yaml (scannerc.go) reads `?` and `:` as indicators
      // where the `yaml` package reads text: `[?a]` is a mapping to go-yaml, `[:a]` an error, and a
      // plain scalar ends at `?` (`[http://x/?q=1]` is an error), so all three are left to the full
      // parser. `-x` is a scalar. A plain scalar ends at a flow indicator or at a `:` that separates
      // a key (`[a: b]`, declined by the caller); `[a:[b]]` (an error to go-yaml) is declined by the caller.
      if (isIndicator(c) && !(c === DASH && at + 1 < e && !isFlowIndicator(t.charCodeAt(at + 1)) && t.charCodeAt(at + 1) !== SPACE)) fail();
      for (; i < e; i++) {
        const ch = t.charCodeAt(i);
        if (isFlowIndicator(ch)) break;
        if (ch === 0x3f) fail(); // ?
        // go-yaml ends a plain scalar at `:` only before a blank; before a flow indicator the `:`
        // is part of it (`[fd00::]`, flow-plain-colon.ts), and the indicator ends it next.
        if (ch === COLON && (i + 1 >= e || t.charCodeAt(i + 1) === SPACE)) break;
        if (ch === HASH && t.charCodeAt(i - 1) === SPACE) fail(); // a comment inside a scalar's line
      }
      // A plain scalar that reaches the end of its line continues on the next (folded) unless
      // that line starts with `,`, `]` or `}`; further cases are left to the full parser.
      if (i >= e && !this.nextLineEndsFlowItem(e)) fail();
    }
    let stop = i;
    while (t.charCodeAt(stop - 1) === SPACE) stop--;
    const s = t.slice(at, stop);
    const value = resolvePlain(s);
    if (isKey && typeof value !== 'string') fail();
    this.fi = stop;
    return value;
  }

  /**
   * A literal block scalar (`|` or `|-`) whose header is at `at`, inside a node indented `indent`.
   * Content lines are those indented at least as much as the first non-empty one, which must be
   * more indented than the parent.
   */
  private literal(indent: number, at: number, e: number): string {
    const t = this.text;
    let i = at + 1;
    const strip = t.charCodeAt(i) === DASH;
    if (strip) i++;
    if (i < e) {
      if (t.charCodeAt(i) !== SPACE) fail(); // |+, |2, |x: left to the full parser
      this.restIsComment(i, e);
    }
    const lines: string[] = [];
    let p = this.next(e);
    let m = -1; // content indentation, from the first non-empty line
    while (p < this.n) {
      const le = this.lineEnd(p);
      let s = p;
      while (s < le && t.charCodeAt(s) === SPACE) s++;
      const blank = s === le;
      if (m === -1) {
        if (blank) {
          lines.push('');
          p = this.next(le);
          continue;
        }
        if (s - p <= indent) break; // no content: the scalar is empty
        m = s - p;
        // A leading empty line indented more than the content is an error for the full parser.
        for (let q = this.next(e), k = 0; k < lines.length; k++) {
          const qe = this.lineEnd(q);
          if (qe - q > m) fail();
          q = this.next(qe);
        }
      }
      if (blank) lines.push(le - p > m ? t.slice(p + m, le) : '');
      else if (s - p >= m) lines.push(t.slice(p + m, le));
      else break;
      p = this.next(le);
    }
    this.pos = p;
    let last = lines.length - 1;
    while (last >= 0 && lines[last] === '') last--;
    if (last < 0) return '';
    const body = lines.slice(0, last + 1).join('\n');
    return strip ? body : `${body}\n`;
  }
}

const ESCAPES: Record<string, string> = { '\\': '\\', '"': '"', '/': '/', n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '0': '\0' };
