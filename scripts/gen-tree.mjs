// Generates a realistic synthetic manifest tree for the benchmark: one folder per namespace with
// Deployments whose env holds external URLs, Services, selectorless Services with Endpoints,
// ServiceEntries, DestinationRules, VirtualServices and a Sidecar; a mesh ConfigMap in REGISTRY_ONLY;
// and a few defects of each rule family. Deterministic for a given size.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Resources written per namespace (see namespaceDocs). */
export const RESOURCES_PER_NAMESPACE = 17;

function namespaceDocs(ns, i) {
  const ext = `api${i}.partner${i % 97}.example.com`;
  const docs = [];
  docs.push(`apiVersion: v1
kind: Namespace
metadata:
  name: ${ns}
  labels:
    istio-injection: enabled
`);
  for (let d = 0; d < 3; d++) {
    const app = `app${d}`;
    // Every 50th namespace calls a host nobody registered (missing-service-entry).
    const url = d === 2 && i % 50 === 0 ? `https://unregistered${i}.example.net/v1` : `https://${ext}/v1/items`;
    docs.push(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${app}
  namespace: ${ns}
  labels: {app: ${app}}
spec:
  replicas: 2
  selector:
    matchLabels: {app: ${app}}
  template:
    metadata:
      labels: {app: ${app}, version: v1}
      annotations:
        sidecar.istio.io/inject: "true"${i % 200 === 0 && d === 0 ? '\n        traffic.sidecar.istio.io/excludeOutboundIPRanges: "0.0.0.0/0"' : ''}
    spec:
      containers:
      - name: main
        image: registry.example.com/${app}:1.${i % 10}.${d}
        args: ["--listen=:8080", "--upstream=${url}"]
        env:
        - name: UPSTREAM_URL
          value: ${url}
        - name: LOG_LEVEL
          value: info
        - name: PEER
          value: http://${app === 'app0' ? 'app1' : 'app0'}.${ns}.svc.cluster.local:8080
        ports:
        - containerPort: 8080
          name: http
        resources:
          requests: {cpu: 100m, memory: 128Mi}
`);
    docs.push(`apiVersion: v1
kind: Service
metadata:
  name: ${app}
  namespace: ${ns}
spec:
  selector: {app: ${app}}
  ports:
  - name: http
    port: 8080
    targetPort: 8080
`);
  }
  // A selectorless Service with hand-written Endpoints (every 40th namespace: a port-name mismatch).
  docs.push(`apiVersion: v1
kind: Service
metadata:
  name: legacy-db
  namespace: ${ns}
spec:
  ports:
  - name: tcp-postgres
    port: 5432
`);
  docs.push(`apiVersion: v1
kind: Endpoints
metadata:
  name: legacy-db
  namespace: ${ns}
subsets:
- addresses:
  - ip: 192.0.2.${(i % 250) + 1}
  - ip: 198.51.100.${(i % 250) + 1}
  ports:
  - name: ${i % 40 === 0 ? 'postgres' : 'tcp-postgres'}
    port: 5432
`);
  docs.push(`apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: partner-api
  namespace: ${ns}
spec:
  hosts:
  - ${ext}
  location: MESH_EXTERNAL
  ports:
  - number: 443
    name: https
    protocol: HTTPS
  resolution: DNS
`);
  docs.push(`apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: partner-wildcard
  namespace: ${ns}
spec:
  hosts:
  - "*.partner${i % 97}.example.org"
  location: MESH_EXTERNAL
  ports:
  - number: 443
    name: tls
    protocol: TLS
  resolution: ${i % 60 === 0 ? 'DNS' : 'NONE'}
`);
  docs.push(`apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: partner-api
  namespace: ${ns}
spec:
  host: ${ext}
  trafficPolicy:
    connectionPool:
      tcp: {maxConnections: 100}
    tls:
      mode: ${i % 70 === 0 ? 'ISTIO_MUTUAL' : 'SIMPLE'}
`);
  docs.push(`apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: app0
  namespace: ${ns}
spec:
  host: app0
  subsets:
  - name: v1
    labels: {version: v1}
`);
  docs.push(`apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: legacy-db
  namespace: ${ns}
spec:
  host: legacy-db.${ns}.svc.cluster.local
  trafficPolicy:
    tls: {mode: DISABLE}
`);
  docs.push(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: app0
  namespace: ${ns}
spec:
  hosts:
  - app0
  http:
  - timeout: 5s
    route:
    - destination:
        host: app0
        subset: ${i % 30 === 0 ? 'v2' : 'v1'}
        port: {number: 8080}
`);
  docs.push(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: partner-api
  namespace: ${ns}
spec:
  hosts:
  - ${ext}
  ${i % 45 === 0 ? 'http' : 'tls'}:
  - match:
    - port: 443${i % 45 === 0 ? '' : `\n      sniHosts: [${ext}]`}
    route:
    - destination:
        host: ${ext}
        port: {number: 443}
`);
  docs.push(`apiVersion: networking.istio.io/v1
kind: Sidecar
metadata:
  name: default
  namespace: ${ns}
spec:
  egress:
  - hosts:
    - "./*"
    - "istio-system/*"
`);
  return docs;
}

function meshDocs() {
  return [
    `apiVersion: v1
kind: ConfigMap
metadata:
  name: istio
  namespace: istio-system
data:
  mesh: |
    outboundTrafficPolicy:
      mode: REGISTRY_ONLY
    rootNamespace: istio-system
`,
    `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: default
  namespace: istio-system
spec:
  host: "*.local"
  trafficPolicy:
    tls: {mode: ISTIO_MUTUAL}
`,
  ];
}

/**
 * The benchmark's documents for about `resources` resources, file by file: one folder per
 * namespace with three files each (the way teams split workloads, networking and egress), and the
 * mesh's own file. Paths are relative, '/' separated.
 */
export function treeFiles(resources) {
  const out = [{ path: 'istio-system/mesh.yaml', docs: meshDocs() }];
  const namespaces = Math.max(1, Math.round((resources - 2) / RESOURCES_PER_NAMESPACE));
  for (let i = 0; i < namespaces; i++) {
    const ns = `team-${String(i).padStart(5, '0')}`;
    const docs = namespaceDocs(ns, i);
    out.push({ path: `${ns}/workloads.yaml`, docs: docs.slice(0, 7) });
    out.push({ path: `${ns}/services.yaml`, docs: docs.slice(7, 9) });
    out.push({ path: `${ns}/networking.yaml`, docs: docs.slice(9) });
  }
  return { files: out, namespaces };
}

/** Writes about `resources` resources under `dir` (one folder per namespace, three files each). */
export function generateTree(dir, resources) {
  rmSync(dir, { recursive: true, force: true });
  const { files, namespaces } = treeFiles(resources);
  let count = 0;
  for (const f of files) {
    mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
    writeFileSync(path.join(dir, f.path), f.docs.join('---\n'));
    count += f.docs.length;
  }
  return { files: files.length, resources: count, namespaces };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [dir, size] = process.argv.slice(2);
  if (!dir || !size) {
    console.error('usage: node scripts/gen-tree.mjs DIR RESOURCES');
    process.exit(2);
  }
  console.log(JSON.stringify(generateTree(path.resolve(dir), Number(size))));
}
