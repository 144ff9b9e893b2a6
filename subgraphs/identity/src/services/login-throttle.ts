import { createHash } from 'node:crypto';
import type { MikroORM } from '@emporium/db';

/** How failed sign-ins of one key (an account or a client) are slowed down and then refused. */
export interface ThrottlePolicy {
  /** Failures allowed without any wait. */
  freeFailures: number;
  /** The wait after the first failure past the free ones; it doubles with each further failure. */
  baseDelayMs: number;
  /** The longest backoff wait, until the lock-out. */
  maxDelayMs: number;
  /** At this many failures the key is refused for `lockoutMs`. */
  lockoutAfter: number;
  /**
   * How long a lock-out lasts. Bounded, and attempts refused meanwhile are not counted, so a
   * guesser cannot keep a victim's account locked beyond this after the guessing stops.
   */
  lockoutMs: number;
  /** Failures older than this (since the last one) are forgotten; at most `lockoutMs`, so a lock-out ends with a clean slate. */
  windowMs: number;
}

/** Per account: a human mistypes a few times; a guesser is slowed from the 6th failure and locked out at the 10th. */
export const ACCOUNT_POLICY: ThrottlePolicy = {
  freeFailures: 5,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
  lockoutAfter: 10,
  lockoutMs: 15 * 60_000,
  windowMs: 15 * 60_000,
};

/**
 * Per client address: looser than per account, because many people may share one address
 * (an office, a mobile carrier's NAT), yet it stops one address trying a password on many accounts.
 */
export const CLIENT_POLICY: ThrottlePolicy = {
  freeFailures: 20,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
  lockoutAfter: 50,
  lockoutMs: 15 * 60_000,
  windowMs: 15 * 60_000,
};

/** What one sign-in attempt is counted against. */
export interface LoginKeys {
  /** The normalised email, whether or not an account has it (so the two cannot be told apart). */
  email: string;
  /** The client's IP address, when the router sent one. */
  clientAddress?: string | undefined;
}

export type ThrottleDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Failed-login throttling. `attempt` runs before the password is checked and counts the
 * attempt as a failure in advance, so simultaneous guesses cannot all slip past one check;
 * `succeeded` takes that charge back. Behind this interface so the counters can move to
 * another store (Redis) without touching the sign-in path.
 */
export interface LoginThrottle {
  attempt(keys: LoginKeys): Promise<ThrottleDecision>;
  succeeded(keys: LoginKeys): Promise<void>;
  /** Deletes rows that no longer hold anything back; returns how many went. */
  prune(batchSize?: number): Promise<number>;
}

/**
 * The throttle key of an account. Hashed, so the table holds no email addresses (least of
 * all mistyped or guessed ones of people who have no account here).
 */
const accountKey = (email: string): string => `account:${createHash('sha256').update(email).digest('base64url')}`;
/** One key per client address; an IPv4 client seen over IPv6 (`::ffff:a.b.c.d`) is the same client. */
const clientKey = (address: string): string => `client:${address.toLowerCase().replace(/^::ffff:(?=\d+\.)/, '')}`;

const checkPolicy = (name: string, policy: ThrottlePolicy): void => {
  for (const [field, value] of Object.entries(policy)) {
    if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name}.${field} must be a whole number ≥ 0`);
  }
  if (policy.lockoutAfter <= policy.freeFailures) throw new Error(`${name}.lockoutAfter must exceed freeFailures`);
  if (policy.windowMs > policy.lockoutMs) throw new Error(`${name}.windowMs must be at most lockoutMs`);
};

/** The wait, in milliseconds, after `failures` failures: SQL over a column expression, numbers from a checked policy. */
const delaySql = (failures: string, p: ThrottlePolicy): string =>
  `(CASE WHEN ${failures} >= ${p.lockoutAfter} THEN ${p.lockoutMs}
         WHEN ${failures} > ${p.freeFailures} THEN LEAST(${p.baseDelayMs} * power(2, ${failures} - ${p.freeFailures} - 1), ${p.maxDelayMs})
         ELSE 0 END) * interval '1 millisecond'`;

/** Thrown inside the attempt's transaction to undo its charges when one key is waiting. */
class Refused extends Error {
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number) {
    super('throttled');
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * The throttle's counters in identity's PostgreSQL (`login_throttles`, one row per key), so
 * every identity replica sees the same counts. Each attempt is one conditional upsert per
 * key: counted only when the key is not waiting, and all keys' charges in one transaction,
 * undone when any key is waiting: refused attempts neither cost a password check nor
 * lengthen any wait.
 */
export class PostgresLoginThrottle implements LoginThrottle {
  readonly #orm: MikroORM;
  readonly #account: ThrottlePolicy;
  readonly #client: ThrottlePolicy;
  readonly #attemptSql: Map<ThrottlePolicy, string>;

  constructor(orm: MikroORM, policies: { account?: ThrottlePolicy; client?: ThrottlePolicy } = {}) {
    this.#orm = orm;
    this.#account = policies.account ?? ACCOUNT_POLICY;
    this.#client = policies.client ?? CLIENT_POLICY;
    checkPolicy('account', this.#account);
    checkPolicy('client', this.#client);
    this.#attemptSql = new Map([this.#account, this.#client].map((policy) => [policy, attemptSql(policy)]));
  }

  async attempt(keys: LoginKeys): Promise<ThrottleDecision> {
    // The client first, in every attempt, so two attempts always lock rows in the same order.
    const charges: [string, ThrottlePolicy][] = [
      ...(keys.clientAddress ? [[clientKey(keys.clientAddress), this.#client] as [string, ThrottlePolicy]] : []),
      [accountKey(keys.email), this.#account],
    ];
    try {
      await this.#orm.em.fork().transactional(async (tx) => {
        for (const [key, policy] of charges) {
          const counted = await tx.execute<{ failures: number }[]>(this.#attemptSql.get(policy) ?? '', [key]);
          if (counted.length > 0) continue;
          const [row] = await tx.execute<{ wait: string | number | null }[]>(
            'SELECT ceil(extract(epoch FROM blocked_until - clock_timestamp())) AS wait FROM login_throttles WHERE key = ?',
            [key],
          );
          // Rolls back the other key's charge: a refused attempt counts against nobody.
          throw new Refused(Math.max(1, Number(row?.wait ?? 1)));
        }
      });
      return { allowed: true };
    } catch (error) {
      if (error instanceof Refused) return { allowed: false, retryAfterSeconds: error.retryAfterSeconds };
      throw error;
    }
  }

  async succeeded(keys: LoginKeys): Promise<void> {
    const em = this.#orm.em.fork();
    // A success clears the account's count. The client's keeps its other failures (or a
    // guesser would reset it by signing in to an account of its own between guesses); only
    // this attempt's advance charge is taken back, and the wait it may have started.
    await em.execute('DELETE FROM login_throttles WHERE key = ?', [accountKey(keys.email)]);
    if (keys.clientAddress) {
      await em.execute(
        `UPDATE login_throttles
            SET failures = GREATEST(failures - 1, 0), blocked_until = LEAST(blocked_until, clock_timestamp())
          WHERE key = ? AND failures < ?`,
        [clientKey(keys.clientAddress), this.#client.lockoutAfter],
      );
    }
  }

  async prune(batchSize = 1000): Promise<number> {
    const window = Math.max(this.#account.windowMs, this.#client.windowMs);
    const rows = await this.#orm.em.fork().execute<{ key: string }[]>(
      `DELETE FROM login_throttles WHERE key IN (
         SELECT key FROM login_throttles
          WHERE blocked_until < now() AND last_failure_at < now() - ? * interval '1 millisecond'
          LIMIT ?)
       RETURNING key`,
      [window, batchSize],
    );
    return rows.length;
  }
}

/**
 * One statement per key: a new key starts at one failure; an existing one restarts at one
 * after a quiet `windowMs`, else counts up; the wait follows the new count. The WHERE makes
 * a waiting key's row untouched and the RETURNING empty: that is the refusal.
 */
function attemptSql(p: ThrottlePolicy): string {
  const counted = `CASE WHEN t.last_failure_at <= clock_timestamp() - ${p.windowMs} * interval '1 millisecond' THEN 1 ELSE t.failures + 1 END`;
  return `INSERT INTO login_throttles AS t (key, failures, last_failure_at, blocked_until)
          VALUES (?, 1, clock_timestamp(), clock_timestamp() + ${delaySql('1', p)})
          ON CONFLICT (key) DO UPDATE SET
            failures = ${counted},
            last_failure_at = clock_timestamp(),
            blocked_until = clock_timestamp() + ${delaySql(`(${counted})`, p)}
          WHERE t.blocked_until <= clock_timestamp()
          RETURNING t.failures`;
}
