// The mesh-wide defaults for an unset exportTo: MeshConfig `defaultServiceExportTo` (Services and
// ServiceEntries), `defaultVirtualServiceExportTo` and `defaultDestinationRuleExportTo`; `*` when
// the mesh config does not set them (istio/istio pilot/pkg/model/push_context.go,
// initDefaultExportMaps).
//
// How istiod applies each default to a resource without exportTo:
// - Services, ServiceEntries (IsServiceVisible, initServiceRegistry) and VirtualServices
//   (initVirtualServices) honour only `.` and `*` in the default: `.` (checked first) keeps the
//   resource in its own namespace, `*` exports it everywhere, and any other default (a namespace
//   name, `~`) leaves the resource in no index, so no namespace sees it.
// - DestinationRules (setDestinationRules) take the default list as if it were their own exportTo.
import type { FieldPath, Resource } from '../types.js';
import type { MeshLayer } from './policy.js';
import { meshConfigFieldOf } from './mesh-settings.js';
import { asArray } from './resource.js';

export type ExportDefaultKind = 'service' | 'virtualService' | 'destinationRule';

const FIELD: Record<ExportDefaultKind, string> = {
  service: 'defaultServiceExportTo',
  virtualService: 'defaultVirtualServiceExportTo',
  destinationRule: 'defaultDestinationRuleExportTo',
};

export interface ExportDefault {
  /** The mesh config's list, as written. */
  value: string[];
  /** The exportTo a resource without one gets, as this model reads exportTo (hosts.ts exportedTo). */
  effective: string[] | undefined;
  /** For messages: "defaultServiceExportTo [\".\"] of ConfigMap istio-system/istio (data.mesh)". */
  label: string;
  resource?: Resource;
  path?: FieldPath;
}

export type ExportDefaults = Partial<Record<ExportDefaultKind, ExportDefault>>;

export function readExportDefaults(layers: readonly MeshLayer[]): ExportDefaults {
  const out: ExportDefaults = {};
  for (const kind of Object.keys(FIELD) as ExportDefaultKind[]) {
    const setting = meshConfigFieldOf(layers, [FIELD[kind]]);
    if (!setting || !Array.isArray(setting.value)) continue;
    const value = asArray(setting.value).map((v) => String(v).trim());
    // An empty list is a nil list to the proto decoder: the `*` default.
    if (value.length === 0) continue;
    let effective: string[] | undefined;
    if (kind === 'destinationRule') effective = value.includes('*') ? undefined : value;
    else effective = value.includes('.') ? ['.'] : value.includes('*') ? undefined : ['~'];
    out[kind] = { value, effective, label: `${FIELD[kind]} ${JSON.stringify(value)} of ${setting.label}`, resource: setting.resource, path: setting.path };
  }
  return out;
}

/** A resource's exportTo, with where it came from when it is the mesh default (for messages). */
export interface Exported {
  exportTo?: string[];
  /** Set when exportTo is the mesh-wide default (the resource has none of its own). */
  exportToDefault?: ExportDefault;
}

/** Gives a resource without exportTo the mesh default in force. */
export function applyExportDefault(info: Exported, d: ExportDefault | undefined): void {
  if (!d || (info.exportTo && info.exportTo.length > 0)) return;
  info.exportTo = d.effective;
  info.exportToDefault = d;
}

/** "exportTo: [\".\"]" or "defaultServiceExportTo [\".\"] of …" for messages; undefined when exported everywhere by default. */
export function describeExportTo(info: Exported): string | undefined {
  if (info.exportToDefault) return `no exportTo, so the mesh's ${info.exportToDefault.label}`;
  return info.exportTo ? `exportTo: ${JSON.stringify(info.exportTo)}` : undefined;
}
