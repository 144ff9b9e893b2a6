import { existsSync, mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { config } from '../config.ts';
import { removeFile, spawnDetached, stopPid } from '../process.ts';
import { alivePid, componentDir, describeError, type Component, type Health } from './component.ts';

/** Debian's package puts the server here; bootstrap.sh installs it when run as root. */
const BINARY = '/usr/bin/redis-server';

const dir = componentDir('redis');
const pidFile = join(dir, 'redis.pid');
const logFile = join(dir, 'redis.log');
const url = new URL(config.endpoints.redis.url);
const port = Number(url.port || 6379);

/** Sends one inline command and resolves with the first line of the answer; a probe must answer fast. */
function ask(command: string, timeoutMs = 1000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: url.hostname, port, timeout: timeoutMs });
    let answer = '';
    socket.on('connect', () => socket.end(`${command}\r\n`));
    socket.on('data', (chunk) => {
      answer += chunk.toString('utf8');
    });
    socket.on('timeout', () => socket.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    socket.on('error', reject);
    socket.on('close', () => {
      resolve(answer);
    });
  });
}

/**
 * The counters every router replica shares (rate limits): Debian's redis-server as a plain
 * process on loopback, keeping nothing on disk. Losing its counts costs nothing but a fresh
 * allowance, and the routers fall back to counting on their own while it is gone.
 */
export const redis: Component = {
  name: 'redis',
  external: config.endpoints.redis.external,
  address: config.endpoints.redis.url,
  expectedVersion: "machine's (Debian)",
  logFile,
  pidFile,
  after: [],
  startupTimeoutMs: 20_000,

  // The working directory on the command line marks the process as this checkout's.
  pid: () => alivePid(pidFile, dir),

  async start() {
    if (!existsSync(BINARY)) {
      throw new Error(`${BINARY} is missing: install Debian's redis-server package (apt-get install redis-server)`);
    }
    mkdirSync(dir, { recursive: true });
    spawnDetached(
      BINARY,
      // Redis rewrites its process title unless told not to, and the title must keep `dir`.
      [
        '--port',
        String(port),
        '--bind',
        url.hostname,
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
        '--set-proc-title',
        'no',
      ],
      { logFile, pidFile },
    );
  },

  async health(): Promise<Health> {
    try {
      const pong = await ask('PING');
      if (!pong.startsWith('+PONG')) return { ok: false, detail: `PING answered ${JSON.stringify(pong.trim())}` };
      const info = await ask('INFO server');
      return { ok: true, version: /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown' };
    } catch (error) {
      return { ok: false, detail: describeError(error) };
    }
  },

  async stop() {
    const pid = this.pid();
    if (pid) await stopPid(pid, 10_000);
    removeFile(pidFile);
  },
};
