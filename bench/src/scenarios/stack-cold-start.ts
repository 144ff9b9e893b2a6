import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { BenchSection } from '../report.ts';
import { median, percentile } from '../stats.ts';

const execFileAsync = promisify(execFile);

interface StatusRow {
  name: string;
  memoryBytes?: number;
}

export interface ColdStartOptions {
  repoRoot: string;
  /** Where the scratch stacks live; each run starts from an empty directory there. */
  scratchDir: string;
  runs: number;
}

const cli = (repoRoot: string, args: string[], env: NodeJS.ProcessEnv = process.env) =>
  execFileAsync(process.execPath, [join(repoRoot, 'infra', 'src', 'cli.ts'), ...args], { env, cwd: repoRoot });

/** `status` exits non-zero while anything is down; its rows are still what we want. */
async function statusRows(repoRoot: string, env?: NodeJS.ProcessEnv): Promise<StatusRow[]> {
  const output = await cli(repoRoot, ['status', '--json'], env).then(
    (result) => result.stdout,
    (error: unknown) => (error as { stdout?: string }).stdout ?? '[]',
  );
  return JSON.parse(output) as StatusRow[];
}

/**
 * Cold start of the whole stack with the engines already downloaded: an empty state
 * directory (so PostgreSQL runs initdb and Kafka formats its log) to every component
 * healthy. The developer's own stack is stopped for the run and started again after,
 * because both would want the same ports.
 */
export async function stackColdStart(options: ColdStartOptions): Promise<BenchSection> {
  const before = await statusRows(options.repoRoot);
  await cli(options.repoRoot, ['down']);

  const seconds: number[] = [];
  const memory: { total: number; parts: StatusRow[] }[] = [];
  try {
    for (let run = 0; run < options.runs; run += 1) {
      const home = join(options.scratchDir, `cold-start-${run}`);
      rmSync(home, { recursive: true, force: true });
      const env = { ...process.env, EMPORIUM_HOME: home };
      const started = performance.now();
      await cli(options.repoRoot, ['up'], env);
      seconds.push((performance.now() - started) / 1000);
      // Let the JVMs settle past start-up before reading resident memory.
      await new Promise((resolve) => setTimeout(resolve, 5000));
      const rows = await statusRows(options.repoRoot, env);
      memory.push({ total: rows.reduce((sum, row) => sum + (row.memoryBytes ?? 0), 0), parts: rows });
      await cli(options.repoRoot, ['down'], env);
      rmSync(home, { recursive: true, force: true });
    }
  } finally {
    if (before.some((row) => row.memoryBytes !== undefined)) await cli(options.repoRoot, ['up']);
  }

  const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(0);
  const last = memory.at(-1);
  const totals = memory.map((entry) => entry.total);
  return {
    id: 'stack-cold-start',
    title: 'Stack cold start and memory',
    body: `
Cold start: empty state directory to PostgreSQL, Kafka, Kafka Connect + Debezium and
Elasticsearch all healthy, engines already in the download cache (\`npm run infra -- up\`),
${options.runs} runs. Memory: resident set of every process of the stack, 5 s after healthy.

| metric | median | p99 (max of ${options.runs}) | target |
| --- | --- | --- | --- |
| cold start | ${median(seconds).toFixed(1)} s | ${percentile(seconds, 99).toFixed(1)} s | ≤ 90 s |
| stack resident memory | ${mib(median(totals))} MiB | ${mib(percentile(totals, 99))} MiB | ≤ 4096 MiB |

Last run by component: ${(last?.parts ?? []).map((row) => `${row.name} ${mib(row.memoryBytes ?? 0)} MiB`).join(', ')}.
`,
  };
}
