/**
 * Typed reading of environment variables. Each process has one `config.ts` that calls
 * {@link loadConfig} once at start-up; nothing else reads `process.env`. Every problem is
 * collected so that a misconfigured process reports all of them at once, not one per restart.
 */

export type Env = Readonly<Record<string, string | undefined>>;

/** Thrown by {@link loadConfig} with every invalid or missing variable listed. */
export class ConfigError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export interface IntOptions {
  min?: number;
  max?: number;
}

export interface SecretOptions {
  /** Fewer characters than this are refused; 32 unless said otherwise. */
  minLength?: number;
}

/** Reads one variable at a time; a missing variable with no default is a problem. */
export interface EnvReader {
  /**
   * NODE_ENV is `production` (docker compose and the image set it). Production refuses
   * development conveniences: demo data, open introspection, credential-less databases.
   */
  readonly production: boolean;
  /** True when the variable is set to a non-empty value. */
  has(name: string): boolean;
  string(name: string, fallback?: string): string;
  optional(name: string): string | undefined;
  int(name: string, fallback?: number, options?: IntOptions): number;
  bool(name: string, fallback?: boolean): boolean;
  /** Comma-separated list; blanks are dropped. */
  list(name: string, fallback?: readonly string[]): string[];
  url(name: string, fallback?: string): string;
  oneOf<const T extends string>(name: string, allowed: readonly T[], fallback?: T): T;
  /**
   * A secret: required in every environment (there is no default to leak), at least
   * `minLength` characters, and never a value published in this repository.
   */
  secret(name: string, options?: SecretOptions): string;
  /**
   * A required value `parse` turns into something typed (a key, say); what it throws
   * becomes a problem naming the variable.
   */
  parsed<T>(name: string, parse: (value: string) => T): T;
  /** LOG_LEVEL: one of pino's levels, `info` by default. */
  logLevel(): LogLevel;
  /** Records a problem a rule across variables found; loadConfig reports it with the others. */
  problem(message: string): void;
}

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off']);

/** Secrets this repository publishes (old defaults, documentation, test fixtures): never valid. */
export const PUBLISHED_SECRETS: ReadonlySet<string> = new Set([
  'whsec_emporium_local',
  'sk_test_emporium_local',
  'pk_test_emporium_local',
  'local-development-only-router-signing-secret',
  'a-secret-for-this-test-router-only-0123456789',
  'emporium',
  'whsec_payment_tests',
  'sk_test_payment_tests',
  'pk_test_payment_tests',
  'whsec_suite',
  'sk_test_suite',
  'pk_test_suite',
]);

const DEFAULT_SECRET_LENGTH = 32;

/** Why `value` may not be used as a secret, or undefined when it may. */
export function secretWeakness(value: string, minLength = DEFAULT_SECRET_LENGTH): string | undefined {
  if (PUBLISHED_SECRETS.has(value)) return 'is a value published in the repository; generate a new one';
  if (value.length < minLength) return `must be at least ${minLength} characters, got ${value.length}`;
  return undefined;
}

function createReader(source: Env, problems: string[]): EnvReader {
  const raw = (name: string): string | undefined => {
    const value = source[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const required = <T>(name: string, fallback: T | undefined, placeholder: T): T => {
    if (fallback !== undefined) return fallback;
    problems.push(`${name} is required`);
    return placeholder;
  };

  return {
    production: raw('NODE_ENV') === 'production',
    has: (name) => raw(name) !== undefined,
    optional: raw,
    string(name, fallback) {
      return raw(name) ?? required(name, fallback, '');
    },
    int(name, fallback, options = {}) {
      const value = raw(name);
      if (value === undefined) return required(name, fallback, 0);
      const parsed = Number(value);
      if (!Number.isSafeInteger(parsed)) {
        problems.push(`${name} must be an integer, got "${value}"`);
        return fallback ?? 0;
      }
      if (options.min !== undefined && parsed < options.min) {
        problems.push(`${name} must be at least ${options.min}, got ${parsed}`);
      }
      if (options.max !== undefined && parsed > options.max) {
        problems.push(`${name} must be at most ${options.max}, got ${parsed}`);
      }
      return parsed;
    },
    bool(name, fallback) {
      const value = raw(name)?.toLowerCase();
      if (value === undefined) return required(name, fallback, false);
      if (TRUE.has(value)) return true;
      if (FALSE.has(value)) return false;
      problems.push(`${name} must be true or false, got "${value}"`);
      return fallback ?? false;
    },
    list(name, fallback) {
      const value = raw(name);
      if (value === undefined) return [...required(name, fallback, [])];
      return value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
    },
    url(name, fallback) {
      const value = raw(name) ?? required(name, fallback, '');
      if (value !== '' && !URL.canParse(value)) problems.push(`${name} must be a URL, got "${value}"`);
      return value;
    },
    oneOf(name, allowed, fallback) {
      const value = raw(name);
      if (value === undefined) return required(name, fallback, allowed[0] as (typeof allowed)[number]);
      const match = allowed.find((candidate) => candidate === value);
      if (match === undefined) {
        problems.push(`${name} must be one of ${allowed.join(', ')}, got "${value}"`);
        return fallback ?? (allowed[0] as (typeof allowed)[number]);
      }
      return match;
    },
    secret(name, options = {}) {
      const value = raw(name);
      if (value === undefined) return required(name, undefined, '');
      const weakness = secretWeakness(value, options.minLength);
      if (weakness !== undefined) problems.push(`${name} ${weakness}`);
      return value;
    },
    parsed<T>(name: string, parse: (value: string) => T): T {
      // The placeholder never escapes: loadConfig throws once any problem is recorded.
      const placeholder = undefined as T;
      const value = raw(name);
      if (value === undefined) return required(name, undefined, placeholder);
      try {
        return parse(value);
      } catch (error) {
        problems.push(`${name} ${error instanceof Error ? error.message : String(error)}`);
        return placeholder;
      }
    },
    logLevel() {
      return this.oneOf('LOG_LEVEL', LOG_LEVELS, 'info');
    },
    problem(message) {
      problems.push(message);
    },
  };
}

/** Builds a typed configuration object, throwing one {@link ConfigError} for all problems. */
export function loadConfig<T>(build: (env: EnvReader) => T, source: Env = process.env): T {
  const problems: string[] = [];
  const config = build(createReader(source, problems));
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
