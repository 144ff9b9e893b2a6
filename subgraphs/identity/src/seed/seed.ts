/**
 * `node subgraphs/identity/src/seed/seed.ts [--products N]`: the demo admin and shopper
 * accounts, plus the reviewer accounts the product seed names as review authors for a
 * catalogue of N products. Idempotent: existing accounts (by id or email) are left alone,
 * with or without --force (accepted so that every seed takes the same flags).
 */
import type { EntityManager } from '@emporium/db';
import { runSeed } from '@emporium/runtime/seed';
import { DEMO_ACCOUNTS, reviewer, reviewerCount } from '@emporium/seed';
import { entities } from '../entities/index.ts';
import { migrations } from '../migrations/index.ts';
import { readPasswordParams } from '../config.ts';
import { hashPassword, passwordWeakness, type PasswordHashParams } from '../services/password.ts';

/** Reviewers per INSERT. */
const BATCH_SIZE = 1000;

/**
 * Stored for reviewers instead of a hash. verifyPassword rejects anything that is not a
 * well-formed Argon2id (or legacy scrypt) hash, so nobody can sign in as a reviewer.
 */
const LOCKED = 'locked';

const DAY_MS = 86_400_000;

const marks = (count: number): string => new Array<string>(count).fill('?').join(', ');
const placeholders = (rows: number, columns: number): string =>
  new Array<string>(rows).fill(`(${marks(columns)})`).join(', ');

/** The demo accounts that are missing, hashed only then: each hash costs tens of milliseconds. */
async function insertDemoAccounts(em: EntityManager, password: PasswordHashParams): Promise<number> {
  const taken = await em.execute<{ id: string; email: string }[]>(
    `SELECT id, email FROM users WHERE id IN (${marks(DEMO_ACCOUNTS.length)}) OR email IN (${marks(DEMO_ACCOUNTS.length)})`,
    [...DEMO_ACCOUNTS.map((account) => account.id), ...DEMO_ACCOUNTS.map((account) => account.email)],
  );
  const missing = DEMO_ACCOUNTS.filter(
    (account) => !taken.some((row) => row.id === account.id || row.email === account.email),
  );
  if (missing.length === 0) return 0;
  const values: unknown[] = [];
  for (const account of missing) {
    // Fails loudly if the registration rules ever tighten past the published demo passwords.
    const weakness = passwordWeakness(account.password, account);
    if (weakness) throw new Error(`demo password of ${account.email} is rejected: ${weakness}`);
    values.push(
      account.id,
      account.email,
      account.displayName,
      await hashPassword(account.password, password),
      `{${account.roles.join(',')}}`,
    );
  }
  const inserted = await em.execute<{ id: string }[]>(
    `INSERT INTO users (id, email, display_name, password_hash, roles) VALUES ${placeholders(missing.length, 5)}
     ON CONFLICT DO NOTHING RETURNING id`,
    values,
  );
  return inserted.length;
}

async function insertReviewers(em: EntityManager, count: number, now: number): Promise<number> {
  let inserted = 0;
  for (let start = 0; start < count; start += BATCH_SIZE) {
    const end = Math.min(count, start + BATCH_SIZE);
    const values: unknown[] = [];
    for (let k = start; k < end; k++) {
      const profile = reviewer(k);
      const joined = new Date(now - profile.joinedDaysAgo * DAY_MS).toISOString();
      values.push(profile.id, profile.email, profile.displayName, LOCKED, '{SHOPPER}', joined);
    }
    const rows = await em.execute<{ id: string }[]>(
      `INSERT INTO users (id, email, display_name, password_hash, roles, created_at)
       VALUES ${placeholders(end - start, 6)} ON CONFLICT DO NOTHING RETURNING id`,
      values,
    );
    inserted += rows.length;
  }
  return inserted;
}

await runSeed({
  service: 'identity',
  entities,
  migrations,
  // Same variables and defaults as the identity subgraph, so demo hashes cost what real ones do.
  settings: (env) => ({ password: readPasswordParams(env) }),
  write: async ({ orm, config, logger, elapsedSeconds }) => {
    // Demo accounts have published passwords; reviewers come with a demo catalogue only.
    const reviewers = config.demoData ? reviewerCount(config.products) : 0;
    const inserted = await orm.em.fork().transactional(async (em) => ({
      demoAccounts: config.demoData ? await insertDemoAccounts(em, config.password) : 0,
      reviewers: await insertReviewers(em, reviewers, Date.now()),
    }));
    const seconds = elapsedSeconds();
    logger.info(
      { ...inserted, reviewersWanted: reviewers, seconds },
      `added ${inserted.demoAccounts} demo accounts and ${inserted.reviewers} of ${reviewers} reviewers in ${seconds} s`,
    );
  },
});
