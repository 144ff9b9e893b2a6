import { randomInt } from 'node:crypto';
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { eventually } from '@emporium/testing';
import { ROUTER_URL, contractOperation, freshEmail, run, type GraphQLResponse } from './client.ts';

/**
 * Failed-login throttling through the router (the contract's abuse limits): a guesser on one
 * account is slowed down, then refused with RATE_LIMITED and retryAfterSeconds, the right
 * password included; one address trying many accounts is slowed down too; other accounts and
 * other clients sign in as before. The guessers call from addresses of their own on the
 * loopback network, new each run (the counts outlive a run by their window), so neither an
 * earlier run nor the other tests' client (127.0.0.1) is charged.
 */
const PASSWORD = 'Correct-Horse-42';
const WRONG = 'Wrong-Horse-42';
/** identity's defaults: failures allowed without a wait, and the failure that locks an account out. */
const ACCOUNT_FREE_FAILURES = 5;
const ACCOUNT_LOCKOUT_AFTER = 10;
const CLIENT_FREE_FAILURES = 20;

/** A loopback address other than 127.0.0.1, new for each call. */
const newClient = (): string => `127.${randomInt(1, 255)}.${randomInt(256)}.${randomInt(1, 255)}`;

interface Login {
  login: { token: string | null; userErrors: { code: string }[] } | null;
}

/** A Login from `localAddress`: the router sees the socket's peer address as the client's. */
function loginFrom(localAddress: string, email: string, password: string): Promise<GraphQLResponse<Login>> {
  const body = JSON.stringify({ query: contractOperation('Login'), variables: { input: { email, password } } });
  return new Promise((resolve, reject) => {
    const req = request(
      ROUTER_URL,
      { method: 'POST', localAddress, headers: { 'content-type': 'application/json' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          try {
            const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Omit<GraphQLResponse<Login>, 'status'>;
            resolve({ status: res.statusCode ?? 0, ...parsed });
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** What a client sees: signed in, a user error's code, or identity's refusal (on the login field). */
function outcome(response: GraphQLResponse<Login>): {
  signedIn: boolean;
  code: string | undefined;
  retryAfter?: number;
} {
  const refusal = response.errors?.find((error) => error.path?.[0] === 'login');
  if (refusal) {
    const retryAfter = refusal.extensions?.['retryAfterSeconds'];
    return {
      signedIn: false,
      code: String(refusal.extensions?.['code']),
      ...(typeof retryAfter === 'number' ? { retryAfter } : {}),
    };
  }
  expect(response.errors).toBeUndefined();
  return { signedIn: Boolean(response.data?.login?.token), code: response.data?.login?.userErrors[0]?.code };
}

async function registered(): Promise<string> {
  const email = freshEmail('throttled');
  const response = await run('Register', { input: { email, password: PASSWORD, displayName: 'Throttle Tester' } });
  expect(response.errors).toBeUndefined();
  return email;
}

/** Retries a wrong password from `client` until the wait is over; returns what the counted attempt got. */
const nextCountedGuess = (client: string, email: string) =>
  eventually(
    async () => {
      const result = outcome(await loginFrom(client, email, WRONG));
      return result.code === 'RATE_LIMITED' ? undefined : result;
    },
    { timeoutMs: 70_000, intervalMs: 250, what: 'the backoff to end' },
  );

describe('failed-login throttling through the router', () => {
  it('slows a guesser on one account, then refuses it for a while, the right password included', async () => {
    const email = await registered();
    const guesser = newClient();
    for (let failure = 1; failure <= ACCOUNT_FREE_FAILURES + 1; failure += 1) {
      expect(outcome(await loginFrom(guesser, email, WRONG))).toEqual({ signedIn: false, code: 'INVALID_CREDENTIALS' });
    }
    // Slowed: the next attempt must wait, and is refused unchecked before then.
    const slowed = outcome(await loginFrom(guesser, email, WRONG));
    expect(slowed).toMatchObject({ signedIn: false, code: 'RATE_LIMITED' });
    expect(slowed.retryAfter).toBeGreaterThanOrEqual(1);
    // The right password is refused too, so a throttled guesser learns nothing from the answer.
    expect(outcome(await loginFrom(guesser, email, PASSWORD))).toMatchObject({ signedIn: false, code: 'RATE_LIMITED' });

    // Each further failure doubles the wait, until the account is locked out.
    for (let failure = ACCOUNT_FREE_FAILURES + 2; failure <= ACCOUNT_LOCKOUT_AFTER; failure += 1) {
      expect(await nextCountedGuess(guesser, email)).toEqual({ signedIn: false, code: 'INVALID_CREDENTIALS' });
    }
    for (const client of [guesser, '127.0.0.1']) {
      const locked = outcome(await loginFrom(client, email, PASSWORD));
      expect(locked).toMatchObject({ signedIn: false, code: 'RATE_LIMITED' });
      expect(locked.retryAfter).toBeGreaterThan(10 * 60);
    }
    // Nothing else changed: another account signs in from the guesser's own address.
    expect(outcome(await loginFrom(guesser, await registered(), PASSWORD))).toEqual({
      signedIn: true,
      code: undefined,
    });
  });

  it('slows one address trying many accounts, and no other client', async () => {
    const sprayer = newClient();
    for (let failure = 1; failure <= CLIENT_FREE_FAILURES + 1; failure += 1) {
      expect(outcome(await loginFrom(sprayer, freshEmail('nobody'), WRONG))).toEqual({
        signedIn: false,
        code: 'INVALID_CREDENTIALS',
      });
    }
    const email = await registered();
    const refused = outcome(await loginFrom(sprayer, email, PASSWORD));
    expect(refused).toMatchObject({ signedIn: false, code: 'RATE_LIMITED' });
    expect(refused.retryAfter).toBeGreaterThanOrEqual(1);
    // The same account from another client, through the same router, signs in.
    expect(outcome(await loginFrom('127.0.0.1', email, PASSWORD))).toEqual({ signedIn: true, code: undefined });
  });
});
