// Shared test helpers: lint a folder or inline YAML through the real engine.
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { vi } from 'vitest';
import { main } from '../src/cli/main.js';
import { lint, type LintOptions, type LintResult } from '../src/engine.js';
import { LATEST_ISTIO } from '../src/model/mesh.js';
import { parseIstioVersion } from '../src/cli/main.js';

export type LintOverrides = Partial<Omit<LintOptions, 'istioVersion'>> & { istioVersion?: string };

export async function lintPaths(paths: string[], o: LintOverrides = {}): Promise<LintResult> {
  const { istioVersion, ...rest } = o;
  return lint({
    paths,
    cwd: o.cwd ?? process.cwd(),
    namespace: 'default',
    istioVersion: istioVersion ? parseIstioVersion(istioVersion) : LATEST_ISTIO,
    ...rest,
  });
}

/** Writes files into a fresh temporary folder and returns its path. */
export function tempTree(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'mel-'));
  for (const [name, content] of Object.entries(files)) {
    const p = path.join(dir, name);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
  return dir;
}

/** Lints inline YAML files; returns findings as `rule@line` strings for compact assertions. */
export async function lintYaml(files: Record<string, string>, o: LintOverrides = {}): Promise<LintResult> {
  const dir = tempTree(files);
  return lintPaths([dir], { cwd: dir, ...o });
}

export function ids(result: LintResult, ruleId?: string): string[] {
  return result.findings.filter((f) => !ruleId || f.ruleId === ruleId).map((f) => `${f.ruleId}@${f.file}:${f.line}`);
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI in-process with a fake terminal (not a TTY). With captureProcessStderr, what the
 * engine writes to process.stderr itself (a rule that throws) is captured in stderr too.
 */
export async function runCli(
  argv: string[],
  cwd: string,
  o: { stdin?: string | Buffer; env?: NodeJS.ProcessEnv; captureProcessStderr?: boolean } = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const spy = o.captureProcessStderr
    ? vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
        stderr += String(chunk);
        return true;
      })
    : undefined;
  try {
    const code = await main({
      argv,
      cwd,
      env: o.env ?? {},
      stdout: (x) => (stdout += x),
      stderr: (x) => (stderr += x),
      stdin: () => (o.stdin === undefined ? Buffer.alloc(0) : Buffer.isBuffer(o.stdin) ? o.stdin : Buffer.from(o.stdin)),
      isTTY: false,
    });
    return { code, stdout, stderr };
  } finally {
    spy?.mockRestore();
  }
}

/**
 * A REGISTRY_ONLY mesh config and a Deployment that calls a host no ServiceEntry registers: one
 * missing-service-entry error, at line 21.
 */
export const REGISTRY_ONLY_UNREGISTERED_CALL = `apiVersion: v1
kind: ConfigMap
metadata: {name: istio, namespace: istio-system}
data:
  mesh: |
    outboundTrafficPolicy:
      mode: REGISTRY_ONLY
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: client, namespace: default}
spec:
  selector: {matchLabels: {app: client}}
  template:
    metadata: {labels: {app: client}}
    spec:
      containers:
      - name: app
        image: app
        env:
        - {name: URL, value: "https://unregistered.example.org/v1"}
`;
