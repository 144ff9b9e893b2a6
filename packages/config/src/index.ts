export { ConfigError, LOG_LEVELS, loadConfig } from './env.ts';
export type { Env, EnvReader, IntOptions, LogLevel } from './env.ts';
export {
  LOCAL_DB_USER,
  LOCAL_HOST,
  LOCAL_PORTS,
  SERVICE_DATABASES,
  databaseName,
  readStackEndpoints,
  serviceDatabaseUrl,
} from './stack.ts';
export type { ServiceDatabase, StackEndpoints } from './stack.ts';
