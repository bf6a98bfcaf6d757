// Typings of validators.js, which scripts/build-schemas.mjs generates from schemas/*.schema.json.

/** An error as ajv's standalone code reports it (options: allErrors, messages: false). */
export interface GeneratedError {
  /** JSON Pointer into the validated value, e.g. "/spec/tls/0/match/0". */
  instancePath: string;
  /** JSON Pointer into the schema, absolute ("#/definitions/Tls/properties/mode/enum"). */
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  /** Set on errors about a key (propertyNames). */
  propertyName?: string;
}

export interface GeneratedValidator {
  (data: unknown): boolean;
  errors?: GeneratedError[] | null;
}

/** What messages need to know about a schema node, keyed by its schemaPath ("#/properties/spec"). */
export interface SchemaNodeMeta {
  /** Property names of a closed object. */
  p?: string[];
  /** Type of the items of an array. */
  it?: string | string[];
  /** [minimum, maximum] of a number. */
  r?: [number, number];
  /** Allowed values of a case-insensitive enum (checked by a pattern). */
  ci?: string[];
  /** Custom explanation ("x-error"). */
  x?: string;
  /** Known misplaced keys → where they belong ("x-misplaced"). */
  mv?: Record<string, string>;
}

export const validateServiceEntry: GeneratedValidator;
export const validateDestinationRule: GeneratedValidator;
export const validateVirtualService: GeneratedValidator;
export const validateGateway: GeneratedValidator;
export const validateSidecar: GeneratedValidator;
export const validateWorkloadEntry: GeneratedValidator;
export const validatePeerAuthentication: GeneratedValidator;
export const validateIstioOperator: GeneratedValidator;
export const validateService: GeneratedValidator;
export const validateEndpoints: GeneratedValidator;
export const validateEndpointSlice: GeneratedValidator;
export const validateConfigMap: GeneratedValidator;
export const validateNamespace: GeneratedValidator;
/** Gateway API kinds (gateway.networking.k8s.io), one per kind and group of served versions. */
export const validateGatewayApiGatewayClass: GeneratedValidator;
export const validateGatewayApiGateway: GeneratedValidator;
export const validateGatewayApiListenerSet: GeneratedValidator;
export const validateGatewayApiHTTPRoute: GeneratedValidator;
export const validateGatewayApiGRPCRoute: GeneratedValidator;
export const validateGatewayApiTLSRoute: GeneratedValidator;
export const validateGatewayApiTLSRouteV1alpha2: GeneratedValidator;
export const validateGatewayApiTCPRoute: GeneratedValidator;
export const validateGatewayApiTCPRouteV1alpha2: GeneratedValidator;
export const validateGatewayApiUDPRoute: GeneratedValidator;
export const validateGatewayApiUDPRouteV1alpha2: GeneratedValidator;
export const validateGatewayApiReferenceGrant: GeneratedValidator;
export const validateGatewayApiBackendTLSPolicy: GeneratedValidator;
/** The config file `.mesh-egress-lint.yaml` (schemas/config.schema.json). */
export const validateConfig: GeneratedValidator;

export type ValidatorName =
  | 'validateServiceEntry'
  | 'validateDestinationRule'
  | 'validateVirtualService'
  | 'validateGateway'
  | 'validateSidecar'
  | 'validateWorkloadEntry'
  | 'validatePeerAuthentication'
  | 'validateIstioOperator'
  | 'validateService'
  | 'validateEndpoints'
  | 'validateEndpointSlice'
  | 'validateConfigMap'
  | 'validateNamespace'
  | 'validateConfig'
  | 'validateGatewayApiGatewayClass'
  | 'validateGatewayApiGateway'
  | 'validateGatewayApiListenerSet'
  | 'validateGatewayApiHTTPRoute'
  | 'validateGatewayApiGRPCRoute'
  | 'validateGatewayApiTLSRoute'
  | 'validateGatewayApiTLSRouteV1alpha2'
  | 'validateGatewayApiTCPRoute'
  | 'validateGatewayApiTCPRouteV1alpha2'
  | 'validateGatewayApiUDPRoute'
  | 'validateGatewayApiUDPRouteV1alpha2'
  | 'validateGatewayApiReferenceGrant'
  | 'validateGatewayApiBackendTLSPolicy';

export const schemaMeta: Record<ValidatorName, Record<string, SchemaNodeMeta>>;

/** CEL rules, defaults and list map keys of a schema, for src/schema/cel-check.ts (validators with any). */
export const celTrees: Partial<Record<ValidatorName, import('../cel-check.js').CelTree>>;

/** Which Gateway API validator checks which kind and versions. */
export const gatewayApiSchemas: { kind: string; versions: string[]; validator: ValidatorName }[];
