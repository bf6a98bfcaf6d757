// The fixture harness (docs/design.md): every YAML under test/fixtures/<rule-id>/ marks the lines
// where a finding must appear with `# expect: <rule-id>[, <rule-id>]`. Each sub-folder of a rule's
// folder is one case linted on its own (files of a case are linted together); each YAML file lying
// directly in the rule's folder is a case by itself. An optional `options.json` in a case folder
// sets lint options (namespace, istioVersion, rules, meshConfig). For every rule id marked in a case,
// and for the folder's own rule, the set of (file, line) found must equal the set marked.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintPaths, type LintOverrides } from './helpers.js';

const ROOT = path.resolve(__dirname, 'fixtures');
const MARK = /#\s*expect:\s*([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)\s*$/;

interface Case {
  name: string;
  paths: string[];
  options: LintOverrides;
}

function yamlFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir).sort()) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) out.push(...yamlFilesUnder(p));
    else if (/\.(ya?ml|json)$/.test(e) && e !== 'options.json') out.push(p);
  }
  return out;
}

function casesOf(ruleDir: string): Case[] {
  const cases: Case[] = [];
  for (const e of readdirSync(ruleDir).sort()) {
    const p = path.join(ruleDir, e);
    if (statSync(p).isDirectory()) {
      const optFile = path.join(p, 'options.json');
      const options = existsSync(optFile) ? (JSON.parse(readFileSync(optFile, 'utf8')) as LintOverrides) : {};
      cases.push({ name: e, paths: yamlFilesUnder(p), options });
    } else if (/\.(ya?ml)$/.test(e)) cases.push({ name: e, paths: [p], options: {} });
  }
  return cases;
}

/** The text of a fixture as the loader decodes it: UTF-8, or UTF-16 or UTF-32 after a byte order mark. */
function decodedText(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe && bytes[2] === 0 && bytes[3] === 0) {
    let out = '';
    for (let i = 4; i + 3 < bytes.length; i += 4) out += String.fromCodePoint(bytes.readUInt32LE(i));
    return out;
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  return bytes.toString('utf8');
}

function expectedMarks(files: string[]): Map<string, Set<string>> {
  const byRule = new Map<string, Set<string>>();
  for (const f of files) {
    const lines = decodedText(readFileSync(f)).split(/\r\n|\r|\n/);
    lines.forEach((line, i) => {
      const m = MARK.exec(line);
      if (!m) return;
      for (const id of m[1]!.split(',').map((s) => s.trim())) {
        if (!byRule.has(id)) byRule.set(id, new Set());
        byRule.get(id)!.add(`${path.relative(ROOT, f)}:${i + 1}`);
      }
    });
  }
  return byRule;
}

const ruleDirs = existsSync(ROOT) ? readdirSync(ROOT).filter((d) => statSync(path.join(ROOT, d)).isDirectory()).sort() : [];

describe.each(ruleDirs)('fixtures: %s', (ruleId) => {
  const cases = casesOf(path.join(ROOT, ruleId));
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const result = await lintPaths(c.paths, { cwd: ROOT, ...c.options });
    const expected = expectedMarks(c.paths);
    if (!expected.has(ruleId)) expected.set(ruleId, new Set());
    for (const [id, want] of expected) {
      const got = new Set(result.findings.filter((f) => f.ruleId === id).map((f) => `${path.relative(ROOT, path.resolve(ROOT, f.file))}:${f.line}`));
      const detail = result.findings.filter((f) => f.ruleId === id).map((f) => `${f.file}:${f.line}:${f.column} ${f.message}`);
      expect({ rule: id, lines: [...got].sort() }, detail.join('\n')).toEqual({ rule: id, lines: [...want].sort() });
    }
  });
});
