/**
 * Deterministic demo data shared by the seed scripts: a seeded PRNG, name-based UUIDs and
 * the accounts every seed agrees on. Pure logic; the seeds do the writing.
 */
export { parseSeedArgs } from './args.ts';
export { demoDataWanted } from './demo.ts';
export type { SeedArgs } from './args.ts';
export {
  DEFAULT_PRODUCTS,
  DEMO_ACCOUNTS,
  DEMO_ADMIN,
  DEMO_SHOPPER,
  MAX_PRODUCTS,
  MAX_REVIEWS_PER_PRODUCT,
  REVIEWER_NAMESPACE,
  reviewer,
  reviewerCount,
} from './accounts.ts';
export type { DemoAccount, Reviewer } from './accounts.ts';
export { Random, createRandom, mixSeed } from './random.ts';
export type { Weighted } from './random.ts';
export { UUID_PATTERN, seedUuid } from './uuid.ts';
