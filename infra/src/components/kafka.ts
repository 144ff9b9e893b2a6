import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createKafka } from '@emporium/kafka';
import { LOCAL_HOST, LOCAL_PORTS } from '@emporium/config';
import { createLogger } from '@emporium/logging';
import { fetchKafka } from '../artifacts.ts';
import { config, VERSIONS } from '../config.ts';
import { removeFile, run, spawnDetached, stopPid } from '../process.ts';
import { alivePid, componentDir, describeError, type Component, type Health } from './component.ts';
import { javaBin, jvmArgs, writeLog4j2 } from './java.ts';

const dir = componentDir('kafka');
const dataDir = join(dir, 'data');
const pidFile = join(dir, 'kafka.pid');
const logFile = join(dir, 'kafka.log');

/**
 * One node that is both broker and controller (KRaft). Replication factors are 1 because
 * there is one node; without that for the offsets topic a consumer group never finds its
 * coordinator.
 */
const serverProperties = (): string => `
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@${LOCAL_HOST}:${LOCAL_PORTS.kafkaController}
listeners=PLAINTEXT://${LOCAL_HOST}:${LOCAL_PORTS.kafka},CONTROLLER://${LOCAL_HOST}:${LOCAL_PORTS.kafkaController}
advertised.listeners=PLAINTEXT://${LOCAL_HOST}:${LOCAL_PORTS.kafka}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=${dataDir}
num.partitions=6
auto.create.topics.enable=true
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.hours=168
`;

export const kafka: Component = {
  name: 'kafka',
  external: config.endpoints.kafka.external,
  address: config.endpoints.kafka.brokers.join(','),
  expectedVersion: VERSIONS.kafka,
  logFile,
  pidFile,
  after: [],
  startupTimeoutMs: 60_000,

  pid: () => alivePid(pidFile, dir),

  async start() {
    const libs = await fetchKafka();
    mkdirSync(dir, { recursive: true });
    const properties = join(dir, 'server.properties');
    const log4j = join(dir, 'log4j2.properties');
    writeFileSync(properties, serverProperties());
    writeLog4j2(log4j);
    if (!existsSync(join(dataDir, 'meta.properties'))) {
      // A KRaft cluster id is 16 random bytes in URL-safe base64. One that starts with '-'
      // reads as an option to the storage tool (1 in 64 starts failed so), and Kafka's own
      // generator avoids those too.
      let clusterId = randomBytes(16).toString('base64url');
      while (clusterId.startsWith('-')) clusterId = randomBytes(16).toString('base64url');
      await run(javaBin(), [
        ...jvmArgs('256m', log4j, libs),
        'kafka.tools.StorageTool',
        'format',
        '--cluster-id',
        clusterId,
        '--config',
        properties,
      ]);
    }
    spawnDetached(
      javaBin(),
      [...jvmArgs(config.heap.kafka, log4j, libs), `-Dkafka.logs.dir=${dir}`, 'kafka.Kafka', properties],
      {
        logFile,
        pidFile,
      },
    );
  },

  async health(): Promise<Health> {
    const admin = createKafka({
      clientId: 'emporium-infra',
      brokers: config.endpoints.kafka.brokers,
      logger: createLogger('infra', { level: 'silent' }),
      connectionTimeoutMs: 1500,
    }).admin({ retry: { retries: 0 } });
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length === 0) return { ok: false, detail: 'no brokers registered' };
      return {
        ok: true,
        version: this.external ? undefined : VERSIONS.kafka,
        detail: `controller ${cluster.controller}`,
      };
    } catch (error) {
      return { ok: false, detail: describeError(error) };
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  },

  async stop() {
    const pid = this.pid();
    if (pid) await stopPid(pid, 60_000);
    removeFile(pidFile);
  },
};
