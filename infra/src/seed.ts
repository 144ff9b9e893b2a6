/**
 * Demo data for the local platform: accounts first, then the catalogue whose reviews they
 * wrote. Each seed is its own process, run with the project's Node, so it reads its own
 * configuration exactly as the service it belongs to does, and connects as that service's
 * role (so the tables it migrates belong to the service). In production (NODE_ENV) the
 * seeds only migrate: demo data needs SEED_DEMO_DATA=true (see @emporium/seed).
 */
import { spawn } from 'node:child_process';
import type { ServiceDatabase } from '@emporium/config';
import { serviceConnectionUrl } from './components/postgres.ts';
import { repoRoot } from './config.ts';

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
  for (const service of SEED_SERVICES) await runEntry(service, args);
}

function runEntry(service: ServiceDatabase, args: readonly string[]): Promise<void> {
  const entry = `subgraphs/${service}/src/seed/seed.ts`;
  return new Promise((resolve, reject) => {
    const env = { ...process.env, DATABASE_URL: serviceConnectionUrl(service) };
    const child = spawn(process.execPath, [entry, ...args], { cwd: repoRoot, env, stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${entry} failed (${signal ?? `exit code ${String(code)}`})`));
    });
  });
}
