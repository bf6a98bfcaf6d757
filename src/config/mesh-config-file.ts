import { yaml } from '../util/lazy.js';
import { ConfigError } from './config-file.js';
import { readSettingsFile } from '../load/read.js';
import { readMeshConfig, type OutboundMode } from '../model/policy.js';
import { isMeshConfigField, MESH_CONFIG_FIELDS } from '../model/mesh-config-fields.js';
import { didYouMean } from '../util/suggest.js';

/** Reads a raw MeshConfig YAML file (istioctl's --meshConfigFile format). */
export function readMeshConfigFile(abs: string, label: string): { mode?: OutboundMode; rootNamespace?: string; label: string; config?: unknown; file?: string } {
  const read = readSettingsFile(abs);
  if ('error' in read) throw new ConfigError(`cannot read ${label.replace(/^--mesh-config /, '')}: ${read.error}`);
  const text = read.text;
  const parsed = parseMeshYaml(text, label);
  const value = parsed.value;
  // A whole ConfigMap (istio-system/istio, key data.mesh) or the MeshConfig itself.
  let mc: unknown = value;
  if (isMapping(mc) && 'data' in mc) {
    const data = (mc as { data?: unknown }).data;
    const mesh = isMapping(data) ? (data as { mesh?: unknown }).mesh : undefined;
    if (typeof mesh !== 'string') throw new ConfigError(`${label}: the ConfigMap has no data.mesh text (the MeshConfig, as in ConfigMap istio-system/istio)`);
    mc = parseMeshYaml(mesh, `${label}: data.mesh`).value;
  }
  if (mc === null || mc === undefined) mc = {};
  if (!isMapping(mc)) {
    const found = Array.isArray(mc) ? 'a list' : `a ${typeof mc}`;
    throw new ConfigError(`${label}: not a MeshConfig: expected a mapping of MeshConfig fields (outboundTrafficPolicy, rootNamespace, …), found ${found}`);
  }
  checkKeys(mc, mc === value ? parsed : undefined, label);
  const r = readMeshConfig(mc);
  const mode = r.mode;
  const raw = (mc as { outboundTrafficPolicy?: { mode?: unknown } } | undefined)?.outboundTrafficPolicy?.mode;
  if (raw !== undefined && !mode) throw new ConfigError(`${label}: outboundTrafficPolicy.mode "${String(raw)}" is not ALLOW_ANY, REGISTRY_ONLY or ALLOW_ANY_DYNAMIC_DNS`);
  // The whole MeshConfig too: other fields (defaultServiceExportTo, defaultConfig) are read from it.
  return { mode, rootNamespace: r.rootNamespace, label, config: mc, file: abs };
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

interface ParsedMeshYaml {
  value: unknown;
  doc: ReturnType<ReturnType<typeof yaml>['parseDocument']>;
  lc: InstanceType<ReturnType<typeof yaml>['LineCounter']>;
}

/** YAML text to a value, every problem (syntax, duplicate keys, an alias bomb) as one located line. */
function parseMeshYaml(text: string, label: string): ParsedMeshYaml {
  const lc = new (yaml().LineCounter)();
  const doc = yaml().parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter: lc });
  const err = doc.errors[0];
  if (err) {
    const { line, col } = lc.linePos(err.pos[0]);
    throw new ConfigError(`${label}: not valid YAML at line ${line}, column ${col}: ${err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`);
  }
  try {
    return { value: doc.toJS({ maxAliasCount: 100 }), doc, lc };
  } catch (e) {
    throw new ConfigError(`${label}: not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
}

/**
 * A key that is not a MeshConfig field is a located error: istiod would drop it without a word
 * (semantics §1.1), so the file would not say what the mesh does. `parsed` is the file, parsed, when
 * the MeshConfig is the whole file (keys are then located), else the error names the key only.
 */
function checkKeys(mc: unknown, parsed: ParsedMeshYaml | undefined, label: string): void {
  if (!mc || typeof mc !== 'object' || Array.isArray(mc)) return;
  const unknown = Object.keys(mc).find((k) => !isMeshConfigField(k));
  if (unknown === undefined) return;
  const file = label.replace(/^--mesh-config /, '');
  const what = `unknown MeshConfig field "${unknown}" (istiod ignores it: the setting has no effect)${didYouMean(unknown, MESH_CONFIG_FIELDS)}`;
  if (parsed !== undefined) {
    const { doc, lc } = parsed;
    const contents = doc.contents as { items?: { key?: { value?: unknown; range?: [number, number, number] } }[] } | null;
    const pair = contents?.items?.find((p) => String(p.key?.value) === unknown);
    if (pair?.key?.range) {
      const { line, col } = lc.linePos(pair.key.range[0]);
      throw new ConfigError(`${file}:${line}:${col}: ${what}`, true);
    }
  }
  throw new ConfigError(`${label}: ${what}`);
}
