import { existsSync, mkdirSync, readdirSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import {
  CDC_ROLE,
  LOCAL_DB_USER,
  LOCAL_HOST,
  LOCAL_PORTS,
  SERVICE_DATABASES,
  databaseName,
  serviceDatabaseUrl,
  serviceRoleName,
  serviceRoleUrl,
  type ServiceDatabase,
} from '@emporium/config';
import { config } from '../config.ts';
import { ensureServiceUser, run } from '../process.ts';
import { alivePid, componentDir, describeError, type Component, type Health } from './component.ts';

const dir = componentDir('postgres');
const dataDir = join(dir, 'data');
const socketDir = join(dir, 'run');
const logFile = join(dir, 'postgres.log');

/** The newest PostgreSQL server installed from Debian's packages. */
function binDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((name) => existsSync(join(root, name, 'bin', 'pg_ctl')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const newest = versions[0];
  if (newest === undefined)
    throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql (apt-get install postgresql)');
  return join(root, newest, 'bin');
}

/**
 * Settings beyond initdb's defaults. Logical WAL and replication slots are what Debezium
 * needs; connections are sized for a handful of services with pools plus the tests.
 */
const SETTINGS = `
listen_addresses = '${LOCAL_HOST}'
port = ${LOCAL_PORTS.postgres}
unix_socket_directories = '${socketDir}'
wal_level = logical
max_wal_senders = 10
max_replication_slots = 10
max_connections = 300
shared_buffers = 256MB
log_min_duration_statement = 1000
# OLTP statements never cost enough to repay compiling them; JIT only adds latency and CPU
# to the rare query that crosses its cost threshold.
jit = off
# Per-statement counts and times (the pg_stat_statements view, after CREATE EXTENSION in the
# database one reads it from): where the database's CPU goes, for operators and the bench.
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track = top
`;

export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The password a role URL carries, if any. */
const passwordOf = (url: string | undefined): string | undefined => {
  const password = url === undefined ? '' : decodeURIComponent(new URL(url).password);
  return password === '' ? undefined : password;
};

/**
 * The URL a service (and its seed) connects with: its own role. `<SERVICE>_DATABASE_URL`
 * when set; on the local stack the role without a password (trust on loopback); on an
 * external server without one, the DATABASE_URL as given.
 */
export function serviceConnectionUrl(service: ServiceDatabase): string {
  const explicit = config.roleUrls.services[service];
  if (explicit !== undefined) return explicit;
  if (config.endpoints.postgres.external) return config.endpoints.postgres.url;
  return serviceRoleUrl(config.endpoints.postgres.url, service);
}

/** The URL Debezium connects with: the CDC role on the server `adminUrl` names. */
export function cdcConnectionUrl(adminUrl: string = config.endpoints.postgres.url): string {
  if (config.roleUrls.cdc !== undefined) return config.roleUrls.cdc;
  if (config.endpoints.postgres.external) return adminUrl;
  const url = new URL(adminUrl);
  url.username = CDC_ROLE;
  url.password = '';
  return url.toString();
}

/** Role attributes: a service role may log in and own what it creates, nothing more. */
const SERVICE_ROLE = 'LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS';
/** Debezium's: log in and stream WAL (REPLICATION); reads are granted table by table. */
const CDC_ROLE_ATTRIBUTES = 'LOGIN REPLICATION NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS';

/** Creates the role or brings its attributes (and password, when given) to what is wanted. */
async function ensureRole(client: pg.Client, role: string, attributes: string, password?: string): Promise<void> {
  const { rowCount } = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
  // Identifiers and DDL literals cannot be bound as parameters: role names are constants
  // of ours, and the password goes through the driver's literal escaping.
  const withPassword = password === undefined ? '' : ` PASSWORD ${client.escapeLiteral(password)}`;
  await client.query(`${rowCount === 0 ? 'CREATE' : 'ALTER'} ROLE "${role}" ${attributes}${withPassword}`);
}

/**
 * Hands a database and everything in its public schema to its service's role. Stacks made
 * before services had roles hold tables the administrator owns; a role must own them to
 * migrate them. Sequences a table owns follow their table.
 */
async function transferOwnership(databaseUrl: string, role: string): Promise<void> {
  await withClient(databaseUrl, async (client) => {
    const { rows } = await client.query<{ kind: string; name: string }>(
      `SELECT c.relkind AS kind, c.relname AS name FROM pg_class c
        WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
          AND pg_get_userbyid(c.relowner) <> $1
          AND NOT EXISTS (SELECT 1 FROM pg_depend d
                           WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i'))
        ORDER BY c.relkind DESC`,
      [role],
    );
    const statement: Record<string, string> = {
      r: 'TABLE',
      p: 'TABLE',
      v: 'VIEW',
      m: 'MATERIALIZED VIEW',
      S: 'SEQUENCE',
    };
    for (const row of rows) {
      await client.query(
        `ALTER ${statement[row.kind] ?? 'TABLE'} public."${row.name.replace(/"/g, '""')}" OWNER TO "${role}"`,
      );
    }
  });
}

/**
 * Each service's role and database, and Debezium's role; safe to run on every `up`. A
 * service's role owns its database (and so may migrate it) and nothing else: other roles
 * may not even connect to it. The CDC role gets its reads when connectors are registered.
 */
export async function ensureServiceDatabases(serverUrl: string): Promise<void> {
  await withClient(serverUrl, async (client) => {
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database');
    const existing = new Set(rows.map((row) => row.datname));
    for (const service of SERVICE_DATABASES) {
      const name = databaseName(service);
      const role = serviceRoleName(service);
      await ensureRole(client, role, SERVICE_ROLE, passwordOf(config.roleUrls.services[service]));
      if (!existing.has(name)) await client.query(`CREATE DATABASE "${name}" OWNER "${role}"`);
      else await client.query(`ALTER DATABASE "${name}" OWNER TO "${role}"`);
      await client.query(`REVOKE ALL ON DATABASE "${name}" FROM PUBLIC`);
      await transferOwnership(serviceDatabaseUrl(serverUrl, service), role);
    }
    await ensureRole(client, CDC_ROLE, CDC_ROLE_ATTRIBUTES, passwordOf(config.roleUrls.cdc));
  });
}

export const postgres: Component = {
  name: 'postgres',
  external: config.endpoints.postgres.external,
  address: (() => {
    const url = new URL(config.endpoints.postgres.url);
    return `${url.hostname}:${url.port || '5432'}`;
  })(),
  expectedVersion: 'system',
  logFile,
  pidFile: join(dataDir, 'postmaster.pid'),
  after: [],
  startupTimeoutMs: 60_000,

  pid: () => alivePid(join(dataDir, 'postmaster.pid'), dataDir),

  async start() {
    mkdirSync(socketDir, { recursive: true });
    await ensureServiceUser([dir]);
    const bin = binDir();
    if (!existsSync(join(dataDir, 'PG_VERSION'))) {
      await run(
        join(bin, 'initdb'),
        [
          '-D',
          dataDir,
          '-U',
          LOCAL_DB_USER,
          '--auth=trust',
          '--encoding=UTF8',
          '--locale=C.UTF-8',
          '--no-instructions',
        ],
        { asServiceUser: true },
      );
      appendFileSync(join(dataDir, 'postgresql.conf'), "\ninclude 'emporium.conf'\n");
    }
    writeFileSync(join(dataDir, 'emporium.conf'), SETTINGS);
    await ensureServiceUser([dir]);
    // pg_ctl daemonises the server; waiting means postmaster.pid exists once it returns.
    await run(join(bin, 'pg_ctl'), ['start', '-D', dataDir, '-l', logFile, '-w', '-t', '60'], { asServiceUser: true });
  },

  async health(): Promise<Health> {
    try {
      const version = await withClient(config.endpoints.postgres.url, async (client) => {
        const { rows } = await client.query<{ server_version: string; wal_level: string }>(
          "SELECT current_setting('server_version') AS server_version, current_setting('wal_level') AS wal_level",
        );
        return rows[0];
      });
      if (!version) return { ok: false, detail: 'no answer to SELECT' };
      if (version.wal_level !== 'logical') {
        return {
          ok: false,
          version: version.server_version,
          detail: `wal_level is ${version.wal_level}, Debezium needs logical`,
        };
      }
      return { ok: true, version: version.server_version.split(' ')[0] ?? version.server_version };
    } catch (error) {
      return { ok: false, detail: describeError(error) };
    }
  },

  async stop() {
    if (!this.pid()) return;
    await run(join(binDir(), 'pg_ctl'), ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '60'], {
      asServiceUser: true,
    });
  },
};
