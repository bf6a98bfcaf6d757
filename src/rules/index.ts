// The rule catalog, in the order of docs/rule-catalog.md. Rules are loaded from their own files;
// an id whose file does not exist is not implemented and is absent from every output.
import { existsSync } from 'node:fs';
import type { Rule } from './types.js';

export const CATALOG_ORDER = [
  'yaml-syntax',
  'not-a-manifest',
  'schema-violation',
  'missing-service-entry',
  'service-entry-not-exported',
  'mesh-config-conflict',
  'mtls-to-external-host',
  'external-name-destination-rule',
  'https-without-tls-route',
  'tls-route-sni-mismatch',
  'endpoints-without-service',
  'endpoints-for-selector-service',
  'endpoints-port-mismatch',
  'endpoints-invalid-address',
  'service-without-endpoints',
  'service-selector-no-pod',
  'gateway-not-found',
  'gateway-host-mismatch',
  'match-gateway-not-bound',
  'gateway-selector-no-workload',
  'unknown-destination-host',
  'subset-not-found',
  'gateway-route-protocol-mismatch',
  'egress-gateway-route-incomplete',
  'egress-gateway-loop',
  'egress-gateway-cleartext-hop',
  'gateway-port-not-on-service',
  'gateway-conflict',
  'gateway-protocol-conflict',
  'virtual-service-host-conflict',
  'destination-port-required',
  'service-entry-wildcard-dns',
  'service-entry-addresses-required',
  'service-entry-protocol-conflict',
  'capture-bypasses-egress-policy',
  'invalid-capture-annotation',
  'proxy-uid-bypasses-capture',
  'use-waypoint-not-found',
  'waypoint-binding-refused',
  'waypoint-traffic-type-mismatch',
  'wildcard-service-entry-without-waypoint',
  'ambient-egress-unrestricted',
  'gateway-api-parent-not-found',
  'gateway-api-listener-not-found',
  'gateway-api-hostname-mismatch',
  'gateway-api-route-not-allowed',
  'gateway-api-backend-not-granted',
  'gateway-api-backend-not-found',
  'gateway-api-hostname-backend-unregistered',
  'gateway-api-egress-route-incomplete',
  'gateway-api-tls-origination-incomplete',
  'gateway-api-listener-set-not-attached',
  'pod-annotation-on-workload',
  'duplicate-resource',
] as const;

let cache: Promise<Rule[]> | undefined;

/** Every implemented rule, in catalog order. */
export function loadRules(): Promise<Rule[]> {
  cache ??= (async () => {
    const out: Rule[] = [];
    for (const id of CATALOG_ORDER) {
      const js = new URL(`./${id}.js`, import.meta.url);
      const ts = new URL(`./${id}.ts`, import.meta.url);
      if (!existsSync(js) && !existsSync(ts)) continue;
      const mod = (await import(/* @vite-ignore */ `./${id}.js`)) as { rule: Rule };
      out.push(mod.rule);
    }
    return out;
  })();
  return cache;
}
