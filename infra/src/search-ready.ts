/**
 * Waits until search has caught up with the catalogue: the product index behind its alias
 * holds as many documents as the product database has rows. For the e2e setup and the
 * benchmarks, which must not search a catalogue the indexer is still loading.
 */
import pg from 'pg';
import { serviceDatabaseUrl } from '@emporium/config';
import { config } from './config.ts';
import { waitFor } from './process.ts';

/** Options of {@link waitForSearchIndex}. */
export interface SearchReadyOptions {
  alias?: string;
  timeoutMs?: number;
  /** Called after each check with the documents indexed and the products to index. */
  onProgress?: (indexed: number, rows: number) => void;
}

async function indexedCount(alias: string): Promise<number | undefined> {
  const response = await fetch(`${config.endpoints.elasticsearch.url}/${encodeURIComponent(alias)}/_count`, {
    signal: AbortSignal.timeout(5000),
  });
  if (!response.ok) return undefined;
  return ((await response.json()) as { count: number }).count;
}

async function catalogueCount(): Promise<number> {
  const client = new pg.Client({ connectionString: serviceDatabaseUrl(config.endpoints.postgres.url, 'product') });
  await client.connect();
  try {
    const { rows } = await client.query<{ count: string }>('SELECT count(*) FROM products');
    return Number(rows[0]?.count ?? 0);
  } finally {
    await client.end();
  }
}

/** Resolves once the index holds every product; throws with both counts after the timeout. */
export async function waitForSearchIndex(options: SearchReadyOptions = {}): Promise<void> {
  const alias = options.alias ?? 'products';
  const timeoutMs = options.timeoutMs ?? 180_000;
  let last = { indexed: -1, rows: -1 };
  const ready = await waitFor(
    async () => {
      last = { indexed: (await indexedCount(alias)) ?? -1, rows: await catalogueCount() };
      options.onProgress?.(Math.max(0, last.indexed), last.rows);
      return last.indexed === last.rows;
    },
    { timeoutMs, intervalMs: 500 },
  );
  if (!ready) {
    throw new Error(
      `search index ${alias} holds ${last.indexed} products after ${timeoutMs / 1000}s; the catalogue has ${last.rows}`,
    );
  }
}
