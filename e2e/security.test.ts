import { createHmac, randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { describe, expect, inject, it } from 'vitest';
import pg from 'pg';
import { SignJWT, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { CDC_ROLE, SERVICE_DATABASES, serviceDatabaseUrl, serviceRoleName, serviceRoleUrl } from '@emporium/config';
import {
  ORDER_SERVICE_ISSUER,
  ROUTER_ASSERTION_HEADER,
  ROUTER_ISSUER,
  assertionSigningKey,
  generateAssertionKeyPair,
  signRouterAssertion,
  type AssertionSigningKey,
} from '@emporium/auth';
import { stackEndpoints } from '@emporium/testing';
import {
  PAYMENT_PROVIDER,
  PAYMENT_PROVIDER_CONTROL_PORT,
  ROUTER,
  SUBGRAPHS,
  identityKeyEncryptionKey,
  serviceUrl,
} from '../infra/src/services.ts';
import { KeyEncryption, parseKeyEncryptionKey } from '../subgraphs/identity/src/services/key-encryption.ts';
import { ROUTER_URL, freshEmail, gql, run } from './client.ts';
import {
  CARDS,
  addToCart,
  checkout,
  newShopper,
  order,
  orderReaches,
  payOrder,
  productOnSale,
  tokenize,
} from './shop.ts';

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

/**
 * Identity's current signing key, read from its database and unsealed with the stack's
 * key-encryption key: a test holds the keys an attacker would not.
 */
async function identitySigningKey(): Promise<{ kid: string; privateJwk: JWK }> {
  const client = new pg.Client({ connectionString: serviceDatabaseUrl(stackEndpoints().postgres.url, 'identity') });
  await client.connect();
  try {
    const { rows } = await client.query<{ kid: string; sealed_private_jwk: string }>(
      `SELECT kid, sealed_private_jwk FROM signing_keys
       WHERE retired_at IS NULL AND activates_at <= now() ORDER BY activates_at DESC LIMIT 1`,
    );
    const row = rows[0];
    const key = parseKeyEncryptionKey(identityKeyEncryptionKey());
    if (!row || !key) throw new Error('identity has no signing key, or the stack no key-encryption key');
    return { kid: row.kid, privateJwk: new KeyEncryption(key).open(row.kid, row.sealed_private_jwk) };
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
    // A well-formed token in every other respect, session included: only its expiry is wrong.
    const expired = await new SignJWT({ roles: ['SHOPPER'], sid: crypto.randomUUID() })
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

/** This run's secrets: what the router, the order service and the provider hold (see LOCAL_SECRETS). */
const SECRETS = inject('platformSecrets');
const ROUTER_SIGNER = assertionSigningKey(ROUTER_ISSUER, SECRETS.routerPrivateKey);
const ANONYMOUS = { caller: null, requestId: 'security-test' };
const ADMIN = { caller: { userId: '00000000-0000-4000-8000-000000000000', roles: ['ADMIN'] as const }, requestId: 'x' };

/** POSTs `{ __typename }` to a subgraph with an assertion: 200 when it is let in, 401 when not. */
async function subgraphStatus(url: string, assertion?: string): Promise<number> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-user-id': 'someone',
      authorization: 'Bearer whatever',
      ...(assertion === undefined ? {} : { [ROUTER_ASSERTION_HEADER]: assertion }),
    },
    body: JSON.stringify({ query: '{ __typename }' }),
  });
  await response.body?.cancel();
  return response.status;
}

/** An assertion as the router signs them, but signed `ageSeconds` ago and claiming an hour of life. */
const aged = (signer: AssertionSigningKey, audience: string, ageSeconds: number): Promise<string> => {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ roles: ['ADMIN'], rid: 'replayed' })
    .setProtectedHeader({ alg: 'EdDSA', kid: signer.kid })
    .setIssuer(signer.issuer)
    .setAudience(audience)
    .setSubject(ADMIN.caller.userId)
    .setIssuedAt(now - ageSeconds)
    .setExpirationTime(now + 3600)
    .sign(signer.key);
};

describe('attack: a subgraph (or anyone) speaking for the router', () => {
  for (const subgraph of SUBGRAPHS) {
    it(`${subgraph.name} lets in only the router's fresh assertion addressed to it`, async () => {
      const url = serviceUrl(subgraph, '/graphql');
      // The router's own assertion works: what follows is refused for what it is, not by accident.
      expect(await subgraphStatus(url, await signRouterAssertion(ROUTER_SIGNER, subgraph.name, ANONYMOUS))).toBe(200);

      expect(await subgraphStatus(url)).toBe(401);
      // Any other key claiming to be the router, e.g. one a compromised subgraph made up.
      const madeUp = assertionSigningKey(ROUTER_ISSUER, generateAssertionKeyPair().privateKey);
      expect(await subgraphStatus(url, await signRouterAssertion(madeUp, subgraph.name, ADMIN))).toBe(401);
      // The only private key a subgraph holds (the order service's), under either issuer.
      for (const issuer of [ROUTER_ISSUER, ORDER_SERVICE_ISSUER]) {
        const order = assertionSigningKey(issuer, SECRETS.orderServicePrivateKey);
        expect(await subgraphStatus(url, await signRouterAssertion(order, subgraph.name, ADMIN))).toBe(401);
      }
      // What every subgraph holds is the router's public key: an HMAC over it is no signature.
      const confused = await new SignJWT({ roles: ['ADMIN'] })
        .setProtectedHeader({ alg: 'HS256', kid: ROUTER_SIGNER.kid })
        .setIssuer(ROUTER_ISSUER)
        .setAudience(subgraph.name)
        .setSubject(ADMIN.caller.userId)
        .setIssuedAt()
        .setExpirationTime('20s')
        .sign(Buffer.from(SECRETS.routerPublicKey, 'base64'));
      expect(await subgraphStatus(url, confused)).toBe(401);
      // A real router assertion for another subgraph, as a subgraph that received one would replay it.
      const other = SUBGRAPHS.find((candidate) => candidate.name !== subgraph.name)?.name ?? 'other';
      expect(await subgraphStatus(url, await signRouterAssertion(ROUTER_SIGNER, other, ADMIN))).toBe(401);
      // A real one for this subgraph replayed after 35 s: the window is 30 s, whatever its exp says.
      expect(await subgraphStatus(url, await aged(ROUTER_SIGNER, subgraph.name, 35))).toBe(401);
      expect(await subgraphStatus(url, await aged(ROUTER_SIGNER, subgraph.name, 5))).toBe(200);
    });
  }

  it("the cart's checkout API takes only the order service's key, not the router's", async () => {
    const cart = SUBGRAPHS.find((subgraph) => subgraph.name === 'cart');
    if (!cart) throw new Error('no cart subgraph');
    const snapshot = (assertion: string) =>
      fetch(serviceUrl(cart, '/internal/v1/checkout-snapshot'), { headers: { [ROUTER_ASSERTION_HEADER]: assertion } });
    const caller = { caller: { userId: randomUUID(), roles: ['SHOPPER'] as const }, requestId: 'x' };
    const order = assertionSigningKey(ORDER_SERVICE_ISSUER, SECRETS.orderServicePrivateKey);
    expect((await snapshot(await signRouterAssertion(order, 'cart', caller))).status).toBe(200);
    expect((await snapshot(await signRouterAssertion(ROUTER_SIGNER, 'cart', caller))).status).toBe(401);
  });
});

describe('attack: a webhook signed with the secret published in the repository', () => {
  it('is refused, and the order does not become PAID', async () => {
    const product = await productOnSale('19.90', 5);
    const shopper = await newShopper('webhook-forgery');
    await addToCart(shopper, product.id, 1);
    const orderId = (await checkout(shopper)).order?.id ?? '';
    await orderReaches(shopper, orderId, 'AWAITING_PAYMENT');
    // A declined card: the provider's own (failure) webhook follows within moments, so a
    // forged success that got in first would leave the order PAID.
    const paid = await payOrder(shopper, { orderId, paymentMethodToken: await tokenize(CARDS.declined) });
    expect(paid.userErrors).toEqual([]);
    const intents = (await (
      await fetch(`${serviceUrl(PAYMENT_PROVIDER)}/v1/payment_intents?order_id=${orderId}`, {
        headers: { authorization: `Bearer ${SECRETS.providerSecretKey}` },
      })
    ).json()) as { data: Record<string, unknown>[] };
    const now = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({
      id: `evt_${randomUUID()}`,
      type: 'payment_intent.succeeded',
      created: now,
      data: { object: { ...intents.data[0], status: 'succeeded', failure_code: null } },
    });
    const payment = SUBGRAPHS.find((subgraph) => subgraph.name === 'payment');
    if (!payment) throw new Error('no payment subgraph');
    const deliver = (secret: string) =>
      fetch(serviceUrl(payment, '/webhooks/provider'), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'emporium-pay-signature': `t=${now},v1=${createHmac('sha256', secret).update(`${now}.${body}`).digest('hex')}`,
        },
        body,
      });
    expect((await deliver('whsec_emporium_local')).status).toBe(400);
    const settled = await orderReaches(shopper, orderId, 'PAYMENT_FAILED');
    expect(settled.statusHistory.map((entry) => entry.status)).not.toContain('PAID');
    expect((await order(shopper, orderId))?.status).toBe('PAYMENT_FAILED');
  });
});

/** This machine's addresses other than loopback: what a neighbour on the network would dial. */
const outsideAddresses = Object.values(networkInterfaces())
  .flat()
  .filter((address) => address !== undefined && !address.internal && address.family === 'IPv4')
  .map((address) => address?.address ?? '');

const answers = (host: string, port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      resolve(false);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });

describe('attack: reaching the platform from the network instead of loopback', () => {
  const ports = [ROUTER, PAYMENT_PROVIDER, ...SUBGRAPHS].map((service) => [service.name, service.port] as const);
  ports.push(['payment-provider control', PAYMENT_PROVIDER_CONTROL_PORT]);

  it.skipIf(outsideAddresses.length === 0)('finds nothing listening on the machine’s other addresses', async () => {
    for (const [name, port] of ports) {
      expect(await answers('127.0.0.1', port), `${name} on loopback`).toBe(true);
      for (const address of outsideAddresses) expect(await answers(address, port), `${name} on ${address}`).toBe(false);
    }
  });
});

describe("attack: steering the provider simulator's control endpoints", () => {
  const controlUrl = inject('providerControlUrl');
  const faults = (base: string, key?: string, body?: unknown) =>
    fetch(`${base}/_control/faults`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json', ...(key === undefined ? {} : { authorization: `Bearer ${key}` }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it('finds none on the public port, and refuses any key but the control key, changing nothing', async () => {
    // A latency nobody else sets, so the check below cannot mistake another test's switch for ours.
    const mark = { latencyMs: 54_321 };
    expect((await faults(serviceUrl(PAYMENT_PROVIDER), SECRETS.providerControlKey, mark)).status).toBe(404);
    for (const key of [undefined, SECRETS.providerSecretKey, 'sk_test_emporium_local']) {
      expect((await faults(controlUrl, key, mark)).status).toBe(401);
    }
    const state = (await (await faults(controlUrl, SECRETS.providerControlKey)).json()) as { latencyMs: number };
    expect(state.latencyMs).not.toBe(mark.latencyMs);
  });
});

describe('attack: a compromised service using its database connection', () => {
  const asRole = async <T>(service: string, database: string, work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const url = new URL(serviceRoleUrl(stackEndpoints().postgres.url, service));
    url.pathname = `/${database}`;
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  const refused = (promise: Promise<unknown>) =>
    expect(promise).rejects.toThrow(/permission denied|must be superuser|must have|not permitted/);

  for (const service of SERVICE_DATABASES) {
    it(`${service} connects as its own role, which owns its database and nothing else`, async () => {
      const role = serviceRoleName(service);
      const admin = new pg.Client({ connectionString: stackEndpoints().postgres.url });
      await admin.connect();
      try {
        // The running service is connected as its role: what the rest of this test attacks with.
        const { rows } = await admin.query<{ usename: string }>(
          "SELECT DISTINCT usename FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend'",
          [`emporium_${service}`],
        );
        expect(rows.map((row) => row.usename)).toContain(role);
      } finally {
        await admin.end();
      }
      await asRole(service, `emporium_${service}`, async (client) => {
        const { rows } = await client.query<{ super: boolean; owner: string }>(
          'SELECT rolsuper AS super, pg_get_userbyid(datdba) AS owner FROM pg_roles, pg_database WHERE rolname = current_user AND datname = current_database()',
        );
        expect(rows[0]).toEqual({ super: false, owner: role });
        await refused(client.query('CREATE ROLE intruder LOGIN SUPERUSER'));
        await refused(client.query("COPY (SELECT 1) TO PROGRAM 'true'"));
        await refused(client.query("ALTER SYSTEM SET log_statement = 'none'"));
        await refused(client.query('CREATE DATABASE intruder'));
      });
      const other = SERVICE_DATABASES.find((candidate) => candidate !== service) ?? 'identity';
      await expect(asRole(service, `emporium_${other}`, async () => undefined)).rejects.toThrow(/permission denied/);
    });
  }

  it('Debezium streams as the CDC role, which can read only what it captures', async () => {
    const admin = new pg.Client({ connectionString: stackEndpoints().postgres.url });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ usename: string }>(
        "SELECT DISTINCT usename FROM pg_stat_activity WHERE backend_type = 'walsender'",
      );
      expect(rows.map((row) => row.usename)).toEqual([CDC_ROLE]);
    } finally {
      await admin.end();
    }
    const cdc = (database: string) => {
      const url = new URL(stackEndpoints().postgres.url);
      url.username = CDC_ROLE;
      url.pathname = `/${database}`;
      return new pg.Client({ connectionString: url.toString() });
    };
    const order = cdc('emporium_order');
    await order.connect();
    try {
      await order.query('SELECT count(*) FROM outbox');
      await refused(order.query('SELECT count(*) FROM orders'));
      await refused(order.query('INSERT INTO outbox (id) VALUES (gen_random_uuid())'));
    } finally {
      await order.end();
    }
    await expect(cdc('emporium_identity').connect()).rejects.toThrow(/permission denied/);
  });
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
