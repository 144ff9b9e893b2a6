/**
 * Where the machine's CPU goes during a load: every platform service, the stack's engines
 * (the platform's own PostgreSQL server with all its backends and WAL senders, Kafka, Kafka
 * Connect, Elasticsearch, Redis) and the load generator, read from /proc. On a machine this small,
 * everything shares two cores, so a scenario's throughput is bounded by the sum.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { config } from '../../infra/src/config.ts';
import type { BenchPlatform } from './platform.ts';

/** Linux reports process times in clock ticks; USER_HZ is 100 on every mainstream kernel. */
const TICKS_PER_SECOND = 100;

interface ProcessTimes {
  pid: number;
  parent: number;
  cpuSeconds: number;
  /** What its children that exited and were reaped used. */
  reapedCpuSeconds: number;
  commandLine: string;
}

function readProcess(pid: number): ProcessTimes | undefined {
  try {
    // The command name in parentheses may hold spaces; the fields after it do not.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return {
      pid,
      parent: Number(fields[1]),
      cpuSeconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND,
      reapedCpuSeconds: (Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND,
      commandLine: readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' '),
    };
  } catch {
    return undefined; // it exited between the listing and the read
  }
}

/** Which engine of the stack a process is, from its main class, jar or binary. */
function engineOf(commandLine: string): string | undefined {
  if (commandLine.includes('kafka.Kafka ')) return 'kafka';
  if (commandLine.includes('ConnectDistributed')) return 'kafka connect';
  if (commandLine.includes('org.elasticsearch.bootstrap.Elasticsearch')) return 'elasticsearch';
  // The trace store and the metrics store are part of the stack too; only the platform's own
  // (their data under the state directory) count, not another checkout's.
  if (commandLine.includes('zipkin') && commandLine.includes(config.stateDir)) return 'zipkin';
  if (commandLine.includes('/prometheus ') && commandLine.includes(config.stateDir)) return 'prometheus';
  return undefined;
}

/** CPU seconds used so far by each part of the platform and by this load generator. */
export function cpuSeconds(platform: BenchPlatform): Map<string, number> {
  const processes = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map((entry) => readProcess(Number(entry)))
    .filter((times) => times !== undefined);
  const services = new Map<number, string>();
  for (const [name, child] of platform.services.children) {
    if (child.pid !== undefined) services.set(child.pid, name);
  }
  // The platform's PostgreSQL server, not the machine's own: its postmaster runs on a data
  // directory under the state directory, and every backend is its child.
  const postmaster = processes.find(
    (times) => times.commandLine.includes('/bin/postgres') && times.commandLine.includes(config.stateDir),
  )?.pid;
  const usage = new Map<string, number>();
  for (const times of processes) {
    const part =
      services.get(times.pid) ??
      (times.pid === process.pid ? 'load generator' : undefined) ??
      (times.pid === postmaster || times.parent === postmaster ? 'postgresql' : undefined) ??
      // Likewise the platform's Redis, not the machine's: its data directory is in the state directory.
      (times.commandLine.includes('redis-server') && times.commandLine.includes(config.stateDir)
        ? 'redis'
        : undefined) ??
      engineOf(times.commandLine);
    // Backends come and go with the services' connection pools; the postmaster reaps them.
    const reaped = times.pid === postmaster ? times.reapedCpuSeconds : 0;
    if (part) usage.set(part, (usage.get(part) ?? 0) + times.cpuSeconds + reaped);
  }
  return usage;
}

/** CPU seconds a process outside the platform (a peer gateway) and its live descendants have used. */
export function processTreeCpuSeconds(root: number): number {
  const processes = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map((entry) => readProcess(Number(entry)))
    .filter((times) => times !== undefined);
  const inTree = new Set([root]);
  // Parents come before children in /proc's listing only by accident of pid order, so repeat until stable.
  for (let grown = true; grown;) {
    grown = false;
    for (const times of processes) {
      if (!inTree.has(times.pid) && inTree.has(times.parent)) {
        inTree.add(times.pid);
        grown = true;
      }
    }
  }
  return processes
    .filter((times) => inTree.has(times.pid))
    .reduce((sum, times) => sum + times.cpuSeconds + (times.pid === root ? times.reapedCpuSeconds : 0), 0);
}

/** CPU each part used between two readings, largest first, as `[part, seconds]`. */
export function cpuUsed(before: Map<string, number>, after: Map<string, number>): [string, number][] {
  return [...after.entries()]
    .map(([part, seconds]): [string, number] => [part, seconds - (before.get(part) ?? seconds)])
    .filter(([, seconds]) => seconds > 0)
    .sort((a, b) => b[1] - a[1]);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** CPU seconds per second each part uses over `ms` of wall time. */
export async function cpuRates(platform: BenchPlatform, ms: number): Promise<Map<string, number>> {
  const before = cpuSeconds(platform);
  await sleep(ms);
  return new Map(cpuUsed(before, cpuSeconds(platform)).map(([part, seconds]) => [part, seconds / (ms / 1000)]));
}

/** Cores the whole platform keeps busy at these rates. */
const cores = (rates: Map<string, number>): number => [...rates.values()].reduce((sum, rate) => sum + rate, 0);

/**
 * Waits until the platform is back to its `idle` CPU use (within a tenth of a core, over a
 * 2 s window), at most `maxMs`: work queued behind a load (the outbox, Debezium, Kafka,
 * the consumers) keeps it busy after the last answer. Returns the seconds waited.
 */
export async function untilQuiet(platform: BenchPlatform, idle: Map<string, number>, maxMs: number): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < maxMs) {
    if (cores(await cpuRates(platform, 2000)) <= cores(idle) + 0.1) break;
  }
  return (performance.now() - started) / 1000;
}

/** CPU each part used between two readings beyond its `idle` rate over `seconds`, largest first. */
export function cpuAboveIdle(
  before: Map<string, number>,
  after: Map<string, number>,
  idle: Map<string, number>,
  seconds: number,
): [string, number][] {
  return cpuUsed(before, after)
    .map(([part, used]): [string, number] => [part, Math.max(0, used - (idle.get(part) ?? 0) * seconds)])
    .sort((a, b) => b[1] - a[1]);
}
