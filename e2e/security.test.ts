import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { SignJWT, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { serviceDatabaseUrl } from '@emporium/config';
import { routerSecret, signRouterAssertion, ROUTER_ASSERTION_HEADER } from '@emporium/auth';
import { stackEndpoints } from '@emporium/testing';
import { SUBGRAPHS, serviceUrl } from '../infra/src/services.ts';
import { ROUTER_URL, contractOperation, freshEmail, gql, run } from './client.ts';

const PASSWORD = 'Correct-Horse-42';

interface AuthPayload {
  token: string | null;
  user: { id: string } | null;
  userErrors: { code: string; field: string[] | null; message: string }[];
}

async function register(email = freshEmail()): Promise<{ email: string; id: string; token: string }> {
  const result = await run<{ register: AuthPayload }>('Register', {
    input: { email, password: PASSWORD, displayName: 'Test Shopper' },
  });
  return { email, id: result.data?.register.user?.id ?? '', token: result.data?.register.token ?? '' };
}

/** Identity's current signing key, read from its database: a test holds the keys an attacker would not. */
async function identitySigningKey(): Promise<{ kid: string; privateJwk: JWK }> {
  const client = new pg.Client({ connectionString: serviceDatabaseUrl(stackEndpoints().postgres.url, 'identity') });
  await client.connect();
  try {
    const { rows } = await client.query<{ kid: string; private_jwk: JWK }>(
      'SELECT kid, private_jwk FROM signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC LIMIT 1',
    );
    const row = rows[0];
    if (!row) throw new Error('identity has no signing key');
    return { kid: row.kid, privateJwk: row.private_jwk };
  } finally {
    await client.end();
  }
}

const meWith = (token: string) => run<{ me: { id: string } | null }>('Me', {}, { token });

const codes = (response: { errors?: { extensions?: Record<string, unknown> }[] }): unknown[] =>
  (response.errors ?? []).map((error) => error.extensions?.['code']);

describe('accounts: bad input changes nothing', () => {
  it('refuses a second account with the same email, whatever its case', async () => {
    const first = await register();
    const again = await run<{ register: AuthPayload }>('Register', {
      input: { email: first.email.toUpperCase(), password: 'Another-Pass-77', displayName: 'Someone Else' },
    });
    expect(again.data?.register).toMatchObject({ token: null, user: null });
    expect(again.data?.register.userErrors.map((e) => [e.code, e.field])).toEqual([
      ['EMAIL_TAKEN', ['input', 'email']],
    ]);
    // The original password still signs in: nothing was overwritten.
    const login = await run<{ login: AuthPayload }>('Login', { input: { email: first.email, password: PASSWORD } });
    expect(login.data?.login.user?.id).toBe(first.id);
  });

  it('answers a wrong password and an unknown email identically', async () => {
    const { email } = await register();
    const wrong = await run<{ login: AuthPayload }>('Login', { input: { email, password: 'Wrong-Pass-99' } });
    const unknown = await run<{ login: AuthPayload }>('Login', {
      input: { email: freshEmail('nobody'), password: 'Wrong-Pass-99' },
    });
    expect(wrong.data).toEqual(unknown.data);
    expect(wrong.data?.login.userErrors.map((e) => e.code)).toEqual(['INVALID_CREDENTIALS']);
  });

  it('rejects a weak password and an invalid email, creating no account', async () => {
    const email = freshEmail();
    const weak = await run<{ register: AuthPayload }>('Register', {
      input: { email, password: 'short', displayName: 'Weak' },
    });
    expect(weak.data?.register.userErrors.map((e) => [e.code, e.field])).toEqual([
      ['WEAK_PASSWORD', ['input', 'password']],
    ]);
    const login = await run<{ login: AuthPayload }>('Login', { input: { email, password: 'short' } });
    expect(login.data?.login.userErrors.map((e) => e.code)).toEqual(['INVALID_CREDENTIALS']);

    const badEmail = await run<{ register: AuthPayload }>('Register', {
      input: { email: 'not-an-email', password: PASSWORD, displayName: 'X' },
    });
    expect(badEmail.data?.register.userErrors.map((e) => e.field)).toEqual([['input', 'email']]);
  });
});

describe('tokens', () => {
  it('rejects an expired token with UNAUTHENTICATED', async () => {
    const { id } = await register();
    const key = await identitySigningKey();
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({ roles: ['SHOPPER'] })
      .setProtectedHeader({ alg: 'ES256', kid: key.kid })
      .setIssuer('emporium-identity')
      .setAudience('emporium')
      .setSubject(id)
      .setIssuedAt(now - 7200)
      .setExpirationTime(now - 3600)
      .sign(await importJWK(key.privateJwk, 'ES256'));
    const me = await meWith(expired);
    expect(me.status).toBe(401);
    expect(codes(me)).toEqual(['UNAUTHENTICATED']);
    expect(me.data?.me ?? null).toBeNull();
  });

  it("rejects a token signed with a key that is not identity's, even under its kid", async () => {
    const { id, token } = await register();
    const { kid } = await identitySigningKey();
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT({ roles: ['ADMIN'] })
      .setProtectedHeader({ alg: 'ES256', kid })
      .setIssuer('emporium-identity')
      .setAudience('emporium')
      .setSubject(id)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(privateKey);
    expect(codes(await meWith(forged))).toEqual(['UNAUTHENTICATED']);
    // A tampered payload on a real token fails the same way.
    const [header, , signature] = token.split('.');
    const payload = Buffer.from(
      JSON.stringify({ sub: id, roles: ['ADMIN'], iss: 'emporium-identity', aud: 'emporium', exp: 9999999999 }),
    ).toString('base64url');
    expect(codes(await meWith(`${header}.${payload}.${signature}`))).toEqual(['UNAUTHENTICATED']);
  });

  it('rejects an unsigned (alg: none) token', async () => {
    const { id } = await register();
    const { kid } = await identitySigningKey();
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${part({ alg: 'none', kid })}.${part({ sub: id, roles: ['ADMIN'], iss: 'emporium-identity', aud: 'emporium', exp: 9999999999 })}.`;
    expect(codes(await meWith(unsigned))).toEqual(['UNAUTHENTICATED']);
    expect(codes(await meWith('not a token'))).toEqual(['UNAUTHENTICATED']);
  });

  it('publishes only public keys in the JWKS', async () => {
    const identity = SUBGRAPHS.find((s) => s.name === 'identity');
    if (!identity) throw new Error('no identity subgraph');
    const jwks = (await (await fetch(serviceUrl(identity, '/.well-known/jwks.json'))).json()) as { keys: JWK[] };
    expect(jwks.keys.length).toBeGreaterThan(0);
    for (const key of jwks.keys) {
      expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
      expect(key.d).toBeUndefined();
    }
    // And a freshly generated key's public half looks the same, so the check above means something.
    const { publicKey } = await generateKeyPair('ES256', { extractable: true });
    expect((await exportJWK(publicKey)).d).toBeUndefined();
  });
});

describe('subgraphs accept only the router', () => {
  const query = JSON.stringify({ query: contractOperation('Me') });
  for (const subgraph of SUBGRAPHS) {
    it(`${subgraph.name} rejects a request without a router assertion, or with a forged one`, async () => {
      const direct = await fetch(serviceUrl(subgraph, '/graphql'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-user-id': 'someone', authorization: 'Bearer whatever' },
        body: query,
      });
      expect(direct.status).toBe(401);
      const forged = await signRouterAssertion(routerSecret('f'.repeat(48)), subgraph.name, {
        caller: { userId: '00000000-0000-4000-8000-000000000000', roles: ['ADMIN'] },
        requestId: 'forged-request',
      });
      const withForged = await fetch(serviceUrl(subgraph, '/graphql'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', [ROUTER_ASSERTION_HEADER]: forged },
        body: query,
      });
      expect(withForged.status).toBe(401);
      const body = (await withForged.json()) as { errors: { extensions: { code: string } }[] };
      expect(body.errors[0]?.extensions.code).toBe('UNAUTHENTICATED');
    });
  }
});

describe('malformed and hostile requests', () => {
  it('answers a syntax error with GRAPHQL_PARSE_FAILED and no internals', async () => {
    const response = await gql('query { me { id ');
    expect(response.status).toBe(400);
    expect(codes(response)).toEqual(['GRAPHQL_PARSE_FAILED']);
    expect(JSON.stringify(response)).not.toMatch(/stack|at \w+ \(|127\.0\.0\.1|node_modules/);
  });

  it('answers an unknown field with GRAPHQL_VALIDATION_FAILED', async () => {
    const response = await gql('{ me { passwordHash } }');
    expect(codes(response)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  it('answers a variable of the wrong type with BAD_USER_INPUT', async () => {
    const response = await gql('query ($id: ID!) { product(id: $id) { id } }', { id: { nested: true } });
    expect(codes(response)).toEqual(['BAD_USER_INPUT']);
  });

  it('rejects a too-deep query before running it', async () => {
    const deep = `{ product(id: "x") { category { ${'parent { '.repeat(14)}id${' }'.repeat(14)} } } }`;
    const response = await gql(deep);
    expect(codes(response)).toEqual(['QUERY_TOO_COMPLEX']);
  });

  it('rejects a query that selects too many fields', async () => {
    const aliases = Array.from({ length: 600 }, (_, i) => `a${i}: __typename`).join(' ');
    expect(codes(await gql(`{ ${aliases} }`))).toEqual(['QUERY_TOO_COMPLEX']);
  });

  it('rejects a body that is not JSON, and one over the size limit', async () => {
    const notJson = await fetch(ROUTER_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": ',
    });
    expect(notJson.status).toBe(400);
    const huge = await fetch(ROUTER_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ me { id } }', variables: { padding: 'x'.repeat(2 * 1024 * 1024) } }),
    });
    expect(huge.status).toBe(413);
  });
});
