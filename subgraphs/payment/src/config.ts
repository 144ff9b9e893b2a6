import { ROUTER_ISSUER, assertionVerificationKey, type AssertionVerificationKey } from '@emporium/auth';
import { loadConfig, readDatabaseUrl, readStackEndpoints, type EnvReader } from '@emporium/config';
import { readTracingConfig, type TracingConfig } from '@emporium/telemetry';

/** Settings the payment subgraph, its worker and its seed share. */
export interface PaymentDatabaseConfig {
  databaseUrl: string;
  logLevel: string;
}

/** How this service reaches the payment provider (a third party: "Emporium Pay"). */
export interface ProviderSettings {
  /** Where this service calls the provider's server API. */
  url: string;
  /** What clients use to tokenize cards; differs from `url` when the provider is reached through another host. */
  publicUrl: string;
  /** Public: clients tokenize cards with it. */
  publishableKey: string;
  /** Private: every server call carries it. */
  secretKey: string;
  /** Signs the provider's webhooks. */
  webhookSecret: string;
  /** Per attempt; a payOrder makes up to three attempts within about two seconds. */
  timeoutMs: number;
}

/** The payment subgraph's settings, read once at start-up. */
export interface PaymentSubgraphConfig extends PaymentDatabaseConfig {
  port: number;
  /** Where this process's spans go (the standard OTEL_* variables). */
  tracing: TracingConfig;
  host: string;
  /** The router's public key (ROUTER_PUBLIC_KEY): subgraphs can check assertions, never sign them. */
  routerKey: AssertionVerificationKey;
  provider: ProviderSettings;
}

/** The payment worker's settings: the order read model, reconciliation and refunds. */
export interface PaymentWorkerConfig extends PaymentDatabaseConfig {
  /** Serves GET /health for the supervisor and orchestrators; the worker has no API. */
  port: number;
  /** Where this process's spans go (the standard OTEL_* variables). */
  tracing: TracingConfig;
  host: string;
  brokers: string[];
  provider: ProviderSettings;
  /** A payment still PROCESSING this long after its last change is looked up at the provider. */
  reconcileAfterSeconds: number;
  /** How often reconciliation (and the refund sweep) runs. */
  reconcileIntervalSeconds: number;
}

const databaseSettings = (env: EnvReader): PaymentDatabaseConfig => ({
  databaseUrl: readDatabaseUrl(env),
  logLevel: env.logLevel(),
});

const providerSettings = (env: EnvReader): ProviderSettings => {
  const url = env.url('PAYMENT_PROVIDER_URL', 'http://127.0.0.1:4900');
  return {
    url,
    publicUrl: env.url('PAYMENT_PROVIDER_PUBLIC_URL', url),
    // No defaults, in development either: anyone who read a default in the repository could
    // sign a webhook that marks an order PAID. The local tooling generates them per start.
    publishableKey: env.secret('PAYMENT_PROVIDER_PUBLISHABLE_KEY', { minLength: 16 }),
    secretKey: env.secret('PAYMENT_PROVIDER_SECRET_KEY'),
    webhookSecret: env.secret('PAYMENT_PROVIDER_WEBHOOK_SECRET'),
    timeoutMs: env.int('PAYMENT_PROVIDER_TIMEOUT_MS', 1500, { min: 50, max: 60_000 }),
  };
};

export function readPaymentConfig(source?: NodeJS.ProcessEnv): PaymentSubgraphConfig {
  return loadConfig(
    (env) => ({
      ...databaseSettings(env),
      port: env.int('PAYMENT_PORT', 4006, { min: 1, max: 65535 }),
      tracing: readTracingConfig(env, 'payment'),
      host: env.string('SERVICE_HOST', '127.0.0.1'),
      routerKey: env.parsed('ROUTER_PUBLIC_KEY', (value) => assertionVerificationKey(ROUTER_ISSUER, value)),
      provider: providerSettings(env),
    }),
    source,
  );
}

export function readPaymentWorkerConfig(source?: NodeJS.ProcessEnv): PaymentWorkerConfig {
  return loadConfig(
    (env) => ({
      ...databaseSettings(env),
      port: env.int('PAYMENT_WORKER_PORT', 4106, { min: 1, max: 65535 }),
      tracing: readTracingConfig(env, 'payment-worker'),
      host: env.string('SERVICE_HOST', '127.0.0.1'),
      brokers: readStackEndpoints(env).kafka.brokers,
      provider: providerSettings(env),
      reconcileAfterSeconds: env.int('PAYMENT_RECONCILE_AFTER_SECONDS', 10, { min: 1, max: 86_400 }),
      reconcileIntervalSeconds: env.int('PAYMENT_RECONCILE_INTERVAL_SECONDS', 5, { min: 1, max: 3600 }),
    }),
    source,
  );
}
