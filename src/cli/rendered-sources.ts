// Rendered charts on standard input: `helm template` writes each rendered document after a
// `---` line and a `# Source: <chart>/templates/<file>` comment (helm pkg/action, renderResources:
// one such header per manifest; releaseutil.SortManifests splits each template's output at `---`,
// so a template that renders several documents heads each one, and the documents are ordered by
// kind, not by template). A finding in such a document names that template file and its line
// within the rendered document (the line after the comment is line 1), because the stream itself
// exists nowhere a user could open.
import type { Finding } from '../types.js';

interface RenderedDocument {
  /** 1-based stream line of the first line of the document (its `---` line, if any). */
  start: number;
  /** 1-based stream line of the `# Source:` comment, if the document has one. */
  sourceLine?: number;
  source?: string;
}

const DOCUMENT_START = /^---(?:[ \t]|$)/;
const DOCUMENT_END = /^\.\.\.(?:[ \t]|$)/;
const SOURCE = /^#\s*Source:\s*(\S(?:.*\S)?)\s*$/;

/** The documents of a stream with their `# Source:` comments, in order; empty when there are none. */
export function renderedDocuments(text: string): RenderedDocument[] {
  const docs: RenderedDocument[] = [{ start: 1 }];
  let any = false;
  let content = false;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    const n = i + 1;
    if (DOCUMENT_START.test(line) || DOCUMENT_END.test(line)) {
      if (n !== 1) docs.push({ start: n });
      content = false;
      continue;
    }
    const doc = docs[docs.length - 1]!;
    // The comment counts only before the document's content, where helm writes it.
    const m = !content && doc.source === undefined ? SOURCE.exec(line) : null;
    if (m) {
      doc.source = m[1]!;
      doc.sourceLine = n;
      any = true;
    } else if (line.trim() !== '' && !line.trimStart().startsWith('#')) content = true;
  }
  return any ? docs : [];
}

/**
 * Renames and renumbers the findings of the stream (`file` is its display name) that lie in a
 * document with a `# Source:` comment. Findings before the comment (on the `---` line) and ranges
 * that leave the document keep the stream's name and lines. Returns how many were mapped.
 */
export function mapRenderedSources(findings: Finding[], file: string, text: string): number {
  const docs = renderedDocuments(text);
  if (docs.length === 0) return 0;
  let mapped = 0;
  let d = 0;
  const inStream = findings.filter((f) => f.file === file).sort((a, b) => a.line - b.line);
  for (const f of inStream) {
    while (d + 1 < docs.length && docs[d + 1]!.start <= f.line) d++;
    let doc = docs[d]!;
    let end = d + 1 < docs.length ? docs[d + 1]!.start - 1 : Number.MAX_SAFE_INTEGER;
    // A syntax error found on the `---` line that opens a document (an unclosed flow collection or
    // quote) belongs to the document before it: it is reported on the line after that document's
    // last line, as at the end of a file.
    if (f.resource === undefined && d > 0 && f.line === doc.start && f.endLine === doc.start) {
      end = doc.start;
      doc = docs[d - 1]!;
    }
    if (doc.source === undefined || doc.sourceLine === undefined || f.line <= doc.sourceLine || f.endLine > end) continue;
    f.file = doc.source;
    f.line -= doc.sourceLine;
    f.endLine -= doc.sourceLine;
    mapped++;
  }
  return mapped;
}
