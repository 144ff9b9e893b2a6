import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';
import { LOCAL_HOST } from '@emporium/config';
import { repoRoot } from './config.ts';
import { balancerService, serversUp } from './balancer.ts';
import { writeScrapeTargets } from './components/prometheus.ts';
import { processName, replicaWaves, serviceUrl, topology, type ServiceSpec, type Topology } from './services.ts';
import { waitFor } from './process.ts';

/** Running platform processes, stopped together. */
export interface RunningServices {
  /** By process name: `order` alone, or `order-1`, `order-2` and `balancer` with replicas. */
  readonly children: ReadonlyMap<string, ChildProcess>;
  /** What was started, stage by stage, and what the balancer fronts (nothing with one replica). */
  readonly topology: Topology;
  stop(): Promise<void>;
  /**
   * Stops a service (SIGTERM, then SIGKILL after a grace period), e.g. to test recovery: by its
   * name every replica of it, by a replica's name (`order-2`) that replica alone.
   */
  stopService(name: string): Promise<void>;
  /**
   * Starts a stopped service (or replica) again with the same spec and environment, once it
   * answers /health and, behind the balancer, once the balancer sends it traffic again.
   */
  startService(name: string): Promise<void>;
}

export interface SuperviseOptions {
  /** Extra environment for every service (on top of this process's). */
  env?: NodeJS.ProcessEnv;
  /** Lines go to `<logDir>/<name>.log`; without it they are printed with the name in front. */
  logDir?: string;
  startupTimeoutMs?: number;
  /**
   * Replicas of every router, subgraph and worker (1 by default: each on its well-known port).
   * With more, HAProxy fronts the well-known ports (see balancer.ts and `topology`).
   */
  replicas?: number;
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
  const plan = topology(options.replicas ?? 1, stages, (balanced) => balancerService(balanced));
  const balancedReplicas = plan.balanced.flatMap(({ replicas }) => replicas);
  const children = new Map<string, ChildProcess>();
  const stop = async (): Promise<void> => {
    await Promise.all([...children.values()].map((child) => stopChild(child)));
    // Prometheus goes back to the single processes' ports, which the next plain start uses.
    if (plan.replicas > 1) writeScrapeTargets();
  };

  const launch = async (service: ServiceSpec): Promise<void> => {
    const name = processName(service);
    // Otherwise a leftover process on the port would answer /health for a child that failed to bind.
    if (await portAnswers(service.port)) {
      throw new Error(`${name}: port ${service.port} is already in use (a leftover process?)`);
    }
    const [command = process.execPath, ...args] = service.command ?? [process.execPath, join(repoRoot, service.entry)];
    const child = spawn(command, args, {
      cwd: repoRoot,
      env: { ...process.env, ...options.env, ...service.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.set(name, child);
    const outputEnded = new Promise<void>((resolve) => {
      child.once('close', () => {
        resolve();
      });
    });
    // A command that cannot be run at all (HAPROXY_BINARY missing) says so instead of timing out.
    const spawnFailure = new Promise<Error>((resolve) => child.once('error', resolve));
    const lastLines = pipeOutput(child, name, options.logDir);
    const healthy = await waitFor(
      async () => (await fetch(serviceUrl(service, '/health'), { signal: AbortSignal.timeout(1000) })).ok,
      {
        timeoutMs: options.startupTimeoutMs ?? 60_000,
        intervalMs: 200,
        stopEarly: () => child.exitCode !== null || child.pid === undefined,
      },
    );
    if (child.pid === undefined) {
      const error = await spawnFailure;
      throw new Error(`${name}: cannot run ${command}: ${error.message}`);
    }
    if (!healthy) {
      const where = options.logDir ? ` (see ${join(options.logDir, `${name}.log`)})` : '';
      // CI shows only this error: the child's last words travel with it, once its output has drained.
      if (child.exitCode !== null)
        await Promise.race([outputEnded, new Promise((resolve) => setTimeout(resolve, 1000))]);
      const said = lastLines()
        .map((line) => `\n  | ${line}`)
        .join('');
      throw new Error(
        `${name} ${child.exitCode !== null ? 'exited' : 'did not become healthy'}${where}; its last output:${said}`,
      );
    }
  };

  /** Waits until the balancer sends traffic to each of `services` that it fronts (its checks run every second). */
  const balancerSees = async (services: readonly ServiceSpec[]): Promise<void> => {
    const names = services.filter((service) => balancedReplicas.includes(service)).map(processName);
    if (names.length === 0) return;
    const up = await waitFor(() => serversUp(names), { timeoutMs: 30_000, intervalMs: 200 });
    if (!up) throw new Error(`the balancer does not send traffic to ${names.join(', ')} (see its /stats)`);
  };

  try {
    for (const stage of plan.stages) {
      for (const wave of replicaWaves(stage)) await Promise.all(wave.map(launch));
    }
    await balancerSees(balancedReplicas);
  } catch (error) {
    await stop();
    throw error;
  }
  // Prometheus scrapes every replica (and the balancer) while they run.
  if (plan.replicas > 1) writeScrapeTargets(plan.stages.flat());

  const specs = plan.stages.flat();
  /** A process by its name, or every replica of a service by the service's. */
  const matching = (name: string): ServiceSpec[] => {
    const found = specs.filter((service) => processName(service) === name || service.name === name);
    if (found.length === 0) throw new Error(`no service named ${name}`);
    return found;
  };
  return {
    children,
    topology: plan,
    stop,
    stopService: async (name) => {
      await Promise.all(
        matching(name).map(async (service) => {
          const child = children.get(processName(service));
          if (child) await stopChild(child);
        }),
      );
    },
    startService: async (name) => {
      const services = matching(name);
      for (const service of services) {
        const child = children.get(processName(service));
        if (child && child.exitCode === null && child.signalCode === null) {
          throw new Error(`${processName(service)} is running`);
        }
      }
      await Promise.all(services.map(launch));
      await balancerSees(services);
    },
  };
}
