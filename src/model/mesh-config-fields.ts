// The top-level fields of Istio's MeshConfig (istio/api mesh/v1alpha1/config.proto, message
// MeshConfig, field numbers up to 67 as of Istio 1.31), as proto names. istiod reads a mesh config
// with unknown fields allowed (semantics §1.1), so a misspelt key is silently dropped: the linter
// checks a --mesh-config file against this list instead.

const PROTO_NAMES = [
  'proxy_listen_port',
  'proxy_inbound_listen_port',
  'proxy_http_port',
  'connect_timeout',
  'protocol_detection_timeout',
  'tcp_keepalive',
  'ingress_class',
  'ingress_service',
  'ingress_controller_mode',
  'ingress_selector',
  'enable_tracing',
  'access_log_file',
  'access_log_format',
  'access_log_encoding',
  'enable_envoy_access_log_service',
  'disable_envoy_listener_log',
  'default_config',
  'outbound_traffic_policy',
  'inbound_traffic_policy',
  'config_sources',
  'enable_auto_mtls',
  'trust_domain',
  'trust_domain_aliases',
  'ca_certificates',
  'default_service_export_to',
  'default_virtual_service_export_to',
  'default_destination_rule_export_to',
  'root_namespace',
  'locality_lb_setting',
  'dns_refresh_rate',
  'h2_upgrade_policy',
  'inbound_cluster_stat_name',
  'outbound_cluster_stat_name',
  'certificates',
  'service_settings',
  'enable_prometheus_merge',
  'verify_certificate_at_client',
  'ca',
  'extension_providers',
  'default_providers',
  'discovery_selectors',
  'path_normalization',
  'default_http_retry_policy',
  'mesh_mTLS',
  'tls_defaults',
  'compliance_policy',
] as const;

/** protoc's JSON name of a field: each letter after an underscore upper-cased (`mesh_mTLS` → `meshMTLS`). */
function jsonName(proto: string): string {
  return proto.replace(/_([a-zA-Z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** The JSON (camelCase) names, the spelling of istio.io's docs and of most mesh configs. */
export const MESH_CONFIG_FIELDS: readonly string[] = PROTO_NAMES.map(jsonName);

const KNOWN = new Set<string>([...PROTO_NAMES, ...MESH_CONFIG_FIELDS]);

/** Whether `key` is a top-level MeshConfig field, in its JSON or proto spelling. */
export function isMeshConfigField(key: string): boolean {
  return KNOWN.has(key);
}
