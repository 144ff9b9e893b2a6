/**
 * Demo data for the local platform: accounts first, then the catalogue whose reviews they
 * wrote. Each seed is its own process, run with the project's Node, so it reads its own
 * configuration exactly as the service it belongs to does, and connects as that service's
 * role (so the tables it migrates belong to the service). In production (NODE_ENV) the
 * seeds only migrate: demo data needs SEED_DEMO_DATA=true (see @emporium/seed).
 */
import { spawn } from 'node:child_process';
import pg from 'pg';
import { serviceDatabaseUrl, type ServiceDatabase } from '@emporium/config';
import { serviceConnectionUrl } from './components/postgres.ts';
import { repoRoot } from './config.ts';
import { printLine, startProgress, watchProgress } from './progress.ts';

/**
 * In order: accounts, the catalogue, its stock, then the order and payment databases
 * (migrated only, so their outboxes exist before the CDC connectors are registered).
 */
const SEED_SERVICES: readonly ServiceDatabase[] = ['identity', 'product', 'cart', 'order', 'payment'];

/** Options of {@link seed}; `force` replaces a catalogue that is already there. */
export interface SeedOptions {
  products: number;
  force?: boolean;
}

/** Seeds every service's database in order; rejects when one of the seeds fails. */
export async function seed(options: SeedOptions): Promise<void> {
  const args = ['--products', String(options.products), ...(options.force ? ['--force'] : [])];
  for (const service of SEED_SERVICES) {
    await (service === 'product' ? withCatalogueProgress(runEntry(service, args)) : runEntry(service, args));
  }
}

/**
 * The product seed writes its whole catalogue in one transaction, so no other session can
 * count its rows before the commit; what does show is the tables' size on disk, growing as
 * the batches land. That is the measure reported: bytes written and the rate, not a percent.
 */
async function withCatalogueProgress(work: Promise<void>): Promise<void> {
  const progress = startProgress('seeding the catalogue (products and reviews, bytes written)', { unit: 'bytes' });
  const client = new pg.Client({ connectionString: serviceDatabaseUrl(serviceConnectionUrl('product'), 'product') });
  const connected = client.connect().then(
    () => true,
    () => false,
  );
  let baseline: number | undefined;
  let written = 0;
  try {
    await watchProgress(progress, work, async () => {
      if (!(await connected)) return undefined;
      const { rows } = await client.query<{ bytes: string | null }>(
        `SELECT pg_total_relation_size(to_regclass('products')) + pg_total_relation_size(to_regclass('reviews')) AS bytes`,
      );
      if (rows[0]?.bytes == null) return undefined;
      baseline ??= Number(rows[0].bytes);
      written = Number(rows[0].bytes) - baseline;
      return { done: written };
    });
    progress.finish(written > 0 ? undefined : 'nothing to write (a catalogue is there already)');
  } catch (error) {
    progress.fail(error instanceof Error ? error.message : String(error));
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function runEntry(service: ServiceDatabase, args: readonly string[]): Promise<void> {
  const entry = `subgraphs/${service}/src/seed/seed.ts`;
  return new Promise((resolve, reject) => {
    const env = { ...process.env, DATABASE_URL: serviceConnectionUrl(service) };
    // Its log lines go above a progress line, not into it.
    const child = spawn(process.execPath, [entry, ...args], {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let pending = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const lines = (pending + chunk.toString('utf8')).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) printLine(line);
    });
    child.stdout.once('end', () => {
      if (pending) printLine(pending);
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${entry} failed (${signal ?? `exit code ${String(code)}`})`));
    });
  });
}
