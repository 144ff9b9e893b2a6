import { existsSync, mkdirSync, readdirSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { LOCAL_DB_USER, LOCAL_HOST, LOCAL_PORTS, SERVICE_DATABASES, databaseName } from '@emporium/config';
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

/** Creates each service's database if it is missing; safe to run on every `up`. */
export async function ensureServiceDatabases(serverUrl: string): Promise<void> {
  await withClient(serverUrl, async (client) => {
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database');
    const existing = new Set(rows.map((row) => row.datname));
    for (const service of SERVICE_DATABASES) {
      const name = databaseName(service);
      // Identifiers cannot be bound as parameters; these names are constants of ours.
      if (!existing.has(name)) await client.query(`CREATE DATABASE "${name}"`);
    }
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
