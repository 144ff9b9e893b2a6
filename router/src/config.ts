import { loadConfig } from '@emporium/config';

/** The router's settings, read once at start-up. */
export interface RouterConfig {
  port: number;
  host: string;
  logLevel: string;
}

export function readRouterConfig(source?: NodeJS.ProcessEnv): RouterConfig {
  return loadConfig(
    (env) => ({
      port: env.int('ROUTER_PORT', 4000, { min: 1, max: 65535 }),
      host: env.string('ROUTER_HOST', '0.0.0.0'),
      logLevel: env.oneOf('LOG_LEVEL', ['trace', 'debug', 'info', 'warn', 'error', 'silent'], 'info'),
    }),
    source,
  );
}
