import { afterEach, describe, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { eventually } from '@emporium/testing';
import { ROUTER_URL, freshEmail, run, type GraphQLResponse } from './client.ts';
import { webSocketUrl } from './live.ts';

/**
 * Sessions through the router with the contract's documents: sign-in hands out a short-lived
 * access token and a single-use refresh token; RefreshSession rotates them; replaying a
 * spent refresh token ends the session; Logout ends it on the router within 5 seconds.
 */
const PASSWORD = 'Correct-Horse-42';
/** The contract: a logout is honoured on every router replica within this. */
const REVOCATION_DEADLINE_MS = 5000;

interface UserError {
  code: string;
  field: string[] | null;
  message: string;
}
interface Tokens {
  token: string | null;
  refreshToken: string | null;
  expiresAt: string | null;
  userErrors: UserError[];
}
interface SignedIn extends Tokens {
  user: { id: string; email: string; displayName: string } | null;
}

const codes = (response: GraphQLResponse<unknown>): unknown[] =>
  (response.errors ?? []).map((error) => error.extensions?.['code']);

const me = (token: string) => run<{ me: { id: string } | null }>('Me', {}, { token });
const refresh = async (refreshToken: string | null): Promise<Tokens> => {
  const response = await run<{ refreshSession: Tokens }>('RefreshSession', { input: { refreshToken } });
  expect(response.errors).toBeUndefined();
  if (!response.data) throw new Error(`RefreshSession answered no data: ${JSON.stringify(response)}`);
  return response.data.refreshSession;
};
const userErrorCodes = (tokens: Tokens): string[] => tokens.userErrors.map((error) => error.code);

async function registered(): Promise<SignedIn & { email: string }> {
  const email = freshEmail('session');
  const response = await run<{ register: SignedIn }>('Register', {
    input: { email, password: PASSWORD, displayName: 'Session Shopper' },
  });
  if (!response.data?.register.token) throw new Error(`cannot register: ${JSON.stringify(response)}`);
  return { ...response.data.register, email };
}

/** Polls Me with `token` until the router refuses it, for at most the contract's deadline. */
const refusedWithin = (token: string, deadlineMs = REVOCATION_DEADLINE_MS) =>
  eventually(
    async () => {
      const response = await me(token);
      return response.status === 401 && codes(response).join() === 'UNAUTHENTICATED' ? response : undefined;
    },
    { timeoutMs: deadlineMs, intervalMs: 100, what: 'the router to refuse the ended session’s token' },
  );

function expectFreshPair(tokens: Tokens, before: number): void {
  expect(tokens.userErrors).toEqual([]);
  expect(tokens.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  expect(tokens.refreshToken).toMatch(/^[\w-]{20,}$/);
  const expiresAt = Date.parse(tokens.expiresAt ?? '');
  expect(expiresAt).toBeGreaterThan(before);
  // Access tokens live at most 15 minutes.
  expect(expiresAt).toBeLessThanOrEqual(Date.now() + 15 * 60_000);
}

const sockets: Client[] = [];
afterEach(async () => {
  await Promise.all(sockets.splice(0).map((socket) => Promise.resolve(socket.dispose())));
});

describe('sessions through the router', () => {
  it('signs in with an access token, its expiry and a refresh token', async () => {
    const before = Date.now();
    const account = await registered();
    expectFreshPair(account, before);

    const login = await run<{ login: SignedIn }>('Login', { input: { email: account.email, password: PASSWORD } });
    expect(login.errors).toBeUndefined();
    expectFreshPair(login.data?.login ?? { token: null, refreshToken: null, expiresAt: null, userErrors: [] }, before);
    expect(login.data?.login.user).toMatchObject({ id: account.user?.id, email: account.email });
    expect(login.data?.login.refreshToken).not.toBe(account.refreshToken);

    const answer = await me(login.data?.login.token ?? '');
    expect(answer.data?.me?.id).toBe(account.user?.id);
  });

  it('rotates the refresh token: the new pair works, the old refresh token does not', async () => {
    const before = Date.now();
    const account = await registered();
    const rotated = await refresh(account.refreshToken);
    expectFreshPair(rotated, before);
    expect(rotated.refreshToken).not.toBe(account.refreshToken);
    expect(rotated.token).not.toBe(account.token);
    expect((await me(rotated.token ?? '')).data?.me?.id).toBe(account.user?.id);

    const again = await refresh(rotated.refreshToken);
    expectFreshPair(again, before);
  });

  it('ends the whole session when a spent refresh token is presented again', async () => {
    const account = await registered();
    const rotated = await refresh(account.refreshToken);
    expect(rotated.userErrors).toEqual([]);

    const replay = await refresh(account.refreshToken);
    expect(replay).toMatchObject({ token: null, refreshToken: null, expiresAt: null });
    expect(userErrorCodes(replay)).toEqual(['SESSION_EXPIRED']);
    // The newer refresh token dies with the session, and so do its access tokens.
    expect(userErrorCodes(await refresh(rotated.refreshToken))).toEqual(['SESSION_EXPIRED']);
    await refusedWithin(rotated.token ?? '');
  });

  it('answers a refresh token nobody issued with SESSION_EXPIRED', async () => {
    expect(userErrorCodes(await refresh('A'.repeat(43)))).toEqual(['SESSION_EXPIRED']);
    expect(userErrorCodes(await refresh('not a token'))).toEqual(['SESSION_EXPIRED']);
  });

  it('logs out: within 5 s the access token is refused, and the refresh token too; other sessions go on', async () => {
    const account = await registered();
    const other = await run<{ login: SignedIn }>('Login', { input: { email: account.email, password: PASSWORD } });
    const token = account.token ?? '';
    expect((await me(token)).data?.me?.id).toBe(account.user?.id);

    const logout = await run<{ logout: { ok: boolean } }>('Logout', {}, { token });
    expect(logout.errors).toBeUndefined();
    expect(logout.data?.logout).toEqual({ ok: true });

    const refused = await refusedWithin(token);
    expect(refused.data?.me ?? null).toBeNull();
    expect(userErrorCodes(await refresh(account.refreshToken))).toEqual(['SESSION_EXPIRED']);
    // Logout ends the caller's session, not every session of the user.
    expect((await me(other.data?.login.token ?? '')).data?.me?.id).toBe(account.user?.id);
  });

  it('closes a live WebSocket opened with a token of a session that logs out (4401)', async () => {
    const account = await registered();
    const token = account.token ?? '';
    let connected: () => void = () => undefined;
    const opened = new Promise<void>((resolve) => {
      connected = resolve;
    });
    let closedWith: number | undefined;
    const socket = createClient({
      url: webSocketUrl(ROUTER_URL),
      webSocketImpl: WebSocket,
      lazy: false,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${token}` },
      // The close is what this test waits for, not an error to print.
      onNonLazyError: () => undefined,
      on: {
        connected: () => {
          connected();
        },
        closed: (event) => {
          closedWith = (event as { code?: number }).code;
        },
      },
    });
    sockets.push(socket);
    await opened;

    await run('Logout', {}, { token });
    await eventually(async () => closedWith, {
      timeoutMs: REVOCATION_DEADLINE_MS,
      intervalMs: 50,
      what: 'the socket to close',
    });
    expect(closedWith).toBe(4401);
  });

  it('refuses Logout without a token', async () => {
    const response = await run('Logout');
    expect(codes(response)).toEqual(['UNAUTHENTICATED']);
  });
});
