export { ConfigError, LOG_LEVELS, PUBLISHED_SECRETS, loadConfig, secretWeakness } from './env.ts';
export type { Env, EnvReader, IntOptions, LogLevel, SecretOptions } from './env.ts';
export {
  CDC_ROLE,
  LOCAL_DB_USER,
  LOCAL_HOST,
  LOCAL_PORTS,
  SERVICE_DATABASES,
  databaseName,
  readDatabaseUrl,
  readStackEndpoints,
  serviceDatabaseUrl,
  serviceRoleName,
  serviceRoleUrl,
} from './stack.ts';
export type { ServiceDatabase, StackEndpoints } from './stack.ts';
