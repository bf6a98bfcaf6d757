#!/usr/bin/env node
// Compiles schemas/*.schema.json into one ESM module of standalone ajv validators, so that the CLI
// never compiles a schema at run time (start-up budget: a one-file lint under 200 ms).
//
//   node scripts/build-schemas.mjs        (npm run build:schemas)
//
// Output: src/schema/generated/validators.js (committed) and dist/schema/generated/validators.js
// (tsc does not copy .js files). The typings live next to it in validators.d.ts (hand-written).
//
// The module also exports `schemaMeta`: per validator, what src/schema/validate.ts needs to word
// messages (allowed property names for "did you mean", item types, ranges, case-insensitive enums,
// custom texts), keyed by the schemaPath of the schema node. ajv reports schemaPaths relative to
// the definition a shared ($ref'd, not inlined) validate function checks; this script rewrites them
// to absolute ones ("#/definitions/TrafficPolicy/...") so that they match the meta keys. Inlining
// every $ref instead would keep them absolute but triples the code (DestinationRule repeats its
// traffic policy per subset and per port).
import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const schemaDir = path.join(root, 'schemas');
const outputs = [
  path.join(root, 'src/schema/generated/validators.js'),
  path.join(root, 'dist/schema/generated/validators.js'),
];

/** Export name → schema file. validate.ts picks the export by group and kind. */
const VALIDATORS = {
  validateServiceEntry: 'service-entry',
  validateDestinationRule: 'destination-rule',
  validateVirtualService: 'virtual-service',
  validateGateway: 'gateway',
  validateSidecar: 'sidecar',
  validateWorkloadEntry: 'workload-entry',
  validatePeerAuthentication: 'peer-authentication',
  validateIstioOperator: 'istio-operator',
  validateService: 'k8s-service',
  validateEndpoints: 'k8s-endpoints',
  validateEndpointSlice: 'k8s-endpoint-slice',
  validateConfigMap: 'k8s-config-map',
  validateNamespace: 'k8s-namespace',
  validateConfig: 'config',
};

const readSchema = (name) => JSON.parse(fs.readFileSync(path.join(schemaDir, `${name}.schema.json`), 'utf8'));

/**
 * The Gateway API schemas (scripts/crd-to-schemas.mjs writes schemas/gateway-api-index.json): one
 * validator per kind and group of versions, "validateGatewayApiHTTPRoute", "validateGatewayApiTCPRouteV1alpha2".
 */
const gatewayApiIndex = JSON.parse(fs.readFileSync(path.join(schemaDir, 'gateway-api-index.json'), 'utf8'));
const gatewayApiSchemas = [];
for (const { file, kind, versions } of gatewayApiIndex.schemas) {
  const variant = file.endsWith(`-${versions[0]}`) ? versions[0].replace(/^\w/, (c) => c.toUpperCase()) : '';
  const exportName = `validateGatewayApi${kind}${variant}`;
  VALIDATORS[exportName] = file;
  gatewayApiSchemas.push({ kind, versions, validator: exportName });
}

const ANNOTATIONS = new Set(['description', 'title', '$comment', 'examples', 'default']);

/**
 * Collects the meta data of every schema node (by schemaPath) and returns the schema without
 * annotations and x-* keys (ajv embeds the schema in the generated code; keep it small).
 */
function extractMeta(schema) {
  const meta = {};
  const walk = (node, ptr) => {
    if (Array.isArray(node)) return node.map((n, i) => walk(n, `${ptr}/${i}`));
    if (!node || typeof node !== 'object') return node;
    const m = {};
    if (node.properties && node.additionalProperties === false) m.p = Object.keys(node.properties);
    const type = node.type;
    if (type === 'array' && node.items && typeof node.items === 'object' && node.items.type) m.it = node.items.type;
    if (node.minimum !== undefined && node.maximum !== undefined) m.r = [node.minimum, node.maximum];
    if (node['x-enum-ci']) m.ci = node['x-enum-ci'];
    if (node['x-error']) m.x = node['x-error'];
    if (node['x-misplaced']) m.mv = node['x-misplaced'];
    if (Object.keys(m).length) meta[ptr] = m;
    const out = {};
    // `properties` and `dependencies` hold names, not keywords: keep every key there.
    const holdsNames = /\/(properties|dependencies)$/.test(ptr);
    for (const [k, v] of Object.entries(node)) {
      if (!holdsNames && (k.startsWith('x-') || ANNOTATIONS.has(k))) continue;
      out[k] = walk(v, `${ptr}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`);
    }
    return out;
  };
  return { schema: walk(schema, '#'), meta };
}

// messages: false: the texts come from validate.ts, not from ajv (smaller code).
/**
 * The CEL rules of a schema (`x-cel`) with what evaluating them needs: the defaults the API server
 * fills in first (`default`), list map keys (`x-list-map-keys`) and size bounds, as a tree that
 * follows the data: { p: properties, i: items, a: additionalProperties, r: definition name,
 * d: default, c: [[rule, message]], k: map keys, m: largest size the schema allows }.
 * src/schema/cel-check.ts walks it. Subtrees with none of these are left out.
 */
function celTree(schema) {
  const defs = {};
  const build = (node) => {
    if (!node || typeof node !== 'object') return undefined;
    if (node.$ref) {
      const name = node.$ref.replace('#/definitions/', '');
      if (!(name in defs)) {
        defs[name] = null;
        defs[name] = build(schema.definitions[name]) ?? null;
      }
      return defs[name] === null ? undefined : { r: name };
    }
    const t = {};
    if (node.default !== undefined) t.d = node.default;
    if (node['x-cel']) t.c = node['x-cel'].map(({ rule, message }) => [rule, message]);
    if (node['x-list-map-keys']) t.k = node['x-list-map-keys'];
    if (node.properties) {
      const p = {};
      for (const [n, c] of Object.entries(node.properties)) {
        const b = build(c);
        if (b) p[n] = b;
      }
      if (Object.keys(p).length) t.p = p;
    }
    if (node.items) {
      const b = build(node.items);
      if (b) t.i = b;
    }
    if (node.additionalProperties && typeof node.additionalProperties === 'object') {
      const b = build(node.additionalProperties);
      if (b) t.a = b;
    }
    if (!Object.keys(t).length) return undefined;
    const max = node.maxItems ?? node.maxLength ?? node.maxProperties;
    if (max !== undefined && (t.c || t.k)) t.m = max;
    return t;
  };
  const root = build(schema);
  for (const [n, d] of Object.entries(defs)) if (d === null) delete defs[n];
  return root ? { root, defs } : undefined;
}

const ajv = new Ajv({ allErrors: true, strict: false, messages: false, inlineRefs: false, code: { source: true, esm: true } });
const exportsMap = {};
const schemaMeta = {};
const celTrees = {};
for (const [exportName, file] of Object.entries(VALIDATORS)) {
  const full = readSchema(file);
  const cel = celTree(full);
  if (cel) celTrees[exportName] = cel;
  const { schema, meta } = extractMeta(full);
  ajv.addSchema(schema);
  exportsMap[exportName] = schema.$id;
  schemaMeta[exportName] = meta;
}
/** Name of a generated validate function → the local definition it checks. */
const refFunctions = new Map();
for (const id of Object.values(exportsMap)) {
  const env = ajv.getSchema(id)?.schemaEnv;
  for (const [ref, target] of Object.entries(env?.root.refs ?? {})) {
    const name = target && typeof target === 'object' ? target.validateName?.str : undefined;
    const pointer = ref.slice(ref.indexOf('#'));
    if (!name) continue;
    if (!/^#\/definitions\/[^/]+$/.test(pointer)) throw new Error(`unsupported $ref ${ref}`);
    refFunctions.set(name, pointer);
  }
}

let code = standaloneCode(ajv, exportsMap);

// Make the schemaPaths of shared validate functions absolute.
code = code.replace(/function (validate\d+)\((?:(?!function validate\d+\().)*/gs, (fn, name) => {
  const pointer = refFunctions.get(name);
  if (!pointer) return fn;
  return fn.replace(/schemaPath:"#\/(?!definitions\/)/g, `schemaPath:"${pointer}/`);
});
if (/schemaPath:[^"]/.test(code)) throw new Error('generated code builds a schemaPath dynamically');

// ajv's ESM output still uses require() for its runtime helpers: inline ucs2length (the only one
// these schemas need), import anything else.
const imports = [];
code = code.replace(/const (\w+) = require\("([^"]+)"\)\.default;/g, (_, name, mod) => {
  if (mod === 'ajv/dist/runtime/ucs2length') {
    return `const ${name} = (s) => { let n = 0; for (const _c of s) n++; return n; };`;
  }
  imports.push(`import ${name}_module from "${mod}.js";`);
  return `const ${name} = ${name}_module.default;`;
});
if (/\brequire\(/.test(code)) throw new Error('generated code still calls require()');

const header = [
  '// GENERATED by scripts/build-schemas.mjs from schemas/*.schema.json. Do not edit: run `npm run build:schemas`.',
  '/* eslint-disable */',
  ...imports,
].join('\n');
const output = `${header}\n${code}\nexport const schemaMeta = ${JSON.stringify(schemaMeta)};\nexport const celTrees = ${JSON.stringify(celTrees)};\nexport const gatewayApiSchemas = ${JSON.stringify(gatewayApiSchemas)};\n`;

for (const out of outputs) {
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, output);
}
console.log(`build-schemas: ${Object.keys(VALIDATORS).length} validators, ${(output.length / 1024).toFixed(0)} KiB → ${outputs.map((o) => path.relative(root, o)).join(', ')}`);
