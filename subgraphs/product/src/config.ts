import { ROUTER_ISSUER, assertionVerificationKey, type AssertionVerificationKey } from '@emporium/auth';
import { loadConfig, readDatabaseUrl } from '@emporium/config';
import { readTracingConfig, type TracingConfig } from '@emporium/telemetry';

/** The product subgraph's settings, read once at start-up. */
export interface ProductConfig {
  port: number;
  /** Where this process's spans go (the standard OTEL_* variables). */
  tracing: TracingConfig;
  host: string;
  databaseUrl: string;
  /** The router's public key (ROUTER_PUBLIC_KEY): subgraphs can check assertions, never sign them. */
  routerKey: AssertionVerificationKey;
  /** Image object keys are served from here (an S3 bucket or a CDN in front of one). */
  mediaBaseUrl: string;
  logLevel: string;
}

export function readProductConfig(source?: NodeJS.ProcessEnv): ProductConfig {
  return loadConfig(
    (env) => ({
      port: env.int('PRODUCT_PORT', 4002, { min: 1, max: 65535 }),
      tracing: readTracingConfig(env, 'product'),
      host: env.string('SERVICE_HOST', '127.0.0.1'),
      databaseUrl: readDatabaseUrl(env),
      routerKey: env.parsed('ROUTER_PUBLIC_KEY', (value) => assertionVerificationKey(ROUTER_ISSUER, value)),
      mediaBaseUrl: env.url('MEDIA_BASE_URL', 'https://emporium-media.s3.us-east-1.amazonaws.com').replace(/\/+$/, ''),
      logLevel: env.logLevel(),
    }),
    source,
  );
}
