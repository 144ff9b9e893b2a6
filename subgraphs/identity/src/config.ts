import { loadConfig, readStackEndpoints } from '@emporium/config';

/** The identity subgraph's settings, read once at start-up. */
export interface IdentityConfig {
  port: number;
  host: string;
  databaseUrl: string;
  routerSecret: string;
  tokenTtlSeconds: number;
  /** log2 of scrypt's N: 15 costs about 32 MiB and tens of milliseconds per hash. */
  passwordCostLog2: number;
  logLevel: string;
}

export function readIdentityConfig(source?: NodeJS.ProcessEnv): IdentityConfig {
  return loadConfig(
    (env) => ({
      port: env.int('IDENTITY_PORT', 4001, { min: 1, max: 65535 }),
      host: env.string('SERVICE_HOST', '127.0.0.1'),
      databaseUrl: readStackEndpoints(env).postgres.url,
      routerSecret: env.string('ROUTER_SIGNING_SECRET'),
      tokenTtlSeconds: env.int('TOKEN_TTL_SECONDS', 3600, { min: 60, max: 86_400 }),
      passwordCostLog2: env.int('PASSWORD_SCRYPT_LOG_N', 15, { min: 10, max: 20 }),
      logLevel: env.logLevel(),
    }),
    source,
  );
}
