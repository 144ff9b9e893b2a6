import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { USER_TOKEN_ALGORITHM, USER_TOKEN_AUDIENCE, USER_TOKEN_ISSUER, type Role } from '@emporium/auth';
import type { SigningKeyService } from './signing-key.service.ts';

/** A signed access token and when it expires. */
export interface AccessToken {
  token: string;
  expiresAt: Date;
}

/**
 * Issues access tokens: ES256 JWTs with a `kid`, naming the user (`sub`), their roles and
 * the session they belong to (`sid`), which is what lets a logout refuse them before they
 * expire. The router verifies them against the published keys without any shared secret.
 */
export class TokenService {
  private readonly keys: SigningKeyService;
  private readonly ttlSeconds: number;

  constructor(keys: SigningKeyService, ttlSeconds: number) {
    this.keys = keys;
    this.ttlSeconds = ttlSeconds;
  }

  async issue(user: { id: string; roles: readonly Role[] }, sessionId: string): Promise<AccessToken> {
    const issuedAt = Math.floor(Date.now() / 1000);
    const expiresAt = issuedAt + this.ttlSeconds;
    const { kid, privateKey } = this.keys.signer();
    const token = await new SignJWT({ roles: user.roles, sid: sessionId })
      .setProtectedHeader({ alg: USER_TOKEN_ALGORITHM, kid, typ: 'JWT' })
      .setIssuer(USER_TOKEN_ISSUER)
      .setAudience(USER_TOKEN_AUDIENCE)
      .setSubject(user.id)
      .setJti(randomUUID())
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .sign(privateKey);
    return { token, expiresAt: new Date(expiresAt * 1000) };
  }
}
