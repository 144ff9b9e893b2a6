/**
 * Debezium connectors of the platform, registered over Kafka Connect's REST API.
 *
 * Each `cdc-connectors/<name>.json` holds `{ name, config }`. Connection values are
 * placeholders (`${database.hostname}`, `${database.port}`, `${database.user}`,
 * `${database.password}`) filled from the configured DATABASE_URL at registration, so the
 * files carry no host or secret and work locally, in docker compose and against external
 * clusters alike. Registration is `PUT /connectors/<name>/config`, which creates or
 * updates, so running it on every start is safe.
 *
 * Debezium connects as the CDC role, which may stream WAL and read the captured tables and
 * nothing else. Publications are made beforehand, by the administrator, so the connector
 * needs no ownership of the tables (its files say `publication.autocreate.mode: disabled`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cdcConnectionUrl, withClient } from './components/postgres.ts';
import { config, repoRoot } from './config.ts';

/** Where the connector configurations live. */
export const CONNECTORS_DIR = join(repoRoot, 'cdc-connectors');

/** One connector as its file describes it: a name and Kafka Connect's flat string config. */
export interface ConnectorDefinition {
  name: string;
  config: Record<string, string>;
}

/** Options of {@link registerConnectors}; the defaults come from the stack's configuration. */
export interface RegisterOptions {
  connectUrl?: string;
  /**
   * Administrator's server URL of PostgreSQL as Kafka Connect reaches it (the path is
   * ignored): it grants the CDC role its reads and makes the publications. The connector
   * itself connects as the CDC role on that server.
   */
  databaseUrl?: string;
  directory?: string;
  /** How long to wait for each connector and its tasks to run. */
  timeoutMs?: number;
  /** Connectors to remove once these run; RETIRED_CONNECTORS by default. */
  retired?: readonly RetiredConnector[];
  report?: (line: string) => void;
}

/** A connector that did not reach RUNNING; the message carries the failed task's trace. */
export class ConnectorFailure extends Error {
  /** The REST API's HTTP status, when the failure is an answer of it. */
  readonly status: number | undefined;

  constructor(message: string, status?: number) {
    super(message);
    this.name = 'ConnectorFailure';
    this.status = status;
  }
}

interface ConnectorStatus {
  connector: { state: string; trace?: string };
  tasks: { id: number; state: string; trace?: string }[];
}

const PLACEHOLDER = /\$\{(database\.(?:hostname|port|user|password))\}/g;

/** Reads every `*.json` of the directory, in name order. */
export function readConnectorDefinitions(directory = CONNECTORS_DIR): ConnectorDefinition[] {
  return readdirSync(directory)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const parsed = JSON.parse(readFileSync(join(directory, file), 'utf8')) as Partial<ConnectorDefinition>;
      if (typeof parsed.name !== 'string' || typeof parsed.config !== 'object') {
        throw new Error(`${file} must hold { "name": string, "config": { ... } }`);
      }
      return { name: parsed.name, config: parsed.config };
    });
}

/** The placeholder values a PostgreSQL server URL gives. */
export function databasePlaceholders(databaseUrl: string): Record<string, string> {
  const url = new URL(databaseUrl);
  return {
    'database.hostname': url.hostname,
    'database.port': url.port || '5432',
    'database.user': decodeURIComponent(url.username),
    'database.password': decodeURIComponent(url.password),
  };
}

/** Replaces every `${database.*}` placeholder; any other `${...}` is left to Connect's config providers. */
export function fillPlaceholders(
  connectorConfig: Readonly<Record<string, string>>,
  values: Readonly<Record<string, string>>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(connectorConfig).map(([key, value]) => [
      key,
      value.replace(PLACEHOLDER, (_match, name: string) => {
        const filled = values[name];
        if (filled === undefined) throw new Error(`no value for the placeholder \${${name}} of ${key}`);
        return filled;
      }),
    ]),
  );
}

async function connectRequest<T>(connectUrl: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${connectUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (!response.ok) {
    // Connect answers { error_code, message }; its message names the invalid setting.
    let message = text;
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? text;
    } catch {
      // not JSON: keep the raw text
    }
    throw new ConnectorFailure(`${method} ${path} answered ${response.status}: ${message}`, response.status);
  }
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

/** Creates or updates one connector's config (idempotent). */
export async function putConnector(
  connectUrl: string,
  name: string,
  connectorConfig: Record<string, string>,
): Promise<void> {
  await connectRequest(connectUrl, 'PUT', `/connectors/${encodeURIComponent(name)}/config`, connectorConfig);
}

/** Deletes a connector; a missing one is not an error. Its replication slot stays unless `slot.drop.on.stop`. */
export async function deleteConnector(connectUrl: string, name: string): Promise<void> {
  try {
    await connectRequest(connectUrl, 'DELETE', `/connectors/${encodeURIComponent(name)}`);
  } catch (error) {
    if (!(error instanceof ConnectorFailure && error.status === 404)) throw error;
  }
}

const describeFailure = (name: string, status: ConnectorStatus): string => {
  const failed = status.tasks.filter((task) => task.state === 'FAILED');
  const traces = [
    ...(status.connector.state === 'FAILED' ? [`connector: ${status.connector.trace ?? 'no trace'}`] : []),
    ...failed.map((task) => `task ${task.id}: ${task.trace ?? 'no trace'}`),
  ];
  return `connector ${name} failed:\n${traces.join('\n')}`;
};

/**
 * Waits until the connector and every task run. A failed task is restarted once (a
 * config that did not change does not restart anything by itself); failing again, or
 * not running within the timeout, throws with the task's trace.
 */
export async function waitUntilRunning(connectUrl: string, name: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let restarted = false;
  let last: ConnectorStatus | undefined;
  while (Date.now() < deadline) {
    try {
      last = await connectRequest<ConnectorStatus>(connectUrl, 'GET', `/connectors/${encodeURIComponent(name)}/status`);
    } catch (error) {
      // Right after the PUT the status may not exist yet (404); anything else is real.
      if (!(error instanceof ConnectorFailure && error.status === 404)) throw error;
    }
    if (last) {
      const failed = last.connector.state === 'FAILED' || last.tasks.some((task) => task.state === 'FAILED');
      if (failed && restarted) throw new ConnectorFailure(describeFailure(name, last));
      if (failed) {
        restarted = true;
        await connectRequest(
          connectUrl,
          'POST',
          `/connectors/${encodeURIComponent(name)}/restart?includeTasks=true&onlyFailed=true`,
        );
      } else if (
        last.connector.state === 'RUNNING' &&
        last.tasks.length > 0 &&
        last.tasks.every((task) => task.state === 'RUNNING')
      ) {
        return;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const states = last ? `${last.connector.state}; tasks ${last.tasks.map((t) => t.state).join(', ') || 'none'}` : '';
  throw new ConnectorFailure(`connector ${name} did not run within ${timeoutMs / 1000}s (${states || 'no status'})`);
}

const quoteIdentifier = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/**
 * What the connector's role needs before it runs: CONNECT on its database, SELECT on the
 * captured tables (snapshots read them) and the publication of exactly those tables.
 * Idempotent; a changed table list updates the publication.
 */
export async function prepareCapture(
  adminUrl: string,
  connectorConfig: Readonly<Record<string, string>>,
): Promise<void> {
  const database = connectorConfig['database.dbname'];
  const publication = connectorConfig['publication.name'];
  const tables = (connectorConfig['table.include.list'] ?? '')
    .split(',')
    .map((table) => table.trim())
    .filter((table) => table !== '');
  if (!database || !publication || tables.length === 0) {
    throw new Error('a connector needs database.dbname, publication.name and table.include.list');
  }
  const role = quoteIdentifier(databasePlaceholders(cdcConnectionUrl(adminUrl))['database.user'] ?? '');
  const list = tables.map((table) => table.split('.').map(quoteIdentifier).join('.')).join(', ');
  await withClient(adminUrl, (client) =>
    client.query(`GRANT CONNECT ON DATABASE ${quoteIdentifier(database)} TO ${role}`),
  );
  const databaseUrl = new URL(adminUrl);
  databaseUrl.pathname = `/${database}`;
  await withClient(databaseUrl.toString(), async (client) => {
    await client.query(`GRANT USAGE ON SCHEMA public TO ${role}`);
    await client.query(`GRANT SELECT ON ${list} TO ${role}`);
    const { rows } = await client.query<{ exists: boolean; tables: string[] | null }>(
      `SELECT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = $1) AS exists,
              (SELECT array_agg(schemaname || '.' || tablename ORDER BY schemaname, tablename) FROM pg_publication_tables WHERE pubname = $1) AS tables`,
      [publication],
    );
    const current = rows[0];
    const name = quoteIdentifier(publication);
    if (!current?.exists) await client.query(`CREATE PUBLICATION ${name} FOR TABLE ${list}`);
    else if ((current.tables ?? []).join(',') !== [...tables].sort().join(',')) {
      await client.query(`ALTER PUBLICATION ${name} SET TABLE ${list}`);
    }
  });
}

/** A connector an earlier release registered, with what it held in PostgreSQL. */
export interface RetiredConnector {
  name: string;
  database: string;
  slot: string;
  publication: string;
}

/**
 * Connectors replaced since an earlier release. The cart database had two, each with its own
 * replication slot (and so its own WAL sender decoding every write of the server): `stock`
 * and `inventory-outbox`. `cart.json` captures both tables on one slot. A retired connector
 * is removed only after its successor runs, so the two overlap for a moment and a change
 * may be published twice but never lost (consumers apply events by id, changes by version).
 */
export const RETIRED_CONNECTORS: readonly RetiredConnector[] = [
  { name: 'stock', database: 'emporium_cart', slot: 'cdc_cart_stock', publication: 'cdc_cart_stock' },
  {
    name: 'inventory-outbox',
    database: 'emporium_cart',
    slot: 'cdc_inventory_outbox',
    publication: 'cdc_inventory_outbox',
  },
];

/**
 * Deletes each retired connector, then drops its slot (once its task has let go of it: a
 * slot nobody reads keeps WAL forever and fills the disk) and its publication. A connector,
 * slot or publication already gone is skipped, so this is safe on every start.
 */
export async function retireConnectors(
  connectUrl: string,
  adminUrl: string,
  retired: readonly RetiredConnector[],
  options: { timeoutMs?: number; report?: (line: string) => void } = {},
): Promise<void> {
  for (const connector of retired) {
    await deleteConnector(connectUrl, connector.name);
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    const { dropped, databaseExists } = await withClient(adminUrl, async (client) => {
      for (;;) {
        // active is null once the slot is gone (or never was).
        const { rows } = await client.query<{ active: boolean | null; database_exists: boolean }>(
          `SELECT (SELECT active FROM pg_replication_slots WHERE slot_name = $1) AS active,
                  EXISTS (SELECT 1 FROM pg_database WHERE datname = $2) AS database_exists`,
          [connector.slot, connector.database],
        );
        const { active = null, database_exists = false } = rows[0] ?? {};
        if (active === null) return { dropped: false, databaseExists: database_exists };
        if (!active) {
          await client.query('SELECT pg_drop_replication_slot($1)', [connector.slot]);
          return { dropped: true, databaseExists: database_exists };
        }
        if (Date.now() > deadline) {
          throw new ConnectorFailure(`the retired connector ${connector.name} still holds slot ${connector.slot}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    });
    if (databaseExists) {
      const databaseUrl = new URL(adminUrl);
      databaseUrl.pathname = `/${connector.database}`;
      await withClient(databaseUrl.toString(), (client) =>
        client.query(`DROP PUBLICATION IF EXISTS ${quoteIdentifier(connector.publication)}`),
      );
    }
    if (dropped) options.report?.(`connector ${connector.name}: retired, slot ${connector.slot} dropped`);
  }
}

/**
 * Registers every connector of `cdc-connectors/` with its placeholders filled, and waits
 * until each runs, then retires the connectors they replaced. Safe on every start: an
 * unchanged config changes nothing.
 */
export async function registerConnectors(options: RegisterOptions = {}): Promise<string[]> {
  const connectUrl = (options.connectUrl ?? config.endpoints.connect.url).replace(/\/+$/, '');
  const adminUrl = options.databaseUrl ?? config.endpoints.postgres.url;
  const values = databasePlaceholders(cdcConnectionUrl(adminUrl));
  const report = options.report ?? ((): void => undefined);
  const definitions = readConnectorDefinitions(options.directory);
  for (const definition of definitions) {
    await prepareCapture(adminUrl, definition.config);
    await putConnector(connectUrl, definition.name, fillPlaceholders(definition.config, values));
    await waitUntilRunning(connectUrl, definition.name, options.timeoutMs);
    report(`connector ${definition.name}: running`);
  }
  await retireConnectors(connectUrl, adminUrl, options.retired ?? RETIRED_CONNECTORS, {
    report,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  return definitions.map((definition) => definition.name);
}
