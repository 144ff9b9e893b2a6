import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOCAL_HOST, LOCAL_PORTS } from '@emporium/config';
import { fetchElasticsearch } from '../artifacts.ts';
import { config, VERSIONS } from '../config.ts';
import { ensureServiceUser, removeFile, spawnDetached, stopPid } from '../process.ts';
import { alivePid, componentDir, describeError, fetchJson, type Component, type Health } from './component.ts';

const dir = componentDir('elasticsearch');
const configDir = join(dir, 'config');
/** Written by Elasticsearch itself once the server JVM runs; the launcher's pid comes first. */
const serverPidFile = join(dir, 'elasticsearch.pid');
const launcherPidFile = join(dir, 'launcher.pid');
const consoleLog = join(dir, 'console.log');

/**
 * Single node, loopback only, security off: a development node. Disk watermarks are off
 * because shared machines run low on disk and Elasticsearch would then turn indices
 * read-only, which looks like a bug in the indexer rather than a full disk.
 */
const settings = (): string => `
cluster.name: emporium
node.name: emporium-1
discovery.type: single-node
network.host: ${LOCAL_HOST}
http.port: ${LOCAL_PORTS.elasticsearch}
transport.port: ${LOCAL_PORTS.elasticsearchTransport}
path.data: ${join(dir, 'data')}
path.logs: ${join(dir, 'logs')}
xpack.security.enabled: false
cluster.routing.allocation.disk.threshold_enabled: false
action.destructive_requires_name: true
`;

/** The integ-test distribution lacks the rest-root module, so `GET /` is not served. */
interface EsNodes {
  nodes: Record<string, { version: string }>;
}
interface EsHealth {
  status: 'green' | 'yellow' | 'red';
}

export const elasticsearch: Component = {
  name: 'elasticsearch',
  external: config.endpoints.elasticsearch.external,
  address: config.endpoints.elasticsearch.url,
  expectedVersion: VERSIONS.elasticsearch,
  logFile: join(dir, 'logs', 'emporium.log'),
  pidFile: launcherPidFile,
  after: [],
  startupTimeoutMs: 120_000,

  pid: () => alivePid(serverPidFile, 'org.elasticsearch') ?? alivePid(launcherPidFile, dir),

  async start() {
    if (!config.esJavaHome) {
      throw new Error('Elasticsearch 9 needs Java 21 or newer: install one under /usr/lib/jvm or set ES_JAVA_HOME');
    }
    const home = await fetchElasticsearch();
    mkdirSync(join(dir, 'logs'), { recursive: true });
    if (!existsSync(configDir)) cpSync(join(home, 'config'), configDir, { recursive: true });
    writeFileSync(join(configDir, 'elasticsearch.yml'), settings());
    mkdirSync(join(configDir, 'jvm.options.d'), { recursive: true });
    // Without a cap the heap is sized from the machine's memory.
    writeFileSync(
      join(configDir, 'jvm.options.d', 'heap.options'),
      `-Xms${config.heap.elasticsearch}\n-Xmx${config.heap.elasticsearch}\n`,
    );
    await ensureServiceUser([dir]);
    spawnDetached(join(home, 'bin', 'elasticsearch'), ['-p', serverPidFile], {
      logFile: consoleLog,
      pidFile: launcherPidFile,
      asServiceUser: true,
      env: { ...process.env, ES_JAVA_HOME: config.esJavaHome, ES_PATH_CONF: configDir, JAVA_HOME: '' },
    });
  },

  async health(): Promise<Health> {
    try {
      const base = config.endpoints.elasticsearch.url;
      const nodes = await fetchJson<EsNodes>(`${base}/_nodes/_local?filter_path=nodes.*.version`);
      const cluster = await fetchJson<EsHealth>(`${base}/_cluster/health`);
      const version = Object.values(nodes.nodes)[0]?.version;
      return { ok: cluster.status !== 'red', version, detail: `cluster ${cluster.status}` };
    } catch (error) {
      return { ok: false, detail: describeError(error) };
    }
  },

  async stop() {
    const server = alivePid(serverPidFile, 'org.elasticsearch');
    if (server) await stopPid(server, 60_000);
    const launcher = alivePid(launcherPidFile, dir);
    if (launcher) await stopPid(launcher, 10_000);
    removeFile(launcherPidFile);
  },
};
