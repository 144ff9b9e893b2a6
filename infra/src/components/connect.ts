import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOCAL_HOST, LOCAL_PORTS } from '@emporium/config';
import { fetchDebeziumPlugins, fetchKafka } from '../artifacts.ts';
import { config, VERSIONS } from '../config.ts';
import { removeFile, spawnDetached, stopPid } from '../process.ts';
import { alivePid, componentDir, describeError, fetchJson, type Component, type Health } from './component.ts';
import { javaBin, jvmArgs, writeLog4j2 } from './java.ts';

const dir = componentDir('connect');
const pidFile = join(dir, 'connect.pid');
const logFile = join(dir, 'connect.log');

export const POSTGRES_CONNECTOR_CLASS = 'io.debezium.connector.postgresql.PostgresConnector';

/**
 * A distributed-mode worker: connectors are registered over its REST API and their
 * configs and offsets live in Kafka topics, so they survive a restart of the worker.
 * JSON without embedded schemas keeps change events readable by the Node consumers.
 */
const workerProperties = (plugins: string): string => `
bootstrap.servers=${config.endpoints.kafka.brokers.join(',')}
group.id=emporium-connect
key.converter=org.apache.kafka.connect.json.JsonConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
key.converter.schemas.enable=false
value.converter.schemas.enable=false
config.storage.topic=_connect-configs
offset.storage.topic=_connect-offsets
status.storage.topic=_connect-status
config.storage.replication.factor=1
offset.storage.replication.factor=1
status.storage.replication.factor=1
offset.flush.interval.ms=1000
listeners=http://${LOCAL_HOST}:${LOCAL_PORTS.connect}
rest.advertised.host.name=${LOCAL_HOST}
rest.advertised.port=${LOCAL_PORTS.connect}
plugin.path=${plugins}
`;

interface ConnectRoot {
  version: string;
}
interface ConnectorPlugin {
  class: string;
}

export const connect: Component = {
  name: 'connect',
  external: config.endpoints.connect.external,
  address: config.endpoints.connect.url,
  expectedVersion: `${VERSIONS.kafka} + Debezium ${VERSIONS.debezium}`,
  logFile,
  pidFile,
  after: ['kafka'],
  startupTimeoutMs: 120_000,

  pid: () => alivePid(pidFile, dir),

  async start() {
    const [libs, plugins] = await Promise.all([fetchKafka(), fetchDebeziumPlugins()]);
    mkdirSync(dir, { recursive: true });
    const properties = join(dir, 'worker.properties');
    const log4j = join(dir, 'log4j2.properties');
    writeFileSync(properties, workerProperties(plugins));
    writeLog4j2(log4j);
    spawnDetached(
      javaBin(),
      [...jvmArgs(config.heap.connect, log4j, libs), 'org.apache.kafka.connect.cli.ConnectDistributed', properties],
      { logFile, pidFile },
    );
  },

  async health(): Promise<Health> {
    try {
      const root = await fetchJson<ConnectRoot>(config.endpoints.connect.url);
      const plugins = await fetchJson<ConnectorPlugin[]>(`${config.endpoints.connect.url}/connector-plugins`);
      if (!plugins.some((plugin) => plugin.class === POSTGRES_CONNECTOR_CLASS)) {
        return {
          ok: false,
          version: root.version,
          detail: 'the Debezium PostgreSQL connector is not on the plugin path',
        };
      }
      return { ok: true, version: root.version };
    } catch (error) {
      return { ok: false, detail: describeError(error) };
    }
  },

  async stop() {
    const pid = this.pid();
    if (pid) await stopPid(pid, 60_000);
    removeFile(pidFile);
  },
};
