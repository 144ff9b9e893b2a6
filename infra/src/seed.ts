/**
 * Demo data for the local platform: accounts first, then the catalogue whose reviews they
 * wrote. Each seed is its own process, run with the project's Node, so it reads its own
 * configuration exactly as the service it belongs to does.
 */
import { spawn } from 'node:child_process';
import { repoRoot } from './config.ts';

/**
 * In order: accounts, the catalogue, its stock, then the order and payment databases
 * (migrated only, so their outboxes exist before the CDC connectors are registered).
 */
const SEED_ENTRIES = [
  'subgraphs/identity/src/seed/seed.ts',
  'subgraphs/product/src/seed/seed.ts',
  'subgraphs/cart/src/seed/seed.ts',
  'subgraphs/order/src/seed/seed.ts',
  'subgraphs/payment/src/seed/seed.ts',
] as const;

/** Options of {@link seed}; `force` replaces a catalogue that is already there. */
export interface SeedOptions {
  products: number;
  force?: boolean;
}

/** Seeds every service's database in order; rejects when one of the seeds fails. */
export async function seed(options: SeedOptions): Promise<void> {
  const args = ['--products', String(options.products), ...(options.force ? ['--force'] : [])];
  for (const entry of SEED_ENTRIES) await runEntry(entry, args);
}

function runEntry(entry: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [entry, ...args], { cwd: repoRoot, env: process.env, stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${entry} failed (${signal ?? `exit code ${String(code)}`})`));
    });
  });
}
