// Escaping shared by the reporters. File names and messages quote user input (YAML keys, host
// names, annotation values), so they may hold terminal escape sequences or Trojan-Source bidi
// controls; none of those may reach a terminal or a CI log raw.

/**
 * C0 controls, DEL, C1 controls, the bidi embedding/override/isolate controls (U+202A–U+202E,
 * U+2066–U+2069), the implicit direction marks (U+200E, U+200F, U+061C) and the Unicode line and
 * paragraph separators (U+2028, U+2029), which some terminals treat as newlines, and lone
 * surrogates.
 */
// Lone surrogates (from YAML escapes such as "\ud800") are escaped too: written as UTF-8 they would
// silently become U+FFFD and hide what the file holds.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function visible(ch: string): string {
  return NAMED[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * Makes a string safe to print on a terminal: every unsafe character becomes visible text
 * (`\x1b` → `\u001b`, newline → `\n`, U+202E → `\u202e`). Everything else is kept.
 */
export function escapeTerminal(text: string): string {
  return text.replace(UNSAFE, visible);
}

/**
 * Like escapeTerminal, but keeps CR and LF so that a later encoding step (GitHub's `%0A`) can
 * carry them as line breaks.
 */
function escapeTerminalKeepNewlines(text: string): string {
  return text.replace(UNSAFE, (ch) => (ch === '\n' || ch === '\r' ? ch : visible(ch)));
}

/** escapeTerminal for messages on standard error: LF stays a line break between messages. */
export function escapeKeepingNewlines(text: string): string {
  return text.replace(UNSAFE, (ch) => (ch === '\n' ? ch : visible(ch)));
}

/** GitHub workflow command data (the part after `::`): `%`, CR, LF. */
export function escapeGithubData(text: string): string {
  return escapeTerminalKeepNewlines(text)
    .replace(/%/g, '%25')
    .replace(/\r/g, '%0D')
    .replace(/\n/g, '%0A');
}

/** GitHub workflow command property values (`file=`, `title=`): data escaping plus `:` and `,`. */
export function escapeGithubProperty(text: string): string {
  return escapeGithubData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
