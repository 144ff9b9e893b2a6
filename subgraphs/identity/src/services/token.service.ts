import { randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, importJWK, type JWK, type CryptoKey } from 'jose';
import { USER_TOKEN_ALGORITHM, USER_TOKEN_AUDIENCE, USER_TOKEN_ISSUER, type Role } from '@emporium/auth';
import type { EntityManager } from '@emporium/db';
import { SigningKeySchema } from '../entities/signing-key.entity.ts';

export interface JsonWebKeySet {
  keys: JWK[];
}

/**
 * Issues user tokens (ES256 JWTs with a `kid`) and publishes the public keys as a JWKS, so
 * the router verifies tokens without sharing any secret with this service.
 */
export class TokenService {
  private readonly kid: string;
  private readonly privateKey: CryptoKey;
  private readonly ttlSeconds: number;
  private jwks: JsonWebKeySet;

  private constructor(kid: string, privateKey: CryptoKey, jwks: JsonWebKeySet, ttlSeconds: number) {
    this.kid = kid;
    this.privateKey = privateKey;
    this.jwks = jwks;
    this.ttlSeconds = ttlSeconds;
  }

  /** Loads the newest key, creating the first one on a fresh database. */
  static async load(em: EntityManager, ttlSeconds: number): Promise<TokenService> {
    let newest = await em.findOne(SigningKeySchema, { retiredAt: null }, { orderBy: { createdAt: 'desc' } });
    if (!newest) {
      const { privateKey, publicKey } = await generateKeyPair(USER_TOKEN_ALGORITHM, { extractable: true });
      const kid = randomUUID();
      const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: USER_TOKEN_ALGORITHM, use: 'sig' };
      newest = em.create(SigningKeySchema, { kid, privateJwk: await exportJWK(privateKey), publicJwk });
      await em.flush();
    }
    const privateKey = (await importJWK(newest.privateJwk, USER_TOKEN_ALGORITHM)) as CryptoKey;
    const service = new TokenService(newest.kid, privateKey, { keys: [] }, ttlSeconds);
    await service.refreshKeys(em);
    return service;
  }

  /** Re-reads the published keys (after a rotation by another replica). */
  async refreshKeys(em: EntityManager): Promise<void> {
    const keys = await em.find(SigningKeySchema, { retiredAt: null }, { orderBy: { createdAt: 'desc' } });
    this.jwks = { keys: keys.map((key) => key.publicJwk) };
  }

  /** The JWKS the router verifies tokens with. */
  publicKeys(): JsonWebKeySet {
    return this.jwks;
  }

  /** A signed token for `user`, valid for the configured lifetime. */
  issue(user: { id: string; roles: readonly Role[] }): Promise<string> {
    return new SignJWT({ roles: user.roles })
      .setProtectedHeader({ alg: USER_TOKEN_ALGORITHM, kid: this.kid, typ: 'JWT' })
      .setIssuer(USER_TOKEN_ISSUER)
      .setAudience(USER_TOKEN_AUDIENCE)
      .setSubject(user.id)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(`${this.ttlSeconds}s`)
      .sign(this.privateKey);
  }
}
