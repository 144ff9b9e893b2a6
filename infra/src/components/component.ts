import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { config } from '../config.ts';
import { isAlive, readPid } from '../process.ts';

export interface Health {
  ok: boolean;
  /** The version the running engine reports about itself, when it can be asked. */
  version?: string;
  detail?: string;
}

/** One engine of the local stack, as `infra up|down|status|logs` sees it. */
export interface Component {
  readonly name: string;
  /** Set by environment: then nothing local is started, only its health is checked. */
  readonly external: boolean;
  readonly address: string;
  readonly expectedVersion: string;
  readonly logFile: string;
  /**
   * Removed on a clean stop; present with no live process means the component died, which
   * `status` and `up` report with the tail of its log.
   */
  readonly pidFile: string;
  /** Components that must be healthy before this one starts. */
  readonly after: readonly string[];
  readonly startupTimeoutMs: number;
  /** The pid of the running engine, if any (not necessarily alive). */
  pid(): number | undefined;
  /** Fetches, configures and launches; resolves once launched, not once healthy. */
  start(): Promise<void>;
  health(): Promise<Health>;
  stop(): Promise<void>;
}

/** Where a component keeps its files inside the stack's state directory. */
export function componentDir(name: string): string {
  return join(config.stateDir, name);
}

/**
 * The pid in `pidFile` if that process runs and is ours: its command line must mention
 * `marker` (a path of the component). After a reboot or crash a pid can belong to any other
 * process, which must never be taken for the engine, let alone be signalled.
 */
export function alivePid(pidFile: string, marker: string): number | undefined {
  const pid = readPid(pidFile);
  if (!isAlive(pid)) return undefined;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Fetch with a deadline: a health probe must answer quickly or count as unhealthy. */
export async function fetchJson<T>(url: string, timeoutMs = 2000): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return (await response.json()) as T;
}

export const describeError = (error: unknown): string => (error instanceof Error ? error.message : String(error));
