/**
 * The demo stock levels: deterministic per product, so every machine seeds the same numbers.
 * Product ids are derived exactly as the product seed derives them (`seedUuid` of the
 * catalogue's namespace), so the two seeds agree without sharing code or state.
 */
import { createRandom, seedUuid } from '@emporium/seed';

/** The product seed's fixed catalogue seed: its products are `seedUuid('product:2026', i)`. */
export const CATALOGUE_SEED = 2026;

/** Mixed into the PRNG so stock levels are independent of anything else generated per product. */
const STOCK_STREAM = 0x5707c;

/** One product's seeded stock. */
export interface SeedStock {
  productId: string;
  onHand: number;
}

/** The i-th product's stock: about 8% sold out, the rest 1 to 500, skewed towards few units. */
export function seedStock(index: number): SeedStock {
  const random = createRandom(CATALOGUE_SEED, STOCK_STREAM, index);
  const onHand = random.chance(0.08) ? 0 : 1 + Math.floor(500 * random.next() ** 2.2);
  return { productId: seedUuid(`product:${CATALOGUE_SEED}`, index), onHand };
}

/** Stock of products `[0, count)` in slices of `size`, so a large catalogue never sits in memory at once. */
export function* stockBatches(count: number, size: number): Generator<SeedStock[]> {
  for (let start = 0; start < count; start += size) {
    const batch: SeedStock[] = [];
    for (let index = start; index < Math.min(count, start + size); index += 1) batch.push(seedStock(index));
    yield batch;
  }
}
