/**
 * Issue 16: what the whole stack costs when nobody uses it. Every hop that polls (Connect's
 * source tasks, each consumer's fetch loop, each worker's timers, the engines' own
 * housekeeping) pays a fixed cost whether or not anything happens, and at a quiet hour that
 * fixed cost is all the platform spends. The figure is read from /proc for every process of
 * the platform and its stack, after the platform has settled from whatever ran before.
 */
import { cpus } from 'node:os';
import { cpuRates } from '../cpu.ts';
import type { BenchPlatform } from '../platform.ts';
import type { BenchSection } from '../report.ts';

/** Settled: two consecutive windows of this length within SETTLED_CORES of each other. */
const SETTLE_WINDOW_MS = 5000;
const SETTLED_CORES = 0.03;
const SETTLE_MAX_MS = 90_000;
/** Long enough that once-a-minute housekeeping (Kafka's, Elasticsearch's) is in the figure. */
const MEASURE_MS = 60_000;
const TARGET_CORES = 0.1;

const total = (rates: Map<string, number>): number => [...rates.values()].reduce((sum, rate) => sum + rate, 0);

/** The idle stack's cores, and each part's share, largest first. */
export async function measureIdle(platform: BenchPlatform): Promise<{ cores: number; parts: [string, number][] }> {
  let previous = total(await cpuRates(platform, SETTLE_WINDOW_MS));
  for (let waited = SETTLE_WINDOW_MS; waited < SETTLE_MAX_MS; waited += SETTLE_WINDOW_MS) {
    const current = total(await cpuRates(platform, SETTLE_WINDOW_MS));
    if (Math.abs(current - previous) <= SETTLED_CORES) break;
    previous = current;
  }
  const rates = await cpuRates(platform, MEASURE_MS);
  // The bench's own process sleeps through the window; what it used is the reading, not the stack.
  rates.delete('load generator');
  return { cores: total(rates), parts: [...rates.entries()].sort((a, b) => b[1] - a[1]) };
}

export async function idleStack(platform: BenchPlatform): Promise<BenchSection> {
  const { cores, parts } = await measureIdle(platform);
  const rows = parts
    .filter(([, rate]) => rate >= 0.0005)
    .map(([part, rate]) => `| ${part} | ${(rate * 1000).toFixed(1)} | ${((rate / cores) * 100).toFixed(0)} % |`);
  const body = `
The platform with nothing to do: stack engines, every service and worker, seeded and
settled, no requests. CPU read from /proc over ${MEASURE_MS / 1000} s, after two 5 s windows agreed
within ${SETTLED_CORES} core.

| measure | figure | target |
| --- | --- | --- |
| CPU of the idle stack | ${cores.toFixed(3)} core (${((cores / cpus().length) * 100).toFixed(1)} % of this machine) | ≤ ${TARGET_CORES.toFixed(2)} core |

Where it goes:

| process | millicores | share |
| --- | --- | --- |
${rows.join('\n')}
`;
  return { id: 'idle-stack', title: 'Issue 16: CPU of the idle stack', body };
}
