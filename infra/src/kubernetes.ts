/**
 * Kubernetes manifests for the platform's own processes, derived from the same specs `npm
 * start` runs (services.ts): a Deployment per process with readiness on /ready, a Service for
 * each that takes requests, a HorizontalPodAutoscaler and a PodDisruptionBudget each. The
 * engines (PostgreSQL, Kafka with Connect, Elasticsearch) and the payment provider are
 * external dependencies, named in one ConfigMap; secrets are never in the manifests, only
 * the names of the Secrets each process reads (one per process, least privilege).
 * `npm run manifests` writes deploy/kubernetes/emporium.yaml; a test regenerates it and
 * validates every object against the Kubernetes API's schemas.
 */
import { join } from 'node:path';
import { LOCAL_HOST } from '@emporium/config';
import { DEFAULT_PARTITIONS } from '@emporium/kafka';
import { repoRoot } from './config.ts';
import {
  PAYMENT_PROVIDER,
  ROUTER,
  SERVICES,
  STOREFRONT,
  SUBGRAPHS,
  platformEnv,
  type ServiceSpec,
} from './services.ts';

export const MANIFESTS_FILE = join(repoRoot, 'deploy', 'kubernetes', 'emporium.yaml');

/** The image every process runs (the repository's Dockerfile); a pipeline pins its tag. */
export const IMAGE = 'emporium:latest';
const NAMESPACE = 'emporium';
const PLATFORM_CONFIG = 'emporium-platform';

type Manifest = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels: Record<string, string> };
};

const labels = (name: string) => ({ 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'emporium' });

/** Settings that are local ports or hosts, which the manifests set themselves, as opposed to secrets. */
const isPortSetting = (key: string): boolean => key.endsWith('_PORT');

/**
 * The variables a process holds as secrets: everything its spec sets besides ports and the
 * public URL. (Identity's spec reads its local key file to answer; the names are what count.)
 */
export function secretKeys(service: ServiceSpec): string[] {
  return Object.keys(service.env)
    .filter((key) => !isPortSetting(key) && key !== 'STOREFRONT_GRAPHQL_URL')
    .sort();
}

/** In-cluster address of a process that takes requests. */
const clusterUrl = (service: ServiceSpec, path = ''): string => `http://${service.name}:${service.port}${path}`;

/** What a process needs to find its peers inside the cluster, where the local defaults (loopback) do not hold. */
function peers(service: ServiceSpec): Record<string, string> {
  const identity = SUBGRAPHS.find((subgraph) => subgraph.name === 'identity');
  const cart = SUBGRAPHS.find((subgraph) => subgraph.name === 'cart');
  if (!identity || !cart) throw new Error('the identity and cart subgraphs must exist');
  if (service === ROUTER) {
    return {
      ROUTER_HOST: '0.0.0.0',
      IDENTITY_JWKS_URL: clusterUrl(identity, '/.well-known/jwks.json'),
      ...Object.fromEntries(
        SUBGRAPHS.map((subgraph) => [`SUBGRAPH_${subgraph.name.toUpperCase()}_URL`, clusterUrl(subgraph, '/graphql')]),
      ),
    };
  }
  if (service.name === 'order') return { SERVICE_HOST: '0.0.0.0', CART_SERVICE_URL: clusterUrl(cart) };
  // The image's tree is read-only: the storefront builds its assets into the pod's scratch volume.
  if (service === STOREFRONT) return { SERVICE_HOST: '0.0.0.0', STOREFRONT_DIST: '/tmp/storefront-dist' };
  return { SERVICE_HOST: '0.0.0.0' };
}

/** Requests sized from the bench's CPU per operation; limits leave room for bursts, never for swapping. */
const RESOURCES = {
  requests: { cpu: '250m', memory: '256Mi' },
  limits: { cpu: '1', memory: '768Mi' },
};

function deployment(service: ServiceSpec): Manifest {
  const env = Object.entries({
    NODE_ENV: 'production',
    ...Object.fromEntries(Object.entries(service.env).filter(([key]) => isPortSetting(key))),
    ...peers(service),
  }).map(([name, value]) => ({ name, value }));
  const probe = (path: string, extra: Record<string, number>) => ({
    httpGet: { path, port: 'http' },
    ...extra,
  });
  const secrets = secretKeys(service);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: service.name, namespace: NAMESPACE, labels: labels(service.name) },
    spec: {
      replicas: 2,
      selector: { matchLabels: labels(service.name) },
      // One new pod before an old one goes: capacity never drops during a rollout.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels: labels(service.name) },
        spec: {
          // The processes drain and exit within 10 s of SIGTERM.
          terminationGracePeriodSeconds: 15,
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: service.name,
              image: IMAGE,
              command: ['node', service.entry],
              ports: [{ name: 'http', containerPort: service.port }],
              env,
              envFrom: [
                { configMapRef: { name: PLATFORM_CONFIG } },
                ...(secrets.length > 0 ? [{ secretRef: { name: `emporium-${service.name}` } }] : []),
              ],
              readinessProbe: probe('/ready', { periodSeconds: 5, failureThreshold: 2 }),
              livenessProbe: probe('/health', { periodSeconds: 10, failureThreshold: 3 }),
              // The storefront builds its assets on first start; nobody else needs this long.
              startupProbe: probe('/health', { periodSeconds: 2, failureThreshold: 90 }),
              resources: RESOURCES,
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: {} }],
        },
      },
    },
  };
}

const service = (spec: ServiceSpec): Manifest => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: spec.name, namespace: NAMESPACE, labels: labels(spec.name) },
  spec: { selector: labels(spec.name), ports: [{ name: 'http', port: spec.port, targetPort: 'http' }] },
});

/**
 * Request-serving processes scale with CPU. A consumer scales only up to its topics'
 * partitions: more replicas than partitions would sit idle in the group.
 */
const autoscaler = (spec: ServiceSpec, takesRequests: boolean): Manifest => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: spec.name, namespace: NAMESPACE, labels: labels(spec.name) },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: spec.name },
    minReplicas: 2,
    maxReplicas: takesRequests ? 20 : DEFAULT_PARTITIONS,
    metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
  },
});

const disruptionBudget = (spec: ServiceSpec): Manifest => ({
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name: spec.name, namespace: NAMESPACE, labels: labels(spec.name) },
  spec: { maxUnavailable: 1, selector: { matchLabels: labels(spec.name) } },
});

/** The external engines and the platform's public keys; the values are a deployment's own. */
function platformConfig(): Manifest {
  const publicKeys = Object.fromEntries(Object.keys(platformEnv()).map((key) => [key, `<${key.toLowerCase()}>`]));
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: PLATFORM_CONFIG, namespace: NAMESPACE, labels: labels('emporium') },
    data: {
      KAFKA_BROKERS: 'kafka-0.kafka:9092,kafka-1.kafka:9092,kafka-2.kafka:9092',
      ELASTICSEARCH_URL: 'http://elasticsearch:9200',
      REDIS_URL: 'redis://redis:6379',
      PAYMENT_PROVIDER_URL: 'https://payments.example.com',
      PAYMENT_PROVIDER_PUBLIC_URL: 'https://payments.example.com',
      STOREFRONT_GRAPHQL_URL: 'https://api.example.com/graphql',
      CORS_ORIGINS: 'https://shop.example.com',
      // The storefront's CSP lets browsers reach the card gateway here.
      STOREFRONT_CONNECT_ORIGINS: 'https://payments.example.com',
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318',
      ...publicKeys,
    },
  };
}

/** Every object, in the order `kubectl apply` should create them. */
export function kubernetesManifests(): Manifest[] {
  // The payment provider is a third party in production; its simulator is for local runs only.
  const deployed = SERVICES.filter((spec) => spec !== PAYMENT_PROVIDER);
  const takesRequests = (spec: ServiceSpec): boolean =>
    spec === ROUTER || spec === STOREFRONT || SUBGRAPHS.includes(spec);
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE, labels: labels('emporium') } },
    platformConfig(),
    ...deployed.flatMap((spec) => [
      deployment(spec),
      ...(takesRequests(spec) ? [service(spec)] : []),
      autoscaler(spec, takesRequests(spec)),
      disruptionBudget(spec),
    ]),
  ];
}

/** The manifests as one multi-document YAML file, with a header naming the Secrets to create. */
export async function renderManifests(): Promise<string> {
  const { stringify } = await import('yaml');
  const secrets = SERVICES.filter((spec) => spec !== PAYMENT_PROVIDER && secretKeys(spec).length > 0)
    .map((spec) => `#   emporium-${spec.name}: ${secretKeys(spec).join(', ')}`)
    .join('\n');
  const header = `# Generated by \`npm run manifests\` from infra/src/services.ts; do not edit by hand.
# Before applying, create one Secret per process (never committed), e.g. with
# \`kubectl -n emporium create secret generic emporium-router --from-literal=ROUTER_PRIVATE_KEY=...\`:
${secrets}
# and set the values of the ConfigMap ${PLATFORM_CONFIG} (engines, public keys, public URLs).
# Locally these processes bind ${LOCAL_HOST}; here they bind all interfaces of their pod.
`;
  return (
    header +
    kubernetesManifests()
      .map((manifest) => `---\n${stringify(manifest)}`)
      .join('')
  );
}
