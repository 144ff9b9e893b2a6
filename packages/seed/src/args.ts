import { parseArgs } from 'node:util';
import { DEFAULT_PRODUCTS, MAX_PRODUCTS } from './accounts.ts';

/** What every seed entry point accepts on its command line. */
export interface SeedArgs {
  products: number;
  /** Replace a catalogue that is already there instead of leaving it alone. */
  force: boolean;
}

/** Parses `--products N [--force]`; throws a message fit for the terminal on bad input. */
export function parseSeedArgs(args: readonly string[]): SeedArgs {
  const { values } = parseArgs({
    args: [...args],
    options: { products: { type: 'string' }, force: { type: 'boolean', default: false } },
    strict: true,
    allowPositionals: false,
  });
  const raw = values.products ?? String(DEFAULT_PRODUCTS);
  const products = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(products) || products < 1 || products > MAX_PRODUCTS) {
    throw new Error(`--products must be an integer from 1 to ${MAX_PRODUCTS}, got "${raw}"`);
  }
  return { products, force: values.force };
}
