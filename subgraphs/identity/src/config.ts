import { ROUTER_ISSUER, assertionVerificationKey, type AssertionVerificationKey } from '@emporium/auth';
import { loadConfig, readDatabaseUrl, type EnvReader } from '@emporium/config';
import { readTracingConfig, type TracingConfig } from '@emporium/telemetry';
import { OWASP_ARGON2ID, type PasswordHashParams } from './services/password.ts';
import { parseKeyEncryptionKey } from './services/key-encryption.ts';

/** Access tokens live at most this long (the contract's bound); revocation lists keep ids no longer. */
export const MAX_ACCESS_TOKEN_TTL_SECONDS = 900;

/** How sessions, tokens and signing keys behave; shared by the subgraph and its tests. */
export interface SessionSettings {
  /** Lifetime of an access token (at most 15 minutes). */
  accessTokenTtlSeconds: number;
  /** A session ends this long after sign-in, however often it is refreshed. */
  sessionTtlSeconds: number;
  /** A session whose refresh token goes unused this long ends. */
  sessionIdleSeconds: number;
  /** A new signing key replaces the current one this often. */
  signingKeyRotationSeconds: number;
}

/** The identity subgraph's settings, read once at start-up. */
export interface IdentityConfig {
  port: number;
  /** Where this process's spans go (the standard OTEL_* variables). */
  tracing: TracingConfig;
  host: string;
  databaseUrl: string;
  /** The router's public key (ROUTER_PUBLIC_KEY): subgraphs can check assertions, never sign them. */
  routerKey: AssertionVerificationKey;
  sessions: SessionSettings;
  /** AES-256 key that encrypts signing keys' private halves in the database (IDENTITY_KEY_ENCRYPTION_KEY). */
  keyEncryptionKey: Buffer;
  password: PasswordHashParams;
  logLevel: string;
}

/**
 * Argon2id cost. Development and tests may lower it; production refuses anything below
 * OWASP's minimum, which is also the default.
 */
export function readPasswordParams(env: EnvReader): PasswordHashParams {
  const floor = env.production ? OWASP_ARGON2ID : { memoryKiB: 1024, passes: 2 };
  return {
    memoryKiB: env.int('PASSWORD_HASH_MEMORY_KIB', OWASP_ARGON2ID.memoryKiB, {
      min: floor.memoryKiB,
      max: 1024 * 1024,
    }),
    passes: env.int('PASSWORD_HASH_PASSES', OWASP_ARGON2ID.passes, { min: floor.passes, max: 10 }),
  };
}

/** 32 random bytes, base64; required everywhere (the local tooling generates one per stack). */
function keyEncryptionKey(value: string): Buffer {
  const key = parseKeyEncryptionKey(value);
  if (!key) throw new Error('must be 32 random bytes in base64 (openssl rand -base64 32)');
  return key;
}

export function readIdentityConfig(source?: NodeJS.ProcessEnv): IdentityConfig {
  return loadConfig(
    (env) => ({
      port: env.int('IDENTITY_PORT', 4001, { min: 1, max: 65535 }),
      tracing: readTracingConfig(env, 'identity'),
      host: env.string('SERVICE_HOST', '127.0.0.1'),
      databaseUrl: readDatabaseUrl(env),
      routerKey: env.parsed('ROUTER_PUBLIC_KEY', (value) => assertionVerificationKey(ROUTER_ISSUER, value)),
      sessions: {
        accessTokenTtlSeconds: env.int('ACCESS_TOKEN_TTL_SECONDS', MAX_ACCESS_TOKEN_TTL_SECONDS, {
          min: 60,
          max: MAX_ACCESS_TOKEN_TTL_SECONDS,
        }),
        sessionTtlSeconds: env.int('SESSION_TTL_SECONDS', 30 * 86_400, { min: 3600, max: 90 * 86_400 }),
        sessionIdleSeconds: env.int('SESSION_IDLE_TIMEOUT_SECONDS', 7 * 86_400, { min: 900, max: 90 * 86_400 }),
        signingKeyRotationSeconds: env.int('SIGNING_KEY_ROTATION_SECONDS', 7 * 86_400, {
          min: 3600,
          max: 365 * 86_400,
        }),
      },
      keyEncryptionKey: env.parsed('IDENTITY_KEY_ENCRYPTION_KEY', keyEncryptionKey),
      password: readPasswordParams(env),
      logLevel: env.logLevel(),
    }),
    source,
  );
}
