import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import {
  InvalidAssertionError,
  ROUTER_ISSUER,
  assertionSigningKey,
  assertionVerificationKey,
  generateAssertionKeyPair,
  signRouterAssertion,
  verifyRouterAssertion,
} from './index.ts';

const pair = generateAssertionKeyPair();
const signer = assertionSigningKey(ROUTER_ISSUER, pair.privateKey);
const verifier = assertionVerificationKey(ROUTER_ISSUER, pair.publicKey);
const caller = { userId: 'u-1', roles: ['SHOPPER'] as const };

describe('router assertions', () => {
  it('round-trips the caller and request id for the subgraph it was signed for', async () => {
    const token = await signRouterAssertion(signer, 'product', { caller, requestId: 'r-1' });
    await expect(verifyRouterAssertion(verifier, 'product', token)).resolves.toEqual({ caller, requestId: 'r-1' });
  });

  it('carries an anonymous caller as null', async () => {
    const token = await signRouterAssertion(signer, 'product', { caller: null, requestId: 'r-2' });
    await expect(verifyRouterAssertion(verifier, 'product', token)).resolves.toEqual({
      caller: null,
      requestId: 'r-2',
    });
  });

  it("carries the client's address when it is an IP address, and leaves anything else out", async () => {
    for (const clientAddress of ['203.0.113.7', '2001:db8::1', '::ffff:198.51.100.2']) {
      const token = await signRouterAssertion(signer, 'identity', { caller: null, requestId: 'r', clientAddress });
      await expect(verifyRouterAssertion(verifier, 'identity', token)).resolves.toEqual({
        caller: null,
        requestId: 'r',
        clientAddress,
      });
    }
    const junk = await signRouterAssertion(signer, 'identity', {
      caller: null,
      requestId: 'r',
      clientAddress: 'x; DROP',
    });
    await expect(verifyRouterAssertion(verifier, 'identity', junk)).resolves.toEqual({ caller: null, requestId: 'r' });
  });

  it('rejects an assertion for another subgraph, one signed with another key, and none at all', async () => {
    const token = await signRouterAssertion(signer, 'product', { caller, requestId: 'r' });
    await expect(verifyRouterAssertion(verifier, 'order', token)).rejects.toBeInstanceOf(InvalidAssertionError);
    const other = assertionSigningKey(ROUTER_ISSUER, generateAssertionKeyPair().privateKey);
    const forged = await signRouterAssertion(other, 'product', { caller, requestId: 'r' });
    await expect(verifyRouterAssertion(verifier, 'product', forged)).rejects.toBeInstanceOf(InvalidAssertionError);
    await expect(verifyRouterAssertion(verifier, 'product', undefined)).rejects.toBeInstanceOf(InvalidAssertionError);
  });

  it("rejects another issuer's assertion even when the receiver also knows that issuer's key", async () => {
    const orderPair = generateAssertionKeyPair();
    const order = assertionSigningKey('emporium-order', orderPair.privateKey);
    const token = await signRouterAssertion(order, 'cart', { caller, requestId: 'r' });
    // The right key under the wrong issuer, and the right issuer with the wrong key.
    const orderKeyAsRouter = assertionVerificationKey(ROUTER_ISSUER, orderPair.publicKey);
    await expect(verifyRouterAssertion(orderKeyAsRouter, 'cart', token)).rejects.toBeInstanceOf(InvalidAssertionError);
    await expect(verifyRouterAssertion(verifier, 'cart', token)).rejects.toBeInstanceOf(InvalidAssertionError);
  });

  it('rejects an unsigned (alg none), an HMAC-signed, an expired and an overlong assertion', async () => {
    const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: 'u-1', roles: ['ADMIN'], iss: ROUTER_ISSUER, aud: 'product', iat: now, exp: now + 20 };
    const unsigned = `${part({ alg: 'none', kid: signer.kid })}.${part(claims)}.`;
    await expect(verifyRouterAssertion(verifier, 'product', unsigned)).rejects.toBeInstanceOf(InvalidAssertionError);
    // An HMAC "signed" with the public key, the classic algorithm confusion.
    const confused = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', kid: signer.kid })
      .sign(Buffer.from(pair.publicKey, 'base64'));
    await expect(verifyRouterAssertion(verifier, 'product', confused)).rejects.toBeInstanceOf(InvalidAssertionError);
    const sign = (iat: number, exp: number): Promise<string> =>
      new SignJWT({ roles: [] })
        .setProtectedHeader({ alg: 'EdDSA', kid: signer.kid })
        .setIssuer(ROUTER_ISSUER)
        .setAudience('product')
        .setIssuedAt(iat)
        .setExpirationTime(exp)
        .sign(signer.key);
    const expired = await sign(now - 600, now - 300);
    await expect(verifyRouterAssertion(verifier, 'product', expired)).rejects.toBeInstanceOf(InvalidAssertionError);
    // Signed 40 s ago but claiming an hour of life: older than any assertion may be.
    const overlong = await sign(now - 40, now + 3600);
    await expect(verifyRouterAssertion(verifier, 'product', overlong)).rejects.toBeInstanceOf(InvalidAssertionError);
  });

  it('accepts every listed public key, so the router key can be rotated', async () => {
    const next = generateAssertionKeyPair();
    const both = assertionVerificationKey(ROUTER_ISSUER, `${pair.publicKey},${next.publicKey}`);
    for (const privateKey of [pair.privateKey, next.privateKey]) {
      const token = await signRouterAssertion(assertionSigningKey(ROUTER_ISSUER, privateKey), 'cart', {
        caller: null,
        requestId: 'r',
      });
      await expect(verifyRouterAssertion(both, 'cart', token)).resolves.toMatchObject({ requestId: 'r' });
    }
  });

  it('reads PEM keys, escaped newlines included, and refuses other key types or a private key as public', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const privatePem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const publicPem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
    expect(assertionSigningKey(ROUTER_ISSUER, privatePem.replace(/\n/g, '\\n')).kid).toBe(
      [...assertionVerificationKey(ROUTER_ISSUER, publicPem).keys.keys()][0],
    );
    expect(() => assertionVerificationKey(ROUTER_ISSUER, privatePem)).toThrow(/private key/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ format: 'pem', type: 'pkcs8' })
      .toString();
    expect(() => assertionSigningKey(ROUTER_ISSUER, rsa)).toThrow(/Ed25519/);
    expect(() => assertionSigningKey(ROUTER_ISSUER, 'not a key')).toThrow(/Ed25519 private key/);
  });
});
