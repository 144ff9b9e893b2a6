import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** Why a session ended before its time. */
export const SESSION_REVOCATION_REASONS = ['LOGOUT', 'REFRESH_TOKEN_REUSED'] as const;
export type SessionRevocationReason = (typeof SESSION_REVOCATION_REASONS)[number];

/**
 * One sign-in: its id is the `sid` claim of every access token issued in it, and it holds
 * the SHA-256 of its one valid refresh token (never the token). Refreshing swaps that hash
 * for a new one and records the old in `spent_refresh_tokens`, so presenting a spent token
 * is recognised as reuse and ends the session. Rotation and revocation are conditional
 * SQL updates in SessionService; this entity documents the table.
 */
export const SessionSchema = defineEntity({
  name: 'Session',
  tableName: 'sessions',
  properties: {
    id: p.uuid().primary(),
    userId: p.uuid(),
    /** base64url SHA-256 of the current refresh token. */
    refreshTokenHash: p.string().hidden(),
    createdAt: p.datetime(),
    lastUsedAt: p.datetime(),
    /** The absolute end, however often it is refreshed. */
    expiresAt: p.datetime(),
    revokedAt: p.datetime().nullable(),
    revokedReason: p.string().$type<SessionRevocationReason>().nullable(),
  },
});

export type Session = InferEntity<typeof SessionSchema>;
