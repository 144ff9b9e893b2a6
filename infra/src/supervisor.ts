import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';
import { LOCAL_HOST } from '@emporium/config';
import { repoRoot } from './config.ts';
import { serviceUrl, type ServiceSpec } from './services.ts';
import { waitFor } from './process.ts';

/** Running platform processes, stopped together. */
export interface RunningServices {
  readonly children: ReadonlyMap<string, ChildProcess>;
  stop(): Promise<void>;
  /** Stops one service (SIGTERM, then SIGKILL after a grace period), e.g. to test recovery. */
  stopService(name: string): Promise<void>;
  /** Starts a stopped service again with the same spec and environment, once it answers /health. */
  startService(name: string): Promise<void>;
}

export interface SuperviseOptions {
  /** Extra environment for every service (on top of this process's). */
  env?: NodeJS.ProcessEnv;
  /** Lines go to `<logDir>/<name>.log`; without it they are printed with the name in front. */
  logDir?: string;
  startupTimeoutMs?: number;
}

/** Lines of a child's output kept in memory, so a failed start can say why without the log file. */
const TAIL_LINES = 15;

/** Sends a child's output to its log file (or this process's stdout) and returns its last lines. */
function pipeOutput(child: ChildProcess, name: string, logDir: string | undefined): () => string[] {
  const tail: string[] = [];
  const file = logDir ? createWriteStream(join(logDir, `${name}.log`), { flags: 'a' }) : null;
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) => {
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
      if (file) file.write(`${line}\n`);
      else process.stdout.write(`${name.padEnd(9)}| ${line}\n`);
    });
  }
  return () => [...tail];
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: LOCAL_HOST });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      resolve(false);
    });
  });
}

async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      resolve();
    });
  });
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * Starts the services stage by stage (all of a stage in parallel) and waits until each
 * answers /health before the next stage. When one exits or never becomes healthy, the
 * others are stopped and the error names it.
 */
export async function startServices(
  stages: readonly (readonly ServiceSpec[])[],
  options: SuperviseOptions = {},
): Promise<RunningServices> {
  if (options.logDir) mkdirSync(options.logDir, { recursive: true });
  const children = new Map<string, ChildProcess>();
  const stop = async (): Promise<void> => {
    await Promise.all([...children.values()].map((child) => stopChild(child)));
  };

  const launch = async (service: ServiceSpec): Promise<void> => {
    // Otherwise a leftover process on the port would answer /health for a child that failed to bind.
    if (await portAnswers(service.port)) {
      throw new Error(`${service.name}: port ${service.port} is already in use (a leftover process?)`);
    }
    const child = spawn(process.execPath, [join(repoRoot, service.entry)], {
      cwd: repoRoot,
      env: { ...process.env, ...options.env, ...service.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.set(service.name, child);
    const outputEnded = new Promise<void>((resolve) => {
      child.once('close', () => {
        resolve();
      });
    });
    const lastLines = pipeOutput(child, service.name, options.logDir);
    const healthy = await waitFor(
      async () => (await fetch(serviceUrl(service, '/health'), { signal: AbortSignal.timeout(1000) })).ok,
      { timeoutMs: options.startupTimeoutMs ?? 60_000, intervalMs: 200, stopEarly: () => child.exitCode !== null },
    );
    if (!healthy) {
      const where = options.logDir ? ` (see ${join(options.logDir, `${service.name}.log`)})` : '';
      // CI shows only this error: the child's last words travel with it, once its output has drained.
      if (child.exitCode !== null)
        await Promise.race([outputEnded, new Promise((resolve) => setTimeout(resolve, 1000))]);
      const said = lastLines()
        .map((line) => `\n  | ${line}`)
        .join('');
      throw new Error(
        `${service.name} ${child.exitCode !== null ? 'exited' : 'did not become healthy'}${where}; its last output:${said}`,
      );
    }
  };

  try {
    for (const stage of stages) await Promise.all(stage.map(launch));
  } catch (error) {
    await stop();
    throw error;
  }
  const specs = new Map(stages.flat().map((service) => [service.name, service]));
  const spec = (name: string): ServiceSpec => {
    const service = specs.get(name);
    if (!service) throw new Error(`no service named ${name}`);
    return service;
  };
  return {
    children,
    stop,
    stopService: async (name) => {
      spec(name);
      const child = children.get(name);
      if (child) await stopChild(child);
    },
    startService: async (name) => {
      const child = children.get(name);
      if (child && child.exitCode === null && child.signalCode === null) throw new Error(`${name} is running`);
      await launch(spec(name));
    },
  };
}
