import { loadConfig, readStackEndpoints } from '@emporium/config';

/** The product subgraph's settings, read once at start-up. */
export interface ProductConfig {
  port: number;
  host: string;
  databaseUrl: string;
  routerSecret: string;
  /** Image object keys are served from here (an S3 bucket or a CDN in front of one). */
  mediaBaseUrl: string;
  logLevel: string;
}

export function readProductConfig(source?: NodeJS.ProcessEnv): ProductConfig {
  return loadConfig(
    (env) => ({
      port: env.int('PRODUCT_PORT', 4002, { min: 1, max: 65535 }),
      host: env.string('SERVICE_HOST', '127.0.0.1'),
      databaseUrl: readStackEndpoints(env).postgres.url,
      routerSecret: env.string('ROUTER_SIGNING_SECRET'),
      mediaBaseUrl: env.url('MEDIA_BASE_URL', 'https://emporium-media.s3.us-east-1.amazonaws.com').replace(/\/+$/, ''),
      logLevel: env.logLevel(),
    }),
    source,
  );
}
