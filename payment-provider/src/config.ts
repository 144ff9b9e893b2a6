import { ConfigError, loadConfig } from '@emporium/config';
import { readTracingConfig, type TracingConfig } from '@emporium/telemetry';

/** The payment provider simulator's settings, read once at start-up. */
export interface ProviderConfig {
  port: number;
  /** Where this process's spans go (the standard OTEL_* variables). */
  tracing: TracingConfig;
  /** Serves GET /metrics (and /health) apart from the simulated API, which browsers reach. */
  metricsPort: number;
  host: string;
  publishableKey: string;
  secretKey: string;
  webhookSecret: string;
  /** Opens the fault and inspection endpoints on loopback; unset, there are none. */
  control: { key: string; port: number } | undefined;
  /** Where outcomes are POSTed: the payment subgraph's webhook route. */
  webhookUrl: string;
  outcomeDelayMs: number;
  slowCardDelayMs: number;
  /** The most tokens, payment intents and idempotency keys each kept in memory (least recently used go first). */
  maxRecords: number;
  logLevel: string;
}

export function readProviderConfig(source?: NodeJS.ProcessEnv): ProviderConfig {
  const config = loadConfig(
    (env) => ({
      port: env.int('PAYMENT_PROVIDER_PORT', 4900, { min: 0, max: 65535 }),
      tracing: readTracingConfig(env, 'payment-provider'),
      metricsPort: env.int('PAYMENT_PROVIDER_METRICS_PORT', 4902, { min: 0, max: 65535 }),
      host: env.string('SERVICE_HOST', '127.0.0.1'),
      // No defaults: a key anyone can read in the repository signs nothing (see SECURITY.md).
      publishableKey: env.secret('PAYMENT_PROVIDER_PUBLISHABLE_KEY', { minLength: 16 }),
      secretKey: env.secret('PAYMENT_PROVIDER_SECRET_KEY'),
      webhookSecret: env.secret('PAYMENT_PROVIDER_WEBHOOK_SECRET'),
      control: env.has('PAYMENT_PROVIDER_CONTROL_KEY')
        ? {
            key: env.secret('PAYMENT_PROVIDER_CONTROL_KEY'),
            port: env.int('PAYMENT_PROVIDER_CONTROL_PORT', 4901, { min: 0, max: 65535 }),
          }
        : undefined,
      webhookUrl: env.url('PAYMENT_PROVIDER_WEBHOOK_URL', 'http://127.0.0.1:4006/webhooks/provider'),
      outcomeDelayMs: env.int('PAYMENT_PROVIDER_OUTCOME_DELAY_MS', 200, { min: 0, max: 60_000 }),
      slowCardDelayMs: env.int('PAYMENT_PROVIDER_SLOW_CARD_DELAY_MS', 3000, { min: 0, max: 600_000 }),
      // Tokens, intents and idempotency keys each: the simulator's memory stays bounded.
      maxRecords: env.int('PAYMENT_PROVIDER_MAX_RECORDS', 100_000, { min: 100, max: 10_000_000 }),
      logLevel: env.logLevel(),
    }),
    source,
  );
  // A browser holds the publishable key: were it the secret one, any page could charge cards.
  if (config.publishableKey === config.secretKey)
    throw new ConfigError(['the publishable and secret keys must differ']);
  return config;
}
