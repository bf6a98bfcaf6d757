import { readFileSync } from 'node:fs';
import { yaml } from '../util/lazy.js';
import { ConfigError } from './config-file.js';
import { readMeshConfig, type OutboundMode } from '../model/policy.js';

/** Reads a raw MeshConfig YAML file (istioctl's --meshConfigFile format). */
export function readMeshConfigFile(abs: string, label: string): { mode?: OutboundMode; rootNamespace?: string; label: string; config?: unknown } {
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read ${label.replace(/^--mesh-config /, '')}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  let value: unknown;
  try {
    value = yaml().parse(text, { maxAliasCount: 100 });
  } catch (e) {
    throw new ConfigError(`${label}: not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  // A whole ConfigMap or a `mesh:` wrapper are accepted too.
  let mc: unknown = value;
  if (mc && typeof mc === 'object' && 'data' in mc) mc = (mc as { data?: { mesh?: unknown } }).data?.mesh;
  if (typeof mc === 'string') mc = yaml().parse(mc);
  const r = readMeshConfig(mc);
  const mode = r.mode;
  const raw = (mc as { outboundTrafficPolicy?: { mode?: unknown } } | undefined)?.outboundTrafficPolicy?.mode;
  if (raw !== undefined && !mode) throw new ConfigError(`${label}: outboundTrafficPolicy.mode "${String(raw)}" is not ALLOW_ANY, REGISTRY_ONLY or ALLOW_ANY_DYNAMIC_DNS`);
  // The whole MeshConfig too: other fields (defaultServiceExportTo, defaultConfig) are read from it.
  return { mode, rootNamespace: r.rootNamespace, label, config: mc };
}
