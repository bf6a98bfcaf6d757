// Helpers of the istio.io corpus tests (test/corpus-*.test.ts): each reads the code blocks of one
// page, lints a set of them together, and edits one block for a broken variant.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { lintYaml, type LintOverrides } from './helpers.js';

/** The 1-based line number of the `nth` (1-based) line that is `needle` once trimmed. */
export function lineOf(text: string, needle: string, nth = 1): number {
  let seen = 0;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() === needle && ++seen === nth) return i + 1;
  }
  throw new Error(`"${needle}" (#${nth}) not in the block`);
}

/** Replaces exactly one occurrence (the `nth`) of `from`, so a variant cannot silently miss. */
export function replaceOnce(text: string, from: string, to: string, nth = 1): string {
  let at = -1;
  for (let k = 0; k < nth; k++) at = text.indexOf(from, at + 1);
  if (at === -1) throw new Error(`"${from}" (#${nth}) not in the block`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

/** One page's blocks under test/corpus/istio-io/<slug>/, named `<slug>__<block>.yaml`. */
export function corpusPage(slug: string) {
  const dir = path.resolve(__dirname, 'corpus', 'istio-io', slug);
  const name = (block: string | number) => `${slug}__${block}.yaml`;
  const read = (block: string | number) => readFileSync(path.join(dir, name(block)), 'utf8');
  /**
   * Lints the blocks together (edits replace a block's text; extra files are added) and returns
   * `rule-id file:line`, sorted.
   */
  async function lintSet(blocks: (string | number)[], o: { edits?: Record<string, string>; extra?: Record<string, string>; lint?: LintOverrides } = {}): Promise<string[]> {
    const files: Record<string, string> = {};
    for (const b of blocks) files[name(b)] = o.edits?.[String(b)] ?? read(b);
    Object.assign(files, o.extra ?? {});
    const result = await lintYaml(files, o.lint ?? {});
    return result.findings.map((f) => `${f.ruleId} ${path.basename(f.file)}:${f.line}`).sort();
  }
  return { name, read, lintSet };
}
