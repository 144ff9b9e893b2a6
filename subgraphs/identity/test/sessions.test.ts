import { randomBytes, randomUUID, scrypt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execute, parse } from 'graphql';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { USER_TOKEN_ALGORITHM, USER_TOKEN_AUDIENCE, USER_TOKEN_ISSUER, type Caller } from '@emporium/auth';
import { buildSchema } from '../src/schema.ts';
import { KeyDecryptionError, KeyEncryption } from '../src/services/key-encryption.ts';
import { OWASP_ARGON2ID, hashPassword } from '../src/services/password.ts';
import { REVOCATION_GRACE_SECONDS } from '../src/services/session.service.ts';
import {
  KEY_ACTIVATION_DELAY_MS,
  RETIRED_KEY_GRACE_MS,
  SigningKeyService,
} from '../src/services/signing-key.service.ts';
import { CHEAP_PASSWORDS, SETTINGS, newKeyService, startIdentity, type IdentityHarness } from './support.ts';

const schema = buildSchema();
const PASSWORD = 'Correct-Horse-42';

const REGISTER = parse(`mutation ($input: RegisterInput!) {
  register(input: $input) { token refreshToken expiresAt user { id } userErrors { code } }
}`);
const LOGIN = parse(`mutation ($input: LoginInput!) {
  login(input: $input) { token refreshToken expiresAt user { id } userErrors { code } }
}`);
const REFRESH = parse(`mutation ($input: RefreshSessionInput!) {
  refreshSession(input: $input) { token refreshToken expiresAt userErrors { code field } }
}`);
const LOGOUT = parse('mutation { logout { ok } }');

interface Pair {
  token: string | null;
  refreshToken: string | null;
  expiresAt: string | null;
  userErrors: { code: string }[];
}

interface Answer<T> {
  data: T | null;
  errors: readonly { message: string; extensions: Record<string, unknown> }[];
}

/** Runs a document against the subgraph schema as the router would, for `caller`. */
async function run<T = Record<string, unknown>>(
  identity: IdentityHarness,
  document: ReturnType<typeof parse>,
  variables: Record<string, unknown> = {},
  caller: Caller | null = null,
): Promise<Answer<T>> {
  const result = await execute({ schema, document, variableValues: variables, contextValue: identity.context(caller) });
  return { data: (result.data as T | null | undefined) ?? null, errors: result.errors ?? [] };
}

async function register(identity: IdentityHarness): Promise<Pair & { user: { id: string }; email: string }> {
  const email = `${randomUUID()}@example.com`;
  const result = await run<{ register: Pair & { user: { id: string } } }>(identity, REGISTER, {
    input: { email, password: PASSWORD, displayName: 'Session Tester' },
  });
  if (!result.data?.register.token) throw new Error(`register failed: ${JSON.stringify(result)}`);
  return { ...result.data.register, email };
}

const refresh = async (identity: IdentityHarness, refreshToken: string | null): Promise<Pair> =>
  (await run<{ refreshSession: Pair }>(identity, REFRESH, { input: { refreshToken } })).data?.refreshSession ?? {
    token: null,
    refreshToken: null,
    expiresAt: null,
    userErrors: [{ code: 'NO_DATA' }],
  };

/** The caller the router would assert for an access token: its subject, roles and session. */
function callerOf(token: string | null): Caller {
  const claims = decodeJwt(token ?? '');
  return { userId: claims.sub ?? '', roles: ['SHOPPER'], sessionId: String(claims['sid']) };
}

const errorCodes = (pair: Pair): string[] => pair.userErrors.map((error) => error.code);

describe('sessions', () => {
  let identity: IdentityHarness;
  beforeAll(async () => {
    identity = await startIdentity();
  });
  afterAll(async () => {
    await identity.close();
  });

  it('signs in with a short-lived access token that names its session, and a refresh token', async () => {
    const before = Date.now();
    const registered = await register(identity);
    const login = await run<{ login: Pair }>(identity, LOGIN, {
      input: { email: registered.email, password: PASSWORD },
    });
    for (const pair of [registered, login.data?.login]) {
      expect(pair?.userErrors).toEqual([]);
      expect(pair?.refreshToken).toMatch(/^[\w-]{43}$/);
      const expiresAt = Date.parse(pair?.expiresAt ?? '');
      expect(expiresAt).toBeGreaterThan(before);
      expect(expiresAt).toBeLessThanOrEqual(Date.now() + 15 * 60_000);
      const { payload } = await jwtVerify(pair?.token ?? '', createLocalJWKSet(identity.keys.publicKeys()), {
        algorithms: [USER_TOKEN_ALGORITHM],
        issuer: USER_TOKEN_ISSUER,
        audience: USER_TOKEN_AUDIENCE,
      });
      expect(payload.sub).toBe(registered.user.id);
      expect(payload['sid']).toMatch(/^[0-9a-f-]{36}$/);
      expect((payload.exp ?? 0) * 1000).toBe(expiresAt);
    }
    // Each sign-in is a session of its own.
    expect(decodeJwt(registered.token ?? '')['sid']).not.toBe(decodeJwt(login.data?.login.token ?? '')['sid']);
    // Only a hash of the refresh token is stored.
    const rows = await identity.orm.em
      .fork()
      .execute<{ refresh_token_hash: string }[]>('SELECT refresh_token_hash FROM sessions WHERE user_id = ?', [
        registered.user.id,
      ]);
    expect(rows).toHaveLength(2);
    expect(rows.map((row) => row.refresh_token_hash)).not.toContain(registered.refreshToken);
  });

  it('rotates the refresh token: the new pair works, in the same session', async () => {
    const registered = await register(identity);
    const first = await refresh(identity, registered.refreshToken);
    expect(errorCodes(first)).toEqual([]);
    expect(first.refreshToken).not.toBe(registered.refreshToken);
    expect(decodeJwt(first.token ?? '')['sid']).toBe(decodeJwt(registered.token ?? '')['sid']);
    const second = await refresh(identity, first.refreshToken);
    expect(errorCodes(second)).toEqual([]);
  });

  it('treats a spent refresh token as theft: refused, and the whole session ends', async () => {
    const registered = await register(identity);
    const rotated = await refresh(identity, registered.refreshToken);
    expect(errorCodes(rotated)).toEqual([]);

    const replayed = await refresh(identity, registered.refreshToken);
    expect(replayed).toEqual({
      token: null,
      refreshToken: null,
      expiresAt: null,
      userErrors: [{ code: 'SESSION_EXPIRED', field: ['input', 'refreshToken'] }],
    });
    // The legitimate holder's newer token dies with the session.
    expect(errorCodes(await refresh(identity, rotated.refreshToken))).toEqual(['SESSION_EXPIRED']);
    const feed = await identity.sessions.revokedSince(identity.orm.em.fork(), 0);
    expect(feed.revoked.map((entry) => entry.sid)).toContain(callerOf(registered.token).sessionId);
  });

  it('lets one of two simultaneous refreshes with one token win; the other is a reuse and ends the session', async () => {
    const sessions = await Promise.all(Array.from({ length: 8 }, () => register(identity)));
    for (const session of sessions) {
      const outcomes = await Promise.all([
        refresh(identity, session.refreshToken),
        refresh(identity, session.refreshToken),
      ]);
      const winners = outcomes.filter((outcome) => outcome.token !== null);
      expect(winners).toHaveLength(1);
      expect(outcomes.flatMap(errorCodes)).toEqual(['SESSION_EXPIRED']);
      expect(errorCodes(await refresh(identity, winners[0]?.refreshToken ?? null))).toEqual(['SESSION_EXPIRED']);
    }
  });

  it('ends a session at its absolute expiry and after it sits idle', async () => {
    const expired = await register(identity);
    const idle = await register(identity);
    const em = identity.orm.em.fork();
    await em.execute("UPDATE sessions SET expires_at = now() - interval '1 second' WHERE id = ?", [
      callerOf(expired.token).sessionId,
    ]);
    await em.execute('UPDATE sessions SET last_used_at = now() - make_interval(secs => ?) WHERE id = ?', [
      SETTINGS.sessionIdleSeconds + 1,
      callerOf(idle.token).sessionId,
    ]);
    expect(errorCodes(await refresh(identity, expired.refreshToken))).toEqual(['SESSION_EXPIRED']);
    expect(errorCodes(await refresh(identity, idle.refreshToken))).toEqual(['SESSION_EXPIRED']);
  });

  it('answers an unknown or malformed refresh token with SESSION_EXPIRED, ending nothing', async () => {
    const bystander = await register(identity);
    const before = await identity.sessions.revokedSince(identity.orm.em.fork(), 0);
    for (const token of [randomBytes(32).toString('base64url'), 'x', '', 'a'.repeat(10_000)]) {
      expect(errorCodes(await refresh(identity, token))).toEqual(['SESSION_EXPIRED']);
    }
    const after = await identity.sessions.revokedSince(identity.orm.em.fork(), 0);
    expect(after.revoked).toEqual(before.revoked);
    expect(errorCodes(await refresh(identity, bystander.refreshToken))).toEqual([]);
  });

  it('logs out: the refresh token is refused and the routers are told the session id, and nothing else', async () => {
    const registered = await register(identity);
    const other = await register(identity);
    const caller = callerOf(registered.token);
    const cursor = (await identity.sessions.revokedSince(identity.orm.em.fork(), 0)).asOf;

    const logout = await run<{ logout: { ok: boolean } }>(identity, LOGOUT, {}, caller);
    expect(logout.data?.logout).toEqual({ ok: true });
    expect(errorCodes(await refresh(identity, registered.refreshToken))).toEqual(['SESSION_EXPIRED']);
    // Another session of someone else goes on.
    expect(errorCodes(await refresh(identity, other.refreshToken))).toEqual([]);

    const feed = await identity.sessions.revokedSince(identity.orm.em.fork(), cursor);
    const entry = feed.revoked.find((revoked) => revoked.sid === caller.sessionId);
    expect(entry).toBeDefined();
    // Refused for as long as any access token of the session can live, not longer.
    const ttlMs = (SETTINGS.accessTokenTtlSeconds + REVOCATION_GRACE_SECONDS) * 1000;
    expect(entry?.until).toBeGreaterThan(Date.now() + ttlMs - 60_000);
    expect(entry?.until).toBeLessThanOrEqual(feed.asOf + ttlMs);
    expect(JSON.stringify(feed)).not.toContain(registered.user.id);
    // A later cursor no longer lists it; a logout again is fine.
    const later = await identity.sessions.revokedSince(identity.orm.em.fork(), feed.asOf);
    expect(later.revoked.map((revoked) => revoked.sid)).not.toContain(caller.sessionId);
    expect((await run<{ logout: { ok: boolean } }>(identity, LOGOUT, {}, caller)).data?.logout.ok).toBe(true);
  });

  it('refuses logout without a signed-in caller, and cannot end another user’s session', async () => {
    const anonymous = await run(identity, LOGOUT);
    expect(anonymous.errors.map((error) => error.extensions['code'])).toEqual(['UNAUTHENTICATED']);

    const victim = await register(identity);
    const attacker = await register(identity);
    const forged = { ...callerOf(attacker.token), sessionId: callerOf(victim.token).sessionId };
    await run(identity, LOGOUT, {}, forged);
    expect(errorCodes(await refresh(identity, victim.refreshToken))).toEqual([]);
  });
});

describe('signing keys', () => {
  let identity: IdentityHarness;
  beforeAll(async () => {
    identity = await startIdentity();
  });
  afterAll(async () => {
    await identity.close();
  });

  const kids = (keys: SigningKeyService, at: number): string[] => keys.publicKeys(at).keys.map((key) => key.kid ?? '');

  it('stores private keys only sealed, and a wrong key-encryption key opens none of them', async () => {
    const rows = await identity.orm.em
      .fork()
      .execute<{ kid: string; private_jwk: unknown; sealed_private_jwk: string }[]>(
        'SELECT kid, private_jwk, sealed_private_jwk FROM signing_keys',
      );
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.private_jwk).toBeNull();
      expect(row.sealed_private_jwk).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
      expect(identity.encryption.open(row.kid, row.sealed_private_jwk)).toHaveProperty('d');
      // Bound to its row: the same ciphertext does not open under another key id.
      expect(() => identity.encryption.open(`${row.kid}x`, row.sealed_private_jwk)).toThrow(KeyDecryptionError);
    }
    const stranger = newKeyService(new KeyEncryption(randomBytes(32)));
    await expect(stranger.reload(identity.orm.em.fork())).rejects.toBeInstanceOf(KeyDecryptionError);
  });

  it('seals a plaintext key left from before encryption, which keeps verifying its tokens', async () => {
    const legacy = newKeyService(identity.encryption);
    const { generateKeyPair, exportJWK } = await import('jose');
    const pair = await generateKeyPair(USER_TOKEN_ALGORITHM, { extractable: true });
    const kid = `legacy-${randomUUID()}`;
    const publicJwk = { ...(await exportJWK(pair.publicKey)), kid, alg: USER_TOKEN_ALGORITHM, use: 'sig' };
    const privateJwk = await exportJWK(pair.privateKey);
    await identity.orm.em.fork().execute(
      `INSERT INTO signing_keys (kid, private_jwk, public_jwk, created_at, activates_at)
       VALUES (?, ?, ?, now() - interval '1 hour', now() - interval '1 hour')`,
      [kid, JSON.stringify(privateJwk), JSON.stringify(publicJwk)],
    );
    await legacy.rotateIfDue(identity.orm.em.fork());
    const [row] = await identity.orm.em
      .fork()
      .execute<{ private_jwk: unknown; sealed_private_jwk: string }[]>(
        'SELECT private_jwk, sealed_private_jwk FROM signing_keys WHERE kid = ?',
        [kid],
      );
    expect(row?.private_jwk).toBeNull();
    expect(identity.encryption.open(kid, row?.sealed_private_jwk ?? '')).toEqual(privateJwk);
    await legacy.reload(identity.orm.em.fork());
    expect(kids(legacy, Date.now())).toContain(kid);
  });

  it('rotates on schedule: the new key is published before it signs, the old one until its tokens expire', async () => {
    const em = () => identity.orm.em.fork();
    const replicaA = newKeyService(identity.encryption);
    const replicaB = newKeyService(identity.encryption);
    const start = Date.now();
    await replicaA.reload(em());
    const current = replicaA.signer(start).kid;
    expect(await replicaA.rotateIfDue(em(), start)).toBeNull();

    // Both replicas find a rotation due at once: exactly one creates the key.
    const due = start + SETTINGS.signingKeyRotationSeconds * 1000 + 1000;
    const created = await Promise.all([replicaA.rotateIfDue(em(), due), replicaB.rotateIfDue(em(), due)]);
    const fresh = created.filter((kid) => kid !== null);
    expect(fresh).toHaveLength(1);
    const next = fresh[0] ?? '';

    await replicaB.reload(em(), due);
    // Published at once, signing only after the activation delay.
    expect(kids(replicaB, due)).toEqual(expect.arrayContaining([current, next]));
    expect(replicaB.signer(due).kid).toBe(current);
    const activated = due + KEY_ACTIVATION_DELAY_MS;
    expect(replicaB.signer(activated).kid).toBe(next);
    // The retired key stays published while its last tokens may live, then goes, with its private half.
    const lastTokenExpires = activated + SETTINGS.accessTokenTtlSeconds * 1000;
    expect(kids(replicaB, lastTokenExpires)).toContain(current);
    const gone = activated + SETTINGS.accessTokenTtlSeconds * 1000 + RETIRED_KEY_GRACE_MS + 1000;
    expect(kids(replicaB, gone)).not.toContain(current);
    await replicaB.rotateIfDue(em(), gone);
    const [left] = await em().execute<{ count: string }[]>('SELECT count(*) FROM signing_keys WHERE kid = ?', [
      current,
    ]);
    expect(Number(left?.count)).toBe(0);
  });

  it('signs tokens that verify against the published keys, with the kid of the active key', async () => {
    const registered = await register(identity);
    const header = decodeProtectedHeader(registered.token ?? '');
    expect(identity.keys.publicKeys().keys.map((key) => key.kid)).toContain(header.kid);
  });
});

describe('password hashes', () => {
  let identity: IdentityHarness;
  beforeAll(async () => {
    identity = await startIdentity({ password: OWASP_ARGON2ID });
  });
  afterAll(async () => {
    await identity.close();
  });

  const storedHash = async (id: string): Promise<string> => {
    const [row] = await identity.orm.em
      .fork()
      .execute<{ password_hash: string }[]>('SELECT password_hash FROM users WHERE id = ?', [id]);
    return row?.password_hash ?? '';
  };

  const accountWithHash = async (hash: string): Promise<{ id: string; email: string }> => {
    const account = { id: randomUUID(), email: `${randomUUID()}@example.com` };
    await identity.orm.em
      .fork()
      .execute(`INSERT INTO users (id, email, display_name, password_hash) VALUES (?, ?, 'Old Timer', ?)`, [
        account.id,
        account.email,
        hash,
      ]);
    return account;
  };

  const login = (email: string, password: string) =>
    run<{ login: Pair & { user: { id: string } | null } }>(identity, LOGIN, { input: { email, password } });

  it('hashes new passwords with Argon2id at OWASP strength', async () => {
    const registered = await register(identity);
    expect(await storedHash(registered.user.id)).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('upgrades a legacy scrypt hash and a weaker Argon2id one on the next successful sign-in', async () => {
    const legacyScrypt = await new Promise<string>((resolve, reject) => {
      const salt = randomBytes(16);
      scrypt(PASSWORD, salt, 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }, (error, key) => {
        if (error) reject(error);
        else resolve(['scrypt', 15, 8, 1, salt.toString('base64url'), key.toString('base64url')].join('$'));
      });
    });
    for (const old of [legacyScrypt, await hashPassword(PASSWORD, CHEAP_PASSWORDS)]) {
      const account = await accountWithHash(old);
      // A wrong password changes nothing.
      expect((await login(account.email, 'Wrong-Horse-42')).data?.login.userErrors).toEqual([
        { code: 'INVALID_CREDENTIALS' },
      ]);
      expect(await storedHash(account.id)).toBe(old);

      const signedIn = await login(account.email, PASSWORD);
      expect(signedIn.data?.login.user?.id).toBe(account.id);
      const upgraded = await storedHash(account.id);
      expect(upgraded).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      // The new hash is the password's: signing in again works and keeps it.
      expect((await login(account.email, PASSWORD)).data?.login.user?.id).toBe(account.id);
      expect(await storedHash(account.id)).toBe(upgraded);
    }
  });
});
