import { mkdirSync, rmSync, existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { createKafka, DEFAULT_PARTITIONS, undersizedTopics } from '@emporium/kafka';
import { createLogger } from '@emporium/logging';
import { config } from './config.ts';
import { connect } from './components/connect.ts';
import { elasticsearch } from './components/elasticsearch.ts';
import { kafka } from './components/kafka.ts';
import { ensureServiceDatabases, postgres } from './components/postgres.ts';
import { prometheus, writeScrapeTargets } from './components/prometheus.ts';
import { redis } from './components/redis.ts';
import { zipkin } from './components/zipkin.ts';
import { describeError, type Component, type Health } from './components/component.ts';
import { needsDownload } from './artifacts.ts';
import { javaBin } from './components/java.ts';
import { requirePrerequisites } from './prerequisites.ts';
import { tail, treeRssBytes, waitFor } from './process.ts';

/**
 * Every engine, in start order; `down` walks it backwards. Redis holds the counters router
 * replicas share; Zipkin and Prometheus store traces and metrics.
 */
export const COMPONENTS: readonly Component[] = [postgres, kafka, elasticsearch, connect, redis, zipkin, prometheus];

export function findComponent(name: string): Component {
  const component = COMPONENTS.find((candidate) => candidate.name === name);
  if (!component) throw new Error(`unknown component "${name}" (one of ${COMPONENTS.map((c) => c.name).join(', ')})`);
  return component;
}

export class ComponentFailure extends Error {
  constructor(component: Component, reason: string) {
    const log = component.external ? '' : `\n--- last lines of ${component.logFile} ---\n${tail(component.logFile)}`;
    super(`${component.name} ${reason}${log}`);
    this.name = 'ComponentFailure';
  }
}

/** Consecutive checks (half a second apart) that must find a starting engine's process gone before it counts as dead. */
const DEATH_CHECKS = 4;

/** Brings one component to healthy: leaves a healthy one alone, starts a stopped one. */
async function bringUp(component: Component, report: (line: string) => void): Promise<void> {
  const initial = await component.health();
  if (initial.ok) {
    report(`${component.name}: already running${component.external ? ' (external)' : ''}`);
    return;
  }
  if (component.external) {
    throw new ComponentFailure(component, `at ${component.address} is not healthy: ${initial.detail ?? 'no answer'}`);
  }
  const started = Date.now();
  if (!component.pid()) {
    const died = existsSync(component.pidFile);
    report(
      `${component.name}: ${died ? `restarting (it had died; last log line: ${tail(component.logFile, 1)})` : 'starting'}`,
    );
    await component.start();
  } else {
    report(`${component.name}: running, waiting for it to become healthy`);
  }
  let last: Health = initial;
  const exit = { died: false };
  // A launcher that execs or forks the engine (a shell script, then the JVM) can read as gone
  // for a moment, its command line empty mid-exec: only several misses in a row mean it died.
  let misses = 0;
  const healthy = await waitFor(
    async () => {
      last = await component.health();
      return last.ok;
    },
    {
      timeoutMs: component.startupTimeoutMs,
      stopEarly: () => {
        misses = component.pid() === undefined ? misses + 1 : 0;
        exit.died = misses >= DEATH_CHECKS;
        return exit.died;
      },
    },
  );
  if (!healthy) {
    throw new ComponentFailure(
      component,
      exit.died
        ? 'exited during start-up'
        : `did not become healthy in ${component.startupTimeoutMs / 1000}s: ${last.detail ?? ''}`,
    );
  }
  report(`${component.name}: healthy in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}

/**
 * Starts whatever is not running, in parallel where dependencies allow, and waits until
 * everything is healthy. Running it again on a healthy stack changes nothing.
 */
export async function up(report: (line: string) => void = console.log): Promise<void> {
  mkdirSync(config.stateDir, { recursive: true });
  await checkPrerequisites();
  const done = new Map<string, Promise<void>>();
  const launch = (component: Component): Promise<void> => {
    let promise = done.get(component.name);
    if (!promise) {
      promise = Promise.all(component.after.map((name) => launch(findComponent(name)))).then(() =>
        bringUp(component, report),
      );
      done.set(component.name, promise);
    }
    return promise;
  };
  const results = await Promise.allSettled(COMPONENTS.map(launch));
  const failures = results.flatMap((result) => (result.status === 'rejected' ? [describeError(result.reason)] : []));
  if (failures.length > 0) throw new Error(failures.join('\n\n'));
  // A running Prometheus re-reads its targets: processes that gained metrics are scraped from now on.
  writeScrapeTargets();
  await provision();
  for (const line of await partitionWarnings()) report(line);
}

/**
 * Topics an older stack made with fewer partitions than the platform uses now stay as they
 * are (see `undersizedTopics`): growing them is only safe once every producer and consumer
 * of the topic is drained, which a fresh local stack is and a running one cannot prove. The
 * start names them, and how to get a stack with the new count.
 */
async function partitionWarnings(): Promise<string[]> {
  const kafkaClient = createKafka({
    clientId: 'emporium-infra',
    brokers: config.endpoints.kafka.brokers,
    logger: createLogger('infra', { level: 'silent' }),
  });
  let undersized;
  try {
    undersized = await undersizedTopics(kafkaClient);
  } catch (error) {
    // Advice only: a stack that is up stays usable without it.
    return [`kafka: cannot check the topics' partitions: ${describeError(error)}`];
  }
  if (undersized.length === 0) return [];
  const named = undersized
    .slice(0, 5)
    .map(({ topic, partitions }) => `${topic} (${partitions})`)
    .join(', ');
  return [
    `kafka: warning: ${undersized.length} topic(s) have fewer than ${DEFAULT_PARTITIONS} partitions and are left so ` +
      `(keyed order would not survive growing them): ${named}${undersized.length > 5 ? ` and ${undersized.length - 5} more` : ''}. ` +
      'They work, with fewer busy worker replicas; `npm run infra -- reset` starts a fresh stack with the new count.',
  ];
}

/** Engines the machine must provide for, by the component that runs on them. */
const JAVA_ENGINES = {
  kafka: ['kafka'],
  connect: ['kafka', 'debezium'],
  zipkin: ['zipkin'],
  elasticsearch: ['elasticsearch'],
} as const satisfies Record<string, readonly ('kafka' | 'debezium' | 'elasticsearch' | 'zipkin')[]>;

/**
 * Before anything starts: Maven, Java 17+ and a Java 21+ JDK, for exactly the local
 * components that are down (a running or external one needs nothing of the machine), all
 * missing ones named at once with their install commands.
 */
async function checkPrerequisites(): Promise<void> {
  const down = await Promise.all(
    COMPONENTS.filter((component) => !component.external).map(async (component) =>
      (await component.health()).ok ? [] : [component.name],
    ),
  ).then((names) => new Set(names.flat()));
  const starting = (Object.keys(JAVA_ENGINES) as (keyof typeof JAVA_ENGINES)[]).filter((name) => down.has(name));
  if (starting.length === 0) return;
  const engines = starting.flatMap((name) => JAVA_ENGINES[name]);
  await requirePrerequisites({
    maven: needsDownload(engines),
    java: starting.some((name) => name !== 'elasticsearch') ? javaBin() : undefined,
    esJavaHome: starting.includes('elasticsearch') ? config.esJavaHome : undefined,
    commands: [
      ...(engines.includes('elasticsearch') && needsDownload(['elasticsearch'])
        ? [{ command: 'unzip', aptPackage: 'unzip', reason: 'unpacks Elasticsearch' }]
        : []),
      ...(engines.includes('debezium') && needsDownload(['debezium'])
        ? [{ command: 'tar', aptPackage: 'tar', reason: 'unpacks the Debezium connector' }]
        : []),
    ],
  });
}

/**
 * What the platform needs inside the engines, local or external: each service's role and
 * database, and Debezium's role. Idempotent, so `up`, `npm start` and docker compose's
 * provisioning step all run it.
 */
export async function provision(): Promise<void> {
  await ensureServiceDatabases(config.endpoints.postgres.url);
}

export async function down(report: (line: string) => void = console.log): Promise<void> {
  for (const component of [...COMPONENTS].reverse()) {
    if (component.external || !component.pid()) continue;
    report(`${component.name}: stopping`);
    await component.stop();
  }
}

export interface ComponentStatus {
  name: string;
  version: string;
  address: string;
  pid: string;
  /** Resident memory of the component's processes, when they run on this machine. */
  memoryBytes: number | undefined;
  health: string;
}

export const formatMiB = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

export async function status(): Promise<ComponentStatus[]> {
  return Promise.all(
    COMPONENTS.map(async (component) => {
      const health = await component.health();
      const pid = component.pid();
      let state: string;
      if (health.ok) state = `healthy${health.detail ? ` (${health.detail})` : ''}`;
      else if (component.external) state = `unreachable: ${health.detail ?? ''}`;
      else if (pid) state = `starting or unhealthy: ${health.detail ?? ''}`;
      else if (existsSync(component.pidFile)) state = `died; last log line: ${tail(component.logFile, 1)}`;
      else state = existsSync(component.logFile) ? 'stopped' : 'never started';
      return {
        name: component.name,
        version: health.version ?? component.expectedVersion,
        address: component.address,
        pid: component.external ? 'external' : String(pid ?? '-'),
        memoryBytes: pid ? treeRssBytes(pid) : undefined,
        health: state,
      };
    }),
  );
}

export function formatTable(rows: readonly Record<string, string>[]): string {
  const first = rows[0];
  if (!first) return '';
  const columns = Object.keys(first);
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.toUpperCase())), ...rows.map((row) => line(columns.map((c) => row[c] ?? '')))].join(
    '\n',
  );
}

/** Stops the stack and deletes its data; downloaded engines stay cached. */
export async function reset(report: (line: string) => void = console.log): Promise<void> {
  await down(report);
  rmSync(config.stateDir, { recursive: true, force: true });
  report(`removed ${config.stateDir}`);
}

/** Prints a component's log, following it with `follow`. */
export function logs(component: Component, follow: boolean): Promise<void> {
  const args = ['-n', '200', ...(follow ? ['-F'] : []), component.logFile];
  return new Promise((resolve, reject) => {
    const child = spawn('tail', args, { stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', () => {
      resolve();
    });
  });
}
