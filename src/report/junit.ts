import type { Finding } from '../types.js';
import { escapeTerminal } from './escape.js';
import type { ReportInput } from './types.js';

// JUnit XML for CI systems that show test reports (Jenkins, GitLab's test report, Azure Pipelines):
// one <testsuite> per file with findings, one failing <testcase> per finding, and a passing
// testcase for a clean run so that the report is never empty. The shape follows the Ant/Surefire
// schema as Jenkins's xunit plugin publishes it (junit-10.xsd).

/** Text and attribute values: XML's five entities, and no character XML 1.0 forbids. */
function xml(text: string): string {
  return escapeTerminal(text)
    .replace(/[\ufffe\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function testcase(f: Finding): string {
  const where = `${f.file}:${f.line}:${f.column}`;
  return (
    `    <testcase name="${xml(`${where} ${f.ruleId}`)}" classname="${xml(f.ruleId)}" time="0">\n` +
    `      <failure type="${f.severity}" message="${xml(f.message)}">${xml(`${where}: ${f.severity} ${f.message} [${f.ruleId}]`)}</failure>\n` +
    `    </testcase>\n`
  );
}

export function junitReport(input: ReportInput): string {
  const byFile = new Map<string, Finding[]>();
  for (const f of input.findings) {
    const list = byFile.get(f.file);
    if (list) list.push(f);
    else byFile.set(f.file, [f]);
  }
  const total = Math.max(1, input.findings.length);
  let out = `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${xml(input.tool.name)}" tests="${total}" failures="${input.findings.length}" errors="0" time="0">\n`;
  if (byFile.size === 0) {
    const files = input.summary.files;
    out += `  <testsuite name="${xml(input.tool.name)}" tests="1" failures="0" errors="0" skipped="0" time="0">\n`;
    out += `    <testcase name="${xml(`no findings in ${files} file${files === 1 ? '' : 's'}`)}" classname="${xml(input.tool.name)}" time="0"/>\n`;
    out += `  </testsuite>\n`;
  }
  for (const [file, findings] of byFile) {
    out += `  <testsuite name="${xml(file)}" tests="${findings.length}" failures="${findings.length}" errors="0" skipped="0" time="0" file="${xml(file)}">\n`;
    for (const f of findings) out += testcase(f);
    out += `  </testsuite>\n`;
  }
  out += `</testsuites>\n`;
  return out;
}
