import { describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { InvalidAssertionError, routerSecret, signRouterAssertion, verifyRouterAssertion } from './index.ts';

const secret = routerSecret('a'.repeat(40));
const caller = { userId: 'u-1', roles: ['SHOPPER'] as const };

describe('router assertions', () => {
  it('round-trips the caller and request id for the subgraph it was signed for', async () => {
    const token = await signRouterAssertion(secret, 'product', { caller, requestId: 'r-1' });
    await expect(verifyRouterAssertion(secret, 'product', token)).resolves.toEqual({ caller, requestId: 'r-1' });
  });

  it('carries an anonymous caller as null', async () => {
    const token = await signRouterAssertion(secret, 'product', { caller: null, requestId: 'r-2' });
    await expect(verifyRouterAssertion(secret, 'product', token)).resolves.toEqual({ caller: null, requestId: 'r-2' });
  });

  it('rejects an assertion for another subgraph, one signed with another secret, and none at all', async () => {
    const token = await signRouterAssertion(secret, 'product', { caller, requestId: 'r' });
    await expect(verifyRouterAssertion(secret, 'order', token)).rejects.toBeInstanceOf(InvalidAssertionError);
    const forged = await signRouterAssertion(routerSecret('b'.repeat(40)), 'product', { caller, requestId: 'r' });
    await expect(verifyRouterAssertion(secret, 'product', forged)).rejects.toBeInstanceOf(InvalidAssertionError);
    await expect(verifyRouterAssertion(secret, 'product', undefined)).rejects.toBeInstanceOf(InvalidAssertionError);
  });

  it('rejects an unsigned (alg none) or expired assertion', async () => {
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${Buffer.from(
      JSON.stringify({ sub: 'u-1', roles: ['ADMIN'], iss: 'emporium-router', aud: 'product' }),
    ).toString('base64url')}.`;
    await expect(verifyRouterAssertion(secret, 'product', unsigned)).rejects.toBeInstanceOf(InvalidAssertionError);
    const expired = await new SignJWT({ roles: [] })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('emporium-router')
      .setAudience('product')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 600)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 300)
      .sign(secret);
    await expect(verifyRouterAssertion(secret, 'product', expired)).rejects.toBeInstanceOf(InvalidAssertionError);
  });

  it('refuses a secret too short to be safe', () => {
    expect(() => routerSecret('short')).toThrow(/at least 32/);
  });
});
