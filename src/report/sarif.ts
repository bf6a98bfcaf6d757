import { readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Rule } from '../rules/types.js';
import type { Finding } from '../types.js';
import { findingFingerprint, fingerprintPath } from './fingerprint.js';
import type { ReportInput, Reporter } from './types.js';

// SARIF 2.1.0 for GitHub code scanning and other viewers. What GitHub requires and what it rejects
// is summarised in shared/docs/peers.md §D: one run, `results: []` when clean, every rule with
// short/full description and help text, every result with message.text, a repository-relative
// location with all four region fields, and partialFingerprints. No primaryLocationLineHash:
// upload-sarif computes that itself from the source.

const SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
const FINGERPRINT_KEY = 'meshEgressLint/v1';
const SRCROOT = '%SRCROOT%';
/** GitHub rejects longer short/full descriptions. */
const MAX_DESCRIPTION = 1024;
/** GitHub keeps at most 20 tags per rule. */
const MAX_TAGS = 20;

type Level = 'error' | 'warning' | 'note';

function levelOf(severity: string): Level {
  return severity === 'error' ? 'error' : severity === 'info' ? 'note' : 'warning';
}

function pascalCase(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part.length > 0)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

interface RuleHelp {
  /** First prose paragraph of the page. */
  description?: string;
  markdown: string;
}

/**
 * The first prose paragraph (not a heading, list, table, quote or code) of the page's
 * "What it catches" section, or of the page when it has no such section. Most pages introduce a
 * list with that paragraph ("... is:"); the list then belongs to the sentence and is joined to it
 * ("...: a; b; c."), so that the description is not cut mid-sentence.
 */
function firstParagraph(page: string): string | undefined {
  const section = /^##\s+What it catches\s*$/im.exec(page);
  const markdown = section ? page.slice(section.index + section[0].length) : page;
  let inFence = false;
  const paragraph: string[] = [];
  const items: string[][] = [];
  let inList = false;
  let blank = false;
  for (const raw of markdown.split(/\r?\n/)) {
    const line = raw.trim();
    if (inList) {
      // The list that completes the paragraph: items and their continuation lines, up to anything
      // else after a blank line, or a heading, fence or table.
      const item = /^([-*+]|\d+\.) +(.*)$/.exec(line);
      if (item) items.push([item[2]!]);
      else if (line === '') blank = true;
      else if (blank || items.length === 0 || /^(#|```|~~~|\||>|<!--)/.test(line)) break;
      else items[items.length - 1]!.push(line);
      if (line !== '') blank = false;
      continue;
    }
    if (/^(```|~~~)/.test(line)) {
      inFence = !inFence;
      if (paragraph.length > 0) break;
      continue;
    }
    if (inFence) continue;
    if (line === '') {
      if (paragraph.length > 0) {
        if (endsSentence(paragraph)) break;
        inList = true;
      }
      continue;
    }
    if (/^([-*+] |\d+\. )/.test(line) && paragraph.length > 0 && !endsSentence(paragraph)) {
      inList = true;
      items.push([line.replace(/^([-*+]|\d+\.) +/, '')]);
      continue;
    }
    if (section && /^[-*+] /.test(line) && paragraph.length === 0) {
      // A section that opens with a list: its first item is the description.
      paragraph.push(line.slice(2).trim());
      continue;
    }
    if (/^(#|[-*+] |\d+\. |\||>|<!--)/.test(line)) {
      if (paragraph.length > 0) break;
      continue;
    }
    paragraph.push(line);
  }
  let text = paragraph.join(' ');
  if (items.length > 0) {
    const joined = items.map((lines) => lines.join(' ').trim().replace(/[;,.]$/, '').replace(/;? (and|or)$/, ''));
    text = `${text} ${joined.join('; ')}.`;
  }
  text = text.replace(/\s+/g, ' ').trim();
  // A paragraph that introduces a table rather than a list: its last, unfinished sentence goes.
  if (!/[.!?)]$/.test(text)) {
    const cut = text.lastIndexOf('. ');
    if (cut > 0) text = text.slice(0, cut + 1);
  }
  return text === '' ? undefined : text;
}

function endsSentence(lines: string[]): boolean {
  return /[.!?)]$/.test(lines[lines.length - 1]!) && !/:$/.test(lines[lines.length - 1]!);
}

/** At most `max` characters, cut after the last full sentence that fits (GitHub's limit). */
function truncateSentences(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = text.slice(0, max);
  const cut = Math.max(head.lastIndexOf('. '), head.lastIndexOf('.\n'));
  if (cut > 0) return head.slice(0, cut + 1);
  const clause = head.lastIndexOf('; ');
  return clause > 0 ? `${head.slice(0, clause)}…` : truncate(text, max);
}

/** The package root: this file lives in src/report or dist/report. */
const PACKAGE_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Rule pages read once per process (and per package root), misses included. */
const helpCache = new Map<string, RuleHelp | null>();

function readRuleHelp(packageRoot: string, rule: Rule): RuleHelp | null {
  const relative = rule.docs || `docs/rules/${rule.id}.md`;
  const file = join(packageRoot, relative);
  const cached = helpCache.get(file);
  if (cached !== undefined) return cached;
  let help: RuleHelp | null = null;
  try {
    const markdown = readFileSync(file, 'utf8').trim();
    if (markdown !== '') help = { description: firstParagraph(markdown), markdown };
  } catch {
    // No page (yet): fall back to the summary.
  }
  helpCache.set(file, help);
  return help;
}

/**
 * A finding's file as a SARIF artifact location: relative to %SRCROOT% (the working directory)
 * when it is under it, else an absolute file URI (a `../` reference would leave the source root,
 * which code scanning cannot place). Display paths use `/` on every platform, so a backslash is
 * part of a file name and is percent-encoded, not read as a separator.
 */
function artifactLocation(file: string, cwd: string): { uri: string; uriBaseId?: string } {
  if (file === '<stdin>') return { uri: 'stdin', uriBaseId: SRCROOT };
  if (isAbsolute(file) || /^[A-Za-z]:[\\/]/.test(file) || file === '..' || file.startsWith('../')) return { uri: pathToFileURL(resolve(cwd, file)).href };
  // encodeURIComponent per segment: spaces, `#`, `?`, `%` and `\` must not be read as URI syntax.
  const uri = file
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
  return { uri, uriBaseId: SRCROOT };
}

function srcrootUri(cwd: string): string {
  const href = pathToFileURL(cwd).href;
  return href.endsWith('/') ? href : `${href}/`;
}

function resourceName(r: NonNullable<Finding['resource']>): string {
  return r.namespace ? `${r.kind} ${r.namespace}/${r.name}` : `${r.kind} ${r.name}`;
}

export interface SarifOptions {
  /** Where `docs/rules/*.md` are read from; defaults to this package's root. */
  packageRoot?: string;
}

export function createSarifReporter(options: SarifOptions = {}): Reporter {
  const packageRoot = options.packageRoot ?? PACKAGE_ROOT;

  return (input: ReportInput): string => {
    const baseUri = input.tool.informationUri.replace(/\/+$/, '');
    // The caller lists only enabled rules in `severities`; a rule absent from a non-empty map,
    // or mapped to 'off', is disabled. An empty map means no configuration was applied.
    const configured = Object.keys(input.severities).length > 0;

    const ruleIndex = new Map<string, number>();
    const rules: Record<string, unknown>[] = [];

    const describe = (rule: Rule): Record<string, unknown> => {
      const help = readRuleHelp(packageRoot, rule);
      const configuredSeverity = input.severities[rule.id];
      const enabled = configuredSeverity !== 'off' && (!configured || configuredSeverity !== undefined);
      const severity =
        configuredSeverity !== undefined && configuredSeverity !== 'off' ? configuredSeverity : rule.severity;
      const security =
        rule.securitySeverity !== undefined &&
        Number.isFinite(rule.securitySeverity) &&
        rule.securitySeverity > 0 &&
        rule.securitySeverity <= 10;
      const tags = ['istio', 'egress'];
      // The catalog section ('tls', 'gateways', ...) once Rule carries it; not in the type yet.
      const family = (rule as Rule & { family?: unknown }).family;
      if (typeof family === 'string' && family !== '') tags.push(family);
      if (security) tags.push('security');
      for (const code of rule.related ?? []) if (!tags.includes(code)) tags.push(code);
      const properties: Record<string, unknown> = { tags: tags.slice(0, MAX_TAGS) };
      if (security) properties['security-severity'] = rule.securitySeverity!.toFixed(1);
      const docsPath = rule.docs || `docs/rules/${rule.id}.md`;
      const summary = truncate(rule.summary, MAX_DESCRIPTION);
      const defaultConfiguration: Record<string, unknown> = { level: levelOf(severity) };
      if (!enabled) defaultConfiguration.enabled = false;
      return {
        id: rule.id,
        name: pascalCase(rule.id),
        shortDescription: { text: summary },
        fullDescription: { text: truncateSentences(help?.description ?? rule.summary, MAX_DESCRIPTION) },
        help: help ? { text: help.markdown, markdown: help.markdown } : { text: rule.summary, markdown: rule.summary },
        helpUri: `${baseUri}/blob/main/${docsPath.split('/').map(encodeURIComponent).join('/')}`,
        defaultConfiguration,
        properties,
      };
    };

    for (const rule of input.rules) {
      if (ruleIndex.has(rule.id)) continue;
      ruleIndex.set(rule.id, rules.length);
      rules.push(describe(rule));
    }

    const indexOf = (f: Finding): number => {
      let index = ruleIndex.get(f.ruleId);
      if (index === undefined) {
        // A finding of a rule outside the catalog still needs a descriptor for ruleIndex.
        index = rules.length;
        ruleIndex.set(f.ruleId, index);
        rules.push(
          describe({
            id: f.ruleId,
            severity: f.severity,
            summary: f.ruleId,
            docs: `docs/rules/${f.ruleId}.md`,
            check: () => {},
          }),
        );
      }
      return index;
    };

    const results = input.findings.map((f) => {
      const location: Record<string, unknown> = {
        physicalLocation: {
          artifactLocation: artifactLocation(f.file, input.cwd),
          region: {
            startLine: f.line,
            startColumn: f.column,
            endLine: f.endLine,
            endColumn: f.endColumn,
          },
        },
      };
      if (f.resource) {
        location.logicalLocations = [
          { name: f.resource.name, fullyQualifiedName: resourceName(f.resource), kind: 'resource' },
        ];
      }
      return {
        ruleId: f.ruleId,
        ruleIndex: indexOf(f),
        level: levelOf(f.severity),
        message: { text: f.message },
        locations: [location],
        partialFingerprints: { [FINGERPRINT_KEY]: findingFingerprint(f.resource ? f : { ...f, file: fingerprintPath(f.file, input.cwd) }) },
      };
    });

    const log = {
      $schema: SCHEMA_URI,
      version: '2.1.0',
      runs: [
        {
          tool: {
            driver: {
              name: input.tool.name,
              semanticVersion: input.tool.version,
              informationUri: input.tool.informationUri,
              rules,
            },
          },
          invocations: [{ executionSuccessful: true }],
          originalUriBaseIds: { [SRCROOT]: { uri: srcrootUri(input.cwd) } },
          columnKind: 'utf16CodeUnits',
          results,
        },
      ],
    };
    return `${JSON.stringify(log, null, 2)}\n`;
  };
}

export const sarifReport: Reporter = createSarifReporter();
