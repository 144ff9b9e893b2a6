/**
 * Progress of the long steps of a first run (downloads, unpacking, seeding, the index
 * build): what is done, the percent, the rate and the time left. On a terminal each task
 * is one line redrawn in place; elsewhere (CI, a log file) a plain line every few seconds,
 * so a log neither floods nor goes quiet for minutes.
 *
 * The terminal redraw is node:readline's cursor moves: the bar libraries (listr2,
 * log-update) only redraw, and the numbers a newcomer needs (rate, time left from a
 * sliding window) are ours to compute either way; without a TTY they print nothing useful.
 */
import { clearLine, cursorTo } from 'node:readline';

export type ProgressUnit = 'bytes' | 'items';

/** What a task has done so far, as {@link formatProgress} prints it. */
export interface ProgressState {
  label: string;
  unit: ProgressUnit;
  done: number;
  total: number | undefined;
  /** Units per second, or undefined before there is a measure. */
  rate: number | undefined;
  elapsedMs: number;
  detail?: string;
}

const BYTE_UNITS = ['B', 'kB', 'MB', 'GB', 'TB'] as const;

export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < BYTE_UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 || value >= 100 ? 0 : 1)} ${BYTE_UNITS[unit]}`;
}

export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

const amount = (value: number, unit: ProgressUnit): string =>
  unit === 'bytes' ? formatBytes(value) : Math.round(value).toLocaleString('en-US');

/** One line: `label: 12.0 MB / 600 MB  2%  4.1 MB/s  2m23s left (detail)`. */
export function formatProgress(state: ProgressState): string {
  const { unit, done, total, rate } = state;
  const parts = [
    `${state.label}:`,
    total === undefined ? amount(done, unit) : `${amount(done, unit)} / ${amount(total, unit)}`,
  ];
  if (total !== undefined && total > 0) parts.push(`${Math.min(100, Math.floor((done / total) * 100))}%`);
  if (rate !== undefined && rate > 0) {
    parts.push(unit === 'bytes' ? `${formatBytes(rate)}/s` : `${amount(rate, unit)}/s`);
    if (total !== undefined && total > done) parts.push(`${formatDuration(((total - done) / rate) * 1000)} left`);
  }
  if (total === undefined || rate === undefined) parts.push(`${formatDuration(state.elapsedMs)} so far`);
  if (state.detail) parts.push(`(${state.detail})`);
  return parts.join('  ');
}

/** Samples older than this no longer count towards the rate, so it follows the present. */
const RATE_WINDOW_MS = 10_000;

/** Options of {@link startProgress}. */
export interface ProgressOptions {
  unit: ProgressUnit;
  total?: number;
  stream?: NodeJS.WriteStream;
  /** Without a TTY, one line per this many milliseconds (and at the end). */
  plainIntervalMs?: number;
  now?: () => number;
}

/** A running task's reporter; `finish` or `fail` ends its line. */
export interface Progress {
  update(done: number, options?: { total?: number; detail?: string }): void;
  finish(summary?: string): void;
  fail(reason: string): void;
}

/**
 * On a terminal, the tasks running at once (Kafka's and Elasticsearch's downloads run in
 * parallel) share the bottom line, redrawn in place; finished tasks and ordinary log lines
 * go above it through {@link printLine}, which clears it first so nothing is written into it.
 */
const live = new Map<NodeJS.WriteStream, Set<{ line: () => string }>>();

function redraw(stream: NodeJS.WriteStream): void {
  cursorTo(stream, 0);
  clearLine(stream, 0);
  const tasks = [...(live.get(stream) ?? [])];
  if (tasks.length > 0) {
    stream.write(
      tasks
        .map((task) => task.line())
        .join(' | ')
        .slice(0, Math.max(20, (stream.columns || 120) - 1)),
    );
  }
}

/** Prints a line of its own; on a terminal, above the tasks' progress line. */
export function printLine(line: string, stream: NodeJS.WriteStream = process.stdout): void {
  if (!stream.isTTY || (live.get(stream)?.size ?? 0) === 0) {
    stream.write(`${line}\n`);
    return;
  }
  cursorTo(stream, 0);
  clearLine(stream, 0);
  stream.write(`${line}\n`);
  redraw(stream);
}

export function startProgress(label: string, options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stdout;
  const tty = stream.isTTY;
  const now = options.now ?? Date.now;
  const plainIntervalMs = options.plainIntervalMs ?? 5000;
  const started = now();
  const samples: { at: number; done: number }[] = [{ at: started, done: 0 }];
  let state: ProgressState = {
    label,
    unit: options.unit,
    done: 0,
    total: options.total,
    rate: undefined,
    elapsedMs: 0,
  };
  let lastDrawn = started;
  let ended = false;
  const task = { line: () => formatProgress(state) };
  if (tty) {
    const tasks = live.get(stream) ?? new Set();
    tasks.add(task);
    live.set(stream, tasks);
    redraw(stream);
  }

  const end = (line: string): void => {
    ended = true;
    live.get(stream)?.delete(task);
    if (tty) redraw(stream);
    printLine(tty ? line : `  ${line}`, stream);
  };
  return {
    update(done, extra = {}) {
      if (ended) return;
      const at = now();
      samples.push({ at, done });
      while (samples.length > 2 && (samples[0]?.at ?? at) < at - RATE_WINDOW_MS) samples.shift();
      const first = samples[0] ?? { at, done };
      const span = at - first.at;
      state = {
        ...state,
        done,
        total: extra.total ?? state.total,
        detail: extra.detail ?? state.detail,
        elapsedMs: at - started,
        rate: span >= 500 ? ((done - first.done) / span) * 1000 : state.rate,
      };
      if (at - lastDrawn < (tty ? 100 : plainIntervalMs)) return;
      lastDrawn = at;
      if (tty) redraw(stream);
      else stream.write(`  ${formatProgress(state)}\n`);
    },
    finish(summary) {
      if (!ended) end(`${label}: ${summary ?? amount(state.done, state.unit)} in ${formatDuration(now() - started)}`);
    },
    fail(reason) {
      if (!ended) end(`${label}: failed after ${formatDuration(now() - started)}: ${reason}`);
    },
  };
}

/**
 * Calls `measure` every `intervalMs` and reports what it returns until `work` settles;
 * for work whose progress can only be observed from outside (a child process, a server).
 */
export async function watchProgress<T>(
  progress: Progress,
  work: Promise<T>,
  measure: () => Promise<{ done: number; total?: number; detail?: string } | undefined>,
  intervalMs = 500,
): Promise<T> {
  // An object, so that the loop re-reads it after each await.
  const run = { settled: false };
  const poll = async (): Promise<void> => {
    while (!run.settled) {
      const sample = await measure().catch(() => undefined);
      if (sample) progress.update(sample.done, sample);
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  };
  const polling = poll();
  try {
    return await work;
  } finally {
    run.settled = true;
    await polling;
  }
}
