import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import {
  SERVICE_DATABASES,
  loadConfig,
  readStackEndpoints,
  type ServiceDatabase,
  type StackEndpoints,
} from '@emporium/config';

/** Versions of the engines the stack runs; the Maven POMs in infra/maven pin the same. */
export const VERSIONS = {
  kafka: '4.3.1',
  debezium: '3.6.1.Final',
  elasticsearch: '9.2.8',
} as const;

export const repoRoot = resolve(import.meta.dirname, '..', '..');

const isRoot = process.getuid?.() === 0;

/** Settings of the local stack, read once from the environment. */
export interface InfraConfig {
  endpoints: StackEndpoints;
  /** Data, logs and pid files of this checkout's stack; survives restarts, `reset` wipes it. */
  stateDir: string;
  /** Downloaded and unpacked engines, shared by every checkout on the machine. */
  cacheDir: string;
  /**
   * PostgreSQL and Elasticsearch refuse to run as root; when we are root they run as this
   * system user, which is why their directories live outside root's home.
   */
  serviceUser: string | undefined;
  javaHome: string | undefined;
  /** Elasticsearch 9 needs Java 21 or newer, which need not be the machine's default. */
  esJavaHome: string;
  heap: { kafka: string; connect: string; elasticsearch: string };
  /**
   * Each service's own connection (`<SERVICE>_DATABASE_URL`, its role and password) and
   * Debezium's (`CDC_DATABASE_URL`). Provisioning creates these roles with these passwords;
   * unset, a local stack uses the roles without password (trust on loopback) and an
   * external server the DATABASE_URL itself.
   */
  roleUrls: { services: Partial<Record<ServiceDatabase, string>>; cdc: string | undefined };
}

function defaultStateDir(): string {
  if (!isRoot) return join(repoRoot, '.emporium');
  // One directory per checkout, so a fresh clone starts a fresh stack.
  const slug = `${basename(repoRoot)}-${createHash('sha256').update(repoRoot).digest('hex').slice(0, 8)}`;
  return join('/var/lib/emporium', slug);
}

function findJava21Plus(): string | undefined {
  const jvmDir = '/usr/lib/jvm';
  if (!existsSync(jvmDir)) return undefined;
  return readdirSync(jvmDir)
    .map((name) => ({ name, major: Number(/(?:jdk|java|temurin)-?(\d+)/.exec(name)?.[1] ?? 0) }))
    .filter(({ major }) => major >= 21)
    .sort((a, b) => b.major - a.major)
    .map(({ name }) => join(jvmDir, name))
    .find((dir) => existsSync(join(dir, 'bin', 'java')));
}

export const config: InfraConfig = loadConfig((env) => ({
  endpoints: readStackEndpoints(env),
  stateDir: env.string('EMPORIUM_HOME', defaultStateDir()),
  cacheDir: env.string(
    'EMPORIUM_CACHE_DIR',
    isRoot ? '/var/cache/emporium' : join(env.optional('XDG_CACHE_HOME') ?? join(homedir(), '.cache'), 'emporium'),
  ),
  serviceUser: isRoot ? env.string('EMPORIUM_SERVICE_USER', 'emporium') : undefined,
  javaHome: env.optional('JAVA_HOME'),
  esJavaHome: env.string('ES_JAVA_HOME', findJava21Plus() ?? ''),
  roleUrls: {
    services: Object.fromEntries(
      SERVICE_DATABASES.flatMap((service) => {
        const name = `${service.toUpperCase()}_DATABASE_URL`;
        return env.has(name) ? [[service, env.url(name)]] : [];
      }),
    ),
    cdc: env.has('CDC_DATABASE_URL') ? env.url('CDC_DATABASE_URL') : undefined,
  },
  heap: {
    kafka: env.string('KAFKA_HEAP', '512m'),
    connect: env.string('CONNECT_HEAP', '512m'),
    elasticsearch: env.string('ES_HEAP', '768m'),
  },
}));
