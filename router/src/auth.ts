import { createRemoteJWKSet, errors, jwtVerify } from 'jose';
import { USER_TOKEN_ALGORITHM, USER_TOKEN_AUDIENCE, USER_TOKEN_ISSUER, isRole, type Caller } from '@emporium/auth';
import { unauthenticated } from '@emporium/graphql-server';
import type { GraphQLError } from 'graphql';
import type { RevocationCheck } from './revocations.ts';

/** A verified user token: who calls, and until when the token speaks for them. */
export interface VerifiedToken {
  caller: Caller;
  /** The token's `exp`, in milliseconds since the epoch. */
  expiresAt: number;
}

/**
 * Verifies user tokens against identity's published keys (fetched and cached by `kid`;
 * an unknown `kid` triggers a refetch, which is how a key rotation reaches the router), and
 * refuses tokens of sessions that have ended (logout, refresh-token reuse). A token must
 * name its session (`sid`): one that does not could never be revoked.
 */
export function createTokenVerifier(jwksUrl: string, revocations: RevocationCheck) {
  const keys = createRemoteJWKSet(new URL(jwksUrl), { cooldownDuration: 30_000, timeoutDuration: 2000 });

  /** No header: anonymous. A header that does not verify: UNAUTHENTICATED, never anonymous. */
  return async (authorization: string | undefined): Promise<VerifiedToken | null | GraphQLError> => {
    if (authorization === undefined || authorization === '') return null;
    const match = /^Bearer ([\w-]+\.[\w-]+\.[\w-]*)$/.exec(authorization.trim());
    if (!match?.[1]) return unauthenticated('The Authorization header must be "Bearer <token>"', true);
    try {
      const { payload } = await jwtVerify(match[1], keys, {
        algorithms: [USER_TOKEN_ALGORITHM],
        issuer: USER_TOKEN_ISSUER,
        audience: USER_TOKEN_AUDIENCE,
        requiredClaims: ['sub', 'exp', 'sid'],
      });
      const sessionId = payload['sid'];
      if (typeof sessionId !== 'string') return unauthenticated('The token is not valid', true);
      if (revocations.isRevoked(sessionId)) return unauthenticated('The session has ended; sign in again', true);
      const roles = Array.isArray(payload['roles']) ? payload['roles'].filter(isRole) : [];
      return { caller: { userId: payload.sub ?? '', roles, sessionId }, expiresAt: (payload.exp ?? 0) * 1000 };
    } catch (error) {
      if (error instanceof errors.JWTExpired) return unauthenticated('The token has expired; sign in again', true);
      // Identity not answering is our failure, not the caller's: report it as internal.
      if (error instanceof errors.JWKSTimeout) throw error;
      if (error instanceof errors.JOSEError) return unauthenticated('The token is not valid', true);
      throw error;
    }
  };
}
