// The pages docs/rules/<id>.md are checked against the rules they document:
// - the examples are linted through the real engine: the "## Incorrect" input must produce at
//   least one finding of the page's rule, the "## Correct" input none of it;
// - the "Default severity:" line names the rule's default severity first;
// - "## Options" lists each option of the rule's `options` (name, type, default) or says "None";
// - "## Related" names exactly the istioctl / Kiali codes of the rule's `related` field;
// - `.mesh-egress-lint.yaml` snippets (blocks starting with `rules:`) are valid configuration.
//
// How a page writes its examples (the convention, also for whoever edits a page):
// - Only fenced blocks tagged `yaml` under "## Incorrect" and "## Correct" are examples; other
//   blocks (`sh`, `text`) are prose, and yaml blocks of other sections (Options, How to silence)
//   are configuration snippets. All yaml blocks of one section form that section's input; each
//   block is written to a file of its own (a block of broken YAML breaks only itself) and may hold
//   several `---` documents.
// - A block whose first line is `# context` holds documents the example needs but that are not its
//   point (the Service an Endpoints object belongs to, the gateway Deployment a Gateway selects,
//   the ConfigMap that sets REGISTRY_ONLY ...). The context blocks of "## Incorrect" belong to the
//   Correct input too, unless "## Correct" has context blocks of its own.
// - A Correct block whose first line is `# added to the Incorrect example` is linted together with
//   every block of the Incorrect section (for fixes that only add a resource).
// - A block whose first line is `# <path>.yaml` (e.g. `# charts/x/templates/se.yaml`) is written to
//   that path.
// - An HTML comment before a block (blank lines may separate them) sets how its section is linted:
//     <!-- lint: --istio-version 1.20 --namespace apps -->   the CLI flags of those names
//     <!-- options: {"requireTlsRoute": true} -->            the rule's options, as under
//                                                             `rules.<id>.options` in .mesh-egress-lint.yaml
//   Without one, the Incorrect section is linted as the CLI does by default (latest Istio,
//   namespace `default`, default options) and the Correct section with the Incorrect section's
//   settings. A page says in its text when it uses such settings. Mesh config (REGISTRY_ONLY) comes
//   from documents of the input (ConfigMap `istio`, Sidecar), as it would in a repository.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/config-file.js';
import { CATALOG_ORDER, loadRules } from '../src/rules/index.js';
import { lintYaml, type LintOverrides } from './helpers.js';

const DOCS = path.resolve(__dirname, '../docs/rules');

interface Block {
  text: string;
  context: boolean;
  /** Correct only: the block is added to the whole Incorrect input. */
  added: boolean;
  file?: string;
}

interface Section {
  blocks: Block[];
  lint: LintOverrides;
  /** A `lint:` comment was given (else the Correct section inherits the Incorrect one's settings). */
  lintSet: boolean;
  options?: Record<string, unknown>;
}

function sectionsOf(markdown: string): Map<string, Section> {
  const out = new Map<string, Section>();
  const lines = markdown.split(/\r?\n/);
  let current: Section | undefined;
  let pending: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const h = /^## (.+?)\s*$/.exec(line);
    if (h) {
      current = { blocks: [], lint: {}, lintSet: false };
      out.set(h[1]!, current);
      pending = [];
      continue;
    }
    const comment = /^<!--\s*(lint|options):\s*(.*?)\s*-->\s*$/.exec(line);
    if (comment) {
      pending.push(line);
      continue;
    }
    const fence = /^(`{3,})(\S*)\s*$/.exec(line);
    if (fence) {
      const body: string[] = [];
      let j = i + 1;
      for (; j < lines.length && lines[j] !== fence[1]; j++) body.push(lines[j]!);
      if (current && fence[2] === 'yaml') {
        for (const c of pending) applyComment(current, c);
        const first = body[0] ?? '';
        const file = /^#\s*(\S+\.ya?ml)\s*$/.exec(first)?.[1];
        current.blocks.push({ text: body.join('\n') + '\n', context: /^#\s*context\b/.test(first), added: /^#\s*added to the Incorrect example\b/.test(first), file });
      }
      pending = [];
      i = j;
      continue;
    }
    if (line.trim() !== '') pending = [];
  }
  return out;
}

function applyComment(section: Section, line: string): void {
  const m = /^<!--\s*(lint|options):\s*(.*?)\s*-->\s*$/.exec(line)!;
  if (m[1] === 'options') {
    section.options = JSON.parse(m[2]!) as Record<string, unknown>;
    return;
  }
  section.lintSet = true;
  const args = m[2]!.split(/\s+/);
  for (let k = 0; k < args.length; k += 2) {
    const value = args[k + 1];
    if (value === undefined) throw new Error(`lint comment: ${args[k]} needs a value`);
    if (args[k] === '--istio-version') section.lint.istioVersion = value;
    else if (args[k] === '--namespace') section.lint.namespace = value;
    else throw new Error(`lint comment: unknown flag ${args[k]}`);
  }
}

async function lintSection(ruleId: string, s: Section, before: Block[], lint: LintOverrides, options?: Record<string, unknown>) {
  const files: Record<string, string> = {};
  [...before, ...s.blocks].forEach((b, i) => {
    files[b.file ?? `${b.context ? 'context' : 'example'}-${i + 1}.yaml`] = b.text;
  });
  const overrides: LintOverrides = { ...lint };
  if (options) overrides.rules = { [ruleId]: { options } };
  const result = await lintYaml(files, overrides);
  return { findings: result.findings.filter((f) => f.ruleId === ruleId), all: result.findings };
}

function sectionText(markdown: string, title: string): string {
  const m = new RegExp(`^## ${title}\\s*$([\\s\\S]*?)(?=^## |(?![\\s\\S]))`, 'm').exec(markdown);
  return m?.[1] ?? '';
}

const pages = readdirSync(DOCS)
  .filter((f) => f.endsWith('.md'))
  .map((f) => f.slice(0, -3))
  .filter((id) => (CATALOG_ORDER as readonly string[]).includes(id))
  .sort();

const rules = new Map((await loadRules()).map((r) => [r.id, r]));

describe('docs/rules', () => {
  it('has a page for every implemented rule', () => {
    expect([...rules.keys()].filter((id) => !pages.includes(id))).toEqual([]);
  });
});

describe.each(pages)('docs/rules/%s.md', (ruleId) => {
  const markdown = readFileSync(path.join(DOCS, `${ruleId}.md`), 'utf8');
  const sections = sectionsOf(markdown);
  const incorrect = sections.get('Incorrect');
  const correct = sections.get('Correct');
  const rule = rules.get(ruleId);

  it('has yaml examples under Incorrect and Correct', () => {
    expect(incorrect?.blocks.filter((b) => !b.context).length ?? 0).toBeGreaterThan(0);
    expect(correct?.blocks.filter((b) => !b.context).length ?? 0).toBeGreaterThan(0);
  });

  it('Incorrect example is reported', async () => {
    const { findings, all } = await lintSection(ruleId, incorrect!, [], incorrect!.lint, incorrect!.options);
    if (process.env.DOCS_DEBUG) console.log(`${ruleId} INCORRECT:${describeFindings(all)}`);
    expect(findings.length, `no ${ruleId} finding; all findings:${describeFindings(all)}`).toBeGreaterThan(0);
  });

  it('Correct example is clean', async () => {
    const c = correct!;
    const added = c.blocks.some((b) => b.added);
    const before = added ? incorrect!.blocks : c.blocks.some((b) => b.context) ? [] : incorrect!.blocks.filter((b) => b.context);
    const own = c.lintSet || c.options !== undefined;
    const { findings, all } = await lintSection(ruleId, c, before, own ? c.lint : incorrect!.lint, own ? c.options : incorrect!.options);
    if (process.env.DOCS_DEBUG) console.log(`${ruleId} CORRECT:${describeFindings(all)}`);
    expect(describeFindings(findings)).toEqual('');
  });

  it('states the default severity', () => {
    const line = markdown.split('\n').find((l) => l.startsWith('Default severity:')) ?? '';
    expect(line).toMatch(new RegExp(`^Default severity: \\*\\*${rule!.severity}\\*\\*`));
  });

  it('lists the options of the rule', () => {
    const text = sectionText(markdown, 'Options');
    const declared = rule!.options ?? [];
    if (declared.length === 0) expect(text.trim()).toMatch(/^None\b/);
    for (const o of declared) {
      const row = text.split('\n').find((l) => l.startsWith(`| \`${o.name}\` |`));
      expect(row, `no table row for option ${o.name}`).toBeDefined();
      expect(row!.split('|')[2]!.trim()).toBe(o.type);
      const defaults = Array.isArray(o.default) ? o.default : [o.default];
      for (const d of defaults) expect(text, `default ${JSON.stringify(d)} of ${o.name}`).toContain(`\`${typeof d === 'string' ? d : JSON.stringify(d)}\``);
    }
  });

  it('shows configuration snippets that the config loader accepts', () => {
    // Blocks of `.mesh-egress-lint.yaml` (Options, How to silence), indented in list items or not.
    for (const m of markdown.matchAll(/^( *)```yaml\n([\s\S]*?)^\1```/gm)) {
      const text = m[2]!.split('\n').map((l) => l.slice(m[1]!.length)).join('\n');
      if (!/^rules:/.test(text)) continue;
      expect(() => parseConfig(text, '/config/.mesh-egress-lint.yaml', '/config', [...rules.values()]), text).not.toThrow();
    }
  });

  it('names the related istioctl and Kiali codes', () => {
    const codes = [...new Set(sectionText(markdown, 'Related').match(/\b(IST|KIA)\d{4}\b/g) ?? [])].sort();
    expect(codes).toEqual([...(rule!.related ?? [])].sort());
  });
});

function describeFindings(fs: { ruleId: string; file: string; line: number; message: string; severity: string }[]): string {
  return fs.map((f) => `\n  ${f.ruleId} ${f.severity} ${path.basename(f.file)}:${f.line} ${f.message}`).join('');
}
