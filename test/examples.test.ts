// The bundled examples: every good set lints clean (no finding at all), every broken set gives exactly
// the findings marked `# expect:` in its files and listed in examples/README.md.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintPaths } from './helpers.js';

const ROOT = path.resolve(__dirname, '..');
const EXAMPLES = path.join(ROOT, 'examples');
const scenarios = readdirSync(EXAMPLES, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

function marks(dir: string): string[] {
  const out: string[] = [];
  for (const f of readdirSync(dir).sort()) {
    readFileSync(path.join(dir, f), 'utf8')
      .split(/\r?\n/)
      .forEach((line, i) => {
        const m = /#\s*expect:\s*([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)\s*$/.exec(line);
        if (m) for (const id of m[1]!.split(',')) out.push(`examples/${path.relative(EXAMPLES, path.join(dir, f))}:${i + 1} ${id.trim()}`);
      });
  }
  return out.sort();
}

function readmeRows(scenario: string): string[] {
  const readme = readFileSync(path.join(EXAMPLES, 'README.md'), 'utf8');
  const rows: string[] = [];
  for (const m of readme.matchAll(/^\| `(examples\/([^/]+)\/broken\/[^`]+)` \| (\d+) \| `([a-z0-9-]+)` \| (error|warning|info) \|$/gm)) {
    if (m[2] === scenario) rows.push(`${m[1]}:${m[3]} ${m[4]} ${m[5]}`);
  }
  return rows.sort();
}

describe.each(scenarios)('examples/%s', (scenario) => {
  it('good/ lints clean', async () => {
    const r = await lintPaths([path.join(EXAMPLES, scenario, 'good')], { cwd: ROOT });
    expect(r.findings.map((f) => `${f.file}:${f.line} ${f.ruleId} ${f.message}`)).toEqual([]);
  });

  it('broken/ gives exactly the marked findings, as the README lists them', async () => {
    const dir = path.join(EXAMPLES, scenario, 'broken');
    const r = await lintPaths([dir], { cwd: ROOT });
    expect(r.findings.map((f) => `${f.file}:${f.line} ${f.ruleId}`).sort()).toEqual(marks(dir));
    expect(r.findings.map((f) => `${f.file}:${f.line} ${f.ruleId} ${f.severity}`).sort()).toEqual(readmeRows(scenario));
  });
});
