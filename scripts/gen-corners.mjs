// Generates the inputs that once cost more than linear time: a pod template whose capture annotation
// lists many CIDRs, and many resources claiming one host (ServiceEntries, Gateways, VirtualServices).
// Each corner is one file; deterministic for a given size.
//   node scripts/gen-corners.mjs DIR CORNER SIZE     (CORNER: one of CORNERS below)
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const MESH = `apiVersion: v1
kind: ConfigMap
metadata:
  name: istio
  namespace: istio-system
data:
  mesh: |
    outboundTrafficPolicy:
      mode: REGISTRY_ONLY
`;

/** `n` public, non-adjacent /24s (so no two merge into one range): 11.0.0.0/24, 11.0.2.0/24, … */
function publicCidrs(n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const k = i * 2;
    out.push(`${11 + Math.floor(k / 65536)}.${Math.floor(k / 256) % 256}.${k % 256}.0/24`);
  }
  return out;
}

export const CORNERS = {
  /** One Deployment whose includeOutboundIPRanges (and excludeOutboundIPRanges) list `n` CIDRs each. */
  'capture-cidrs': (n) => [
    MESH,
    `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  namespace: team
spec:
  selector:
    matchLabels: {app: app}
  template:
    metadata:
      labels: {app: app}
      annotations:
        sidecar.istio.io/inject: "true"
        traffic.sidecar.istio.io/includeOutboundIPRanges: "${publicCidrs(n).join(',')}"
        traffic.sidecar.istio.io/excludeOutboundIPRanges: "${publicCidrs(n).map((c) => c.replace(/^(\d+)\./, (_, a) => `${Number(a) + 100}.`)).join(',')}"
    spec:
      containers:
      - name: main
        image: registry.example.com/app:1
`,
  ],
  /** `n` ServiceEntries in `n` namespaces, all for the same host and port with different protocols (every pair of HTTP and TCP conflicts). */
  'service-entries-one-host': (n) => {
    const docs = [MESH];
    for (let i = 0; i < n; i++) {
      docs.push(`apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: shared-${i}
  namespace: ns-${i}
spec:
  hosts:
  - api.shared.example.com
  location: MESH_EXTERNAL
  ports:
  - number: 443
    name: ${['http', 'tcp', 'https'][i % 3]}
    protocol: ${['HTTP', 'TCP', 'HTTPS'][i % 3]}
  resolution: ${i % 2 ? 'DNS' : 'NONE'}
`);
    }
    return docs;
  },
  /** `n` Gateways on the same selector, port and host (every pair conflicts). */
  'gateways-one-host': (n) => {
    const docs = [MESH];
    for (let i = 0; i < n; i++) {
      docs.push(`apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: egress-${i}
  namespace: istio-system
spec:
  selector: {istio: egressgateway}
  servers:
  - port: {number: 443, name: tls-${i}, protocol: TLS}
    hosts: [api.shared.example.com]
    tls: {mode: PASSTHROUGH}
`);
    }
    return docs;
  },
  /** `n` VirtualServices in one namespace claiming the same host. */
  'virtual-services-one-host': (n) => {
    const docs = [MESH];
    for (let i = 0; i < n; i++) {
      docs.push(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: route-${i}
  namespace: team
spec:
  hosts: [api.shared.example.com]
  http:
  - route:
    - destination: {host: api.shared.example.com}
`);
    }
    return docs;
  },
  /**
   * `n` Deployments in one namespace, each with its own Sidecar (workloadSelector on its app label,
   * REGISTRY_ONLY), each calling a host no ServiceEntry declares: every workload asks which Sidecar is its own.
   */
  'sidecars-one-namespace': (n) => {
    const docs = [];
    for (let i = 0; i < n; i++) {
      docs.push(`apiVersion: networking.istio.io/v1
kind: Sidecar
metadata:
  name: app-${i}
  namespace: team
spec:
  workloadSelector:
    labels: {app: app-${i}, tier: backend}
  outboundTrafficPolicy: {mode: REGISTRY_ONLY}
`);
      docs.push(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-${i}
  namespace: team
spec:
  selector:
    matchLabels: {app: app-${i}}
  template:
    metadata:
      labels: {app: app-${i}, tier: backend}
    spec:
      containers:
      - name: main
        image: registry.example.com/app:1
        env:
        - name: UPSTREAM
          value: https://api-${i}.unregistered.example.net/v1
`);
    }
    return docs;
  },
};

/** Writes corner `name` at size `n` as DIR/corner.yaml; returns the resource count. */
export function generateCorner(dir, name, n) {
  const make = CORNERS[name];
  if (!make) throw new Error(`unknown corner ${name} (one of ${Object.keys(CORNERS).join(', ')})`);
  mkdirSync(dir, { recursive: true });
  const docs = make(n);
  writeFileSync(path.join(dir, 'corner.yaml'), docs.join('---\n'));
  return { files: 1, resources: docs.length };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [dir, name, size] = process.argv.slice(2);
  if (!dir || !name || !size) {
    console.error(`usage: node scripts/gen-corners.mjs DIR CORNER SIZE   (CORNER: ${Object.keys(CORNERS).join(', ')})`);
    process.exit(2);
  }
  console.log(JSON.stringify(generateCorner(path.resolve(dir), name, Number(size))));
}
