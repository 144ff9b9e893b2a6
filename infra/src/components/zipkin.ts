import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { LOCAL_HOST } from '@emporium/config';
import { LOCAL_TELEMETRY_PORTS } from '@emporium/telemetry';
import { fetchZipkin } from '../artifacts.ts';
import { removeFile, spawnDetached, stopPid } from '../process.ts';
import { alivePid, componentDir, describeError, fetchJson, type Component, type Health } from './component.ts';
import { javaBin } from './java.ts';

/** The version infra/maven/zipkin.pom.xml pins. */
export const ZIPKIN_VERSION = '3.5.1';

const dir = componentDir('zipkin');
const pidFile = join(dir, 'zipkin.pid');
const logFile = join(dir, 'zipkin.log');
const address = `http://${LOCAL_HOST}:${LOCAL_TELEMETRY_PORTS.zipkin}`;

/**
 * Spans kept in memory before the oldest traces are dropped: a day of local work or a
 * benchmark run, within the heap below. The store is for looking at recent requests, and a
 * restart empties it.
 */
const MAX_SPANS = 200_000;
const HEAP = '384m';

interface ZipkinHealth {
  status: string;
}
interface ZipkinInfo {
  zipkin?: { version?: string };
}

/**
 * The local trace store: Zipkin's server (API and UI at /zipkin/) with in-memory storage, on
 * loopback. Processes send it spans with OpenTelemetry's Zipkin exporter (the telemetry
 * kit's default outside production).
 */
export const zipkin: Component = {
  name: 'zipkin',
  external: false,
  address,
  expectedVersion: ZIPKIN_VERSION,
  logFile,
  pidFile,
  after: [],
  startupTimeoutMs: 90_000,

  pid: () => alivePid(pidFile, dir),

  async start() {
    const jar = await fetchZipkin();
    mkdirSync(join(dir, 'tmp'), { recursive: true });
    spawnDetached(
      javaBin(),
      [
        `-Xms${HEAP}`,
        `-Xmx${HEAP}`,
        // Also what marks the process as this checkout's Zipkin (see alivePid).
        `-Djava.io.tmpdir=${join(dir, 'tmp')}`,
        '-jar',
        jar,
        `--armeria.ports[0].port=${LOCAL_TELEMETRY_PORTS.zipkin}`,
        `--armeria.ports[0].ip=${LOCAL_HOST}`,
      ],
      { logFile, pidFile, env: { ...process.env, STORAGE_TYPE: 'mem', MEM_MAX_SPANS: String(MAX_SPANS) } },
    );
  },

  async health(): Promise<Health> {
    try {
      const health = await fetchJson<ZipkinHealth>(`${address}/health`);
      const info = await fetchJson<ZipkinInfo>(`${address}/info`);
      return { ok: health.status === 'UP', version: info.zipkin?.version, detail: `UI at ${address}/zipkin/` };
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
