import { yaml } from '../util/lazy.js';

// A quoted scalar without its closing quote runs to the end of the stream (YAML 1.2 §7.3: a quoted
// scalar ends only at its closing quote, across line breaks and "---" lines alike). The yaml package
// reports the missing quote at the end of the file; the useful position is the opening quote, and
// the reader should learn that every document after it was swallowed into the string.

/** Tokens of the yaml package's Lexer that stand for structure and occupy no source characters. */
const CONTROL_TOKENS = new Set(['\u0002', '\u0018', '\u001f']);

export interface UnclosedQuote {
  /** Offset of the opening quote. */
  offset: number;
  /** The quote character. */
  quote: '"' | "'";
  /** Lines from the opening quote's line to the end of the text, inclusive. */
  lines: number;
  /** Document separators ("---" lines) inside the string: documents that were not read. */
  swallowedDocuments: number;
}

/**
 * The quoted scalar that reaches `errorOffset` (the end of the text) without a closing quote, or
 * undefined when there is none. One pass of the lexer: linear in the text.
 */
export function findUnclosedQuote(text: string, errorOffset: number): UnclosedQuote | undefined {
  let offset = 0;
  let found: number | undefined;
  for (const token of new (yaml().Lexer)().lex(text)) {
    if (token.length === 1 && CONTROL_TOKENS.has(token)) continue;
    const first = token[0];
    if ((first === '"' || first === "'") && offset + token.length >= Math.min(errorOffset, text.length)) {
      found = offset;
      break;
    }
    offset += token.length;
  }
  if (found === undefined) return undefined;
  const rest = text.slice(found);
  const lines = rest.split('\n').length - (rest.endsWith('\n') ? 1 : 0);
  const swallowedDocuments = (rest.match(/^---(?=[ \t\r]|$)/gm) ?? []).length;
  return { offset: found, quote: text[found] as '"' | "'", lines, swallowedDocuments };
}
