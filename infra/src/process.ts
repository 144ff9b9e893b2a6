import { spawn, execFile } from 'node:child_process';
import {
  closeSync,
  existsSync,
  fstatSync,
  openSync,
  readFileSync,
  readSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { promisify } from 'node:util';
import { config } from './config.ts';

const execFileAsync = promisify(execFile);

/**
 * Wraps a command so that it runs as the stack's service user when we are root. setpriv
 * execs in place (no intermediate process), so a recorded pid is the command's own.
 */
export function asServiceUser(command: string, args: readonly string[]): [string, string[]] {
  const user = config.serviceUser;
  if (!user) return [command, [...args]];
  return ['setpriv', [`--reuid=${user}`, `--regid=${user}`, '--init-groups', '--', command, ...args]];
}

/** Creates the service user when it is missing and hands it the given directories. */
export async function ensureServiceUser(dirs: readonly string[]): Promise<void> {
  const user = config.serviceUser;
  if (!user) return;
  const exists = await run('id', ['-u', user]).then(
    () => true,
    () => false,
  );
  if (!exists) {
    await run('useradd', [
      '--system',
      '--user-group',
      '--no-create-home',
      '--home-dir',
      '/nonexistent',
      '--shell',
      '/usr/sbin/nologin',
      user,
    ]);
  }
  if (dirs.length > 0) await run('chown', ['-R', `${user}:${user}`, ...dirs]);
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  asServiceUser?: boolean;
}

/** Runs a command to completion; the error carries its output, for a useful report. */
export async function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<string> {
  const [cmd, argv] = options.asServiceUser ? asServiceUser(command, args) : [command, [...args]];
  try {
    const { stdout } = await execFileAsync(cmd, argv, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `${cmd} ${argv.join(' ')} failed: ${failure.message}\n${failure.stderr ?? ''}${failure.stdout ?? ''}`,
      {
        cause: error,
      },
    );
  }
}

/**
 * Starts a long-running process detached from this one, its output appended to `logFile`,
 * and records its pid, so that `infra down` from another shell can stop it.
 */
export function spawnDetached(
  command: string,
  args: readonly string[],
  options: { logFile: string; pidFile: string; env?: NodeJS.ProcessEnv; cwd?: string; asServiceUser?: boolean },
): number {
  const [cmd, argv] = options.asServiceUser ? asServiceUser(command, args) : [command, [...args]];
  const out = openSync(options.logFile, 'a');
  try {
    const child = spawn(cmd, argv, {
      detached: true,
      stdio: ['ignore', out, out],
      env: options.env ?? process.env,
      cwd: options.cwd,
    });
    if (child.pid === undefined) throw new Error(`could not start ${cmd}`);
    child.unref();
    writeFileSync(options.pidFile, `${child.pid}\n`);
    return child.pid;
  } finally {
    closeSync(out);
  }
}

export function readPid(pidFile: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]?.trim());
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

export function isAlive(pid: number | undefined): pid is number {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM means it exists but belongs to another user (the service user), so it is alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/** Sends SIGTERM, waits for a clean exit, and only then resorts to SIGKILL. */
export async function stopPid(pid: number, graceMs = 30_000): Promise<void> {
  const signal = (sig: NodeJS.Signals): void => {
    try {
      process.kill(pid, sig);
    } catch {
      // Already gone.
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(200);
  if (isAlive(pid)) {
    signal('SIGKILL');
    while (isAlive(pid)) await sleep(100);
  }
}

export function removeFile(path: string): void {
  rmSync(path, { force: true });
}

/** The last lines of a log, for reporting why a component died or never became healthy. */
export function tail(file: string, lines = 25): string {
  if (!existsSync(file)) return `(no log at ${file})`;
  // Only the end: logs grow without bound, and a diagnosis must not fail on a large one.
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    return buffer.toString('utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } finally {
    closeSync(fd);
  }
}

const TAIL_BYTES = 64 * 1024;

/** Polls `check` until it returns true or the time runs out. */
export async function waitFor(
  check: () => Promise<boolean>,
  { timeoutMs, intervalMs = 500, stopEarly }: { timeoutMs: number; intervalMs?: number; stopEarly?: () => boolean },
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return true;
    if (stopEarly?.()) return false;
    await sleep(intervalMs);
  }
  return false;
}

/**
 * Resident memory of a process and all its descendants (PostgreSQL's backends,
 * Elasticsearch's launcher and server), in bytes, read from /proc.
 */
export function treeRssBytes(root: number): number {
  const children = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isSafeInteger(pid)) continue;
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const ppid = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1] ?? 0);
      rss.set(pid, Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024);
      children.set(ppid, [...(children.get(ppid) ?? []), pid]);
    } catch {
      // The process ended while we were reading.
    }
  }
  let total = 0;
  const pending = [root];
  for (let pid = pending.pop(); pid !== undefined; pid = pending.pop()) {
    total += rss.get(pid) ?? 0;
    pending.push(...(children.get(pid) ?? []));
  }
  return total;
}
