import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOCAL_HOST } from '@emporium/config';
import { LOCAL_TELEMETRY_PORTS, METRICS_PATH } from '@emporium/telemetry';
import { stringify } from 'yaml';
import { removeFile, run, spawnDetached, stopPid } from '../process.ts';
import { SERVICES, type ServiceSpec } from '../services.ts';
import { alivePid, componentDir, describeError, fetchJson, type Component, type Health } from './component.ts';

/** Debian's package puts the server here; bootstrap.sh installs it when run as root. */
const BINARY = '/usr/bin/prometheus';

const dir = componentDir('prometheus');
const pidFile = join(dir, 'prometheus.pid');
const logFile = join(dir, 'prometheus.log');
const configFile = join(dir, 'prometheus.yml');
const targetsFile = join(dir, 'targets.json');
const address = `http://${LOCAL_HOST}:${LOCAL_TELEMETRY_PORTS.prometheus}`;

/** Often enough that a test or a person sees a counter move within seconds. */
const SCRAPE_INTERVAL = '5s';

/**
 * One scrape job over every platform process that serves metrics (services.ts says which,
 * and on which port), read from a file Prometheus re-reads by itself: a process that gains
 * metrics is scraped after the next `up`, without restarting Prometheus. Each target is
 * labelled with its process's name, and a replica (a start with replicas passes them all)
 * with its number too.
 */
export function writeScrapeTargets(services: readonly ServiceSpec[] = SERVICES): void {
  mkdirSync(dir, { recursive: true });
  const targets = services.flatMap((service) =>
    service.metricsPort === undefined
      ? []
      : [
          {
            targets: [`${LOCAL_HOST}:${service.metricsPort}`],
            labels: {
              process: service.name,
              ...(service.replica === undefined ? {} : { replica: String(service.replica) }),
            },
          },
        ],
  );
  // Whole or not at all: Prometheus may read the file at any moment.
  const partial = `${targetsFile}.partial`;
  writeFileSync(partial, `${JSON.stringify(targets, null, 2)}\n`);
  renameSync(partial, targetsFile);
}

const prometheusConfig = (): string =>
  stringify({
    global: { scrape_interval: SCRAPE_INTERVAL, evaluation_interval: SCRAPE_INTERVAL },
    scrape_configs: [
      {
        job_name: 'emporium',
        metrics_path: METRICS_PATH,
        file_sd_configs: [{ files: [targetsFile], refresh_interval: SCRAPE_INTERVAL }],
      },
    ],
  });

interface BuildInfo {
  data: { version: string };
}

/**
 * The local metrics store: Debian's Prometheus as a plain process on loopback, its config
 * and data in the stack's state directory, scraping every platform process's /metrics.
 */
export const prometheus: Component = {
  name: 'prometheus',
  external: false,
  address,
  expectedVersion: "machine's (Debian)",
  logFile,
  pidFile,
  after: [],
  startupTimeoutMs: 60_000,

  pid: () => alivePid(pidFile, dir),

  async start() {
    if (!existsSync(BINARY)) {
      throw new Error(`${BINARY} is missing: install Debian's prometheus package (apt-get install prometheus)`);
    }
    mkdirSync(join(dir, 'data'), { recursive: true });
    writeFileSync(configFile, prometheusConfig());
    writeScrapeTargets();
    // A bad config is reported here, with Prometheus's own words, not as a start-up timeout.
    await run('promtool', ['check', 'config', configFile]).catch((error: unknown) => {
      throw new Error(`invalid ${configFile}: ${describeError(error)}`);
    });
    spawnDetached(
      BINARY,
      [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        '--storage.tsdb.retention.time=7d',
        `--web.listen-address=${LOCAL_HOST}:${LOCAL_TELEMETRY_PORTS.prometheus}`,
      ],
      { logFile, pidFile },
    );
  },

  async health(): Promise<Health> {
    try {
      const ready = await fetch(`${address}/-/ready`, { signal: AbortSignal.timeout(2000) });
      if (!ready.ok) return { ok: false, detail: `/-/ready answered ${ready.status}` };
      const info = await fetchJson<BuildInfo>(`${address}/api/v1/status/buildinfo`);
      return { ok: true, version: info.data.version, detail: `targets at ${address}/targets` };
    } catch (error) {
      return { ok: false, detail: describeError(error) };
    }
  },

  async stop() {
    const pid = this.pid();
    if (pid) await stopPid(pid, 30_000);
    removeFile(pidFile);
  },
};
