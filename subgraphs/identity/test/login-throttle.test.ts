import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execute, parse } from 'graphql';
import { eventually } from '@emporium/testing';
import { buildSchema } from '../src/schema.ts';
import type { ThrottlePolicy } from '../src/services/login-throttle.ts';
import { startIdentity, type IdentityHarness } from './support.ts';

const schema = buildSchema();
const PASSWORD = 'Correct-Horse-42';
const WRONG = 'Wrong-Horse-42';

const REGISTER = parse(`mutation ($input: RegisterInput!) {
  register(input: $input) { token user { id } userErrors { code } }
}`);
const LOGIN = parse(`mutation ($input: LoginInput!) {
  login(input: $input) { token userErrors { code } }
}`);

/** What a client sees of one sign-in: a token, a user error's code, or the GraphQL error's code. */
interface Outcome {
  signedIn: boolean;
  code: string | null;
  retryAfterSeconds?: number;
}

/** Slowed from the 3rd failure (1 s), locked out for a minute at the 4th. */
const ACCOUNT: ThrottlePolicy = {
  freeFailures: 2,
  baseDelayMs: 1000,
  maxDelayMs: 1000,
  lockoutAfter: 4,
  lockoutMs: 60_000,
  windowMs: 60_000,
};
/** Per client: slowed from the 4th failure, locked out at the 6th. */
const CLIENT: ThrottlePolicy = { ...ACCOUNT, freeFailures: 4, lockoutAfter: 6 };

/** A client address no other test uses, so each test starts with a clean per-client count. */
const newClient = (): string => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
const newEmail = (): string => `${randomUUID()}@example.com`;

async function login(identity: IdentityHarness, email: string, password: string, client: string): Promise<Outcome> {
  const result = await execute({
    schema,
    document: LOGIN,
    variableValues: { input: { email, password } },
    contextValue: identity.context(null, client),
  });
  const error = result.errors?.[0];
  if (error) {
    const { code, retryAfterSeconds } = error.extensions as { code: string; retryAfterSeconds?: number };
    return { signedIn: false, code, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) };
  }
  const payload = (result.data as { login: { token: string | null; userErrors: { code: string }[] } }).login;
  return { signedIn: payload.token !== null, code: payload.userErrors[0]?.code ?? null };
}

async function register(identity: IdentityHarness): Promise<string> {
  const email = newEmail();
  const result = await execute({
    schema,
    document: REGISTER,
    variableValues: { input: { email, password: PASSWORD, displayName: 'Throttle Tester' } },
    contextValue: identity.context(),
  });
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return email;
}

/** Retries a wrong password until the wait is over; the attempt that gets through is a failure too. */
const waitOutBackoff = (identity: IdentityHarness, email: string, client: string): Promise<Outcome> =>
  eventually(
    async () => {
      const outcome = await login(identity, email, WRONG, client);
      return outcome.code === 'RATE_LIMITED' ? undefined : outcome;
    },
    { timeoutMs: 5000, intervalMs: 100, what: 'the backoff to end' },
  );

const sessionsOf = async (identity: IdentityHarness, email: string): Promise<number> => {
  const [row] = await identity.orm.em
    .fork()
    .execute<{ count: string }[]>(
      'SELECT count(*) AS count FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = ?',
      [email],
    );
  return Number(row?.count ?? 0);
};

describe('failed-login throttling', () => {
  let identity: IdentityHarness;
  beforeAll(async () => {
    identity = await startIdentity({ throttle: { account: ACCOUNT, client: CLIENT } });
  });
  afterAll(async () => {
    await identity.close();
  });

  it('slows a guesser on one account, then refuses it, the right password included', async () => {
    const email = await register(identity);
    const guesser = newClient();
    const first = [];
    for (let attempt = 0; attempt < 3; attempt += 1) first.push(await login(identity, email, WRONG, guesser));
    expect(first.map((outcome) => outcome.code)).toEqual([
      'INVALID_CREDENTIALS',
      'INVALID_CREDENTIALS',
      'INVALID_CREDENTIALS',
    ]);

    // The third failure started a wait: anything before it ends is refused unchecked.
    expect(await login(identity, email, WRONG, guesser)).toEqual({
      signedIn: false,
      code: 'RATE_LIMITED',
      retryAfterSeconds: 1,
    });
    expect(await login(identity, email, PASSWORD, guesser)).toMatchObject({ signedIn: false, code: 'RATE_LIMITED' });

    // The fourth failure locks the account out, from any client, for the lock-out period.
    expect(await waitOutBackoff(identity, email, guesser)).toEqual({ signedIn: false, code: 'INVALID_CREDENTIALS' });
    for (const client of [guesser, newClient()]) {
      const refused = await login(identity, email, PASSWORD, client);
      expect(refused).toMatchObject({ signedIn: false, code: 'RATE_LIMITED' });
      expect(refused.retryAfterSeconds).toBeGreaterThan(50);
      expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
    }
    // Nothing else changed: no session was opened, and another account signs in from the guesser's address.
    expect(await sessionsOf(identity, email)).toBe(1);
    expect(await login(identity, await register(identity), PASSWORD, guesser)).toEqual({ signedIn: true, code: null });
  });

  it('treats unknown and known emails alike', async () => {
    const sequence = async (email: string): Promise<(string | null)[]> => {
      const client = newClient();
      const codes = [];
      for (let attempt = 0; attempt < 4; attempt += 1) codes.push((await login(identity, email, WRONG, client)).code);
      return codes;
    };
    const known = await sequence(await register(identity));
    expect(known).toEqual(['INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'RATE_LIMITED']);
    expect(await sequence(newEmail())).toEqual(known);
  });

  it('forgets an account’s failures when its owner signs in', async () => {
    const email = await register(identity);
    const client = newClient();
    await login(identity, email, WRONG, client);
    await login(identity, email, WRONG, client);
    expect(await login(identity, email, PASSWORD, client)).toEqual({ signedIn: true, code: null });
    const codes = [];
    for (let attempt = 0; attempt < 4; attempt += 1) codes.push((await login(identity, email, WRONG, client)).code);
    // Two more free failures, a third that starts the wait, then the refusal.
    expect(codes).toEqual(['INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'RATE_LIMITED']);
  });

  it('slows and refuses one client trying many accounts, and no other client', async () => {
    const sprayer = newClient();
    const codes = [];
    for (let attempt = 0; attempt < 5; attempt += 1)
      codes.push((await login(identity, newEmail(), WRONG, sprayer)).code);
    expect(codes).toEqual(Array<string>(5).fill('INVALID_CREDENTIALS'));
    const victim = await register(identity);
    // A fresh account, refused because of where the attempt comes from.
    expect(await login(identity, victim, PASSWORD, sprayer)).toMatchObject({ signedIn: false, code: 'RATE_LIMITED' });
    expect(await login(identity, victim, PASSWORD, newClient())).toEqual({ signedIn: true, code: null });
  });

  it('counts simultaneous guesses one by one', async () => {
    const email = await register(identity);
    const client = newClient();
    const outcomes = await Promise.all(Array.from({ length: 12 }, () => login(identity, email, WRONG, client)));
    // Two free failures and the third that starts the wait: every other guess is refused unchecked.
    expect(outcomes.filter((outcome) => outcome.code === 'INVALID_CREDENTIALS')).toHaveLength(3);
    expect(outcomes.filter((outcome) => outcome.code === 'RATE_LIMITED')).toHaveLength(9);
  });
});

describe('a lock-out', () => {
  let identity: IdentityHarness;
  /** Locked out at the 2nd failure, for 2 s. */
  const SHORT: ThrottlePolicy = {
    freeFailures: 1,
    baseDelayMs: 0,
    maxDelayMs: 0,
    lockoutAfter: 2,
    lockoutMs: 2000,
    windowMs: 2000,
  };
  beforeAll(async () => {
    identity = await startIdentity({ throttle: { account: SHORT } });
  });
  afterAll(async () => {
    await identity.close();
  });

  it('ends on time however much the guesser keeps trying, and the owner then signs in', async () => {
    const email = await register(identity);
    const guesser = newClient();
    await login(identity, email, WRONG, guesser);
    await login(identity, email, WRONG, guesser);
    const lockedAt = Date.now();
    // Refused attempts are not counted, so hammering does not lengthen the lock-out.
    const refusals = await Promise.all(Array.from({ length: 10 }, () => login(identity, email, WRONG, guesser)));
    expect(new Set(refusals.map((outcome) => outcome.code))).toEqual(new Set(['RATE_LIMITED']));
    const owner = await eventually(
      async () => {
        const outcome = await login(identity, email, PASSWORD, newClient());
        return outcome.code === 'RATE_LIMITED' ? undefined : outcome;
      },
      { timeoutMs: 6000, intervalMs: 100, what: 'the lock-out to end' },
    );
    expect(owner).toEqual({ signedIn: true, code: null });
    expect(Date.now() - lockedAt).toBeLessThan(4000);
  });
});
