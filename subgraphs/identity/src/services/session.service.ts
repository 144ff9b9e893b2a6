import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { isRole, type Role } from '@emporium/auth';
import type { EntityManager } from '@emporium/db';
import { userError, type UserError } from '@emporium/graphql-server';
import type { SessionSettings } from '../config.ts';
import type { SessionRevocationReason } from '../entities/session.entity.ts';
import type { AccessToken, TokenService } from './token.service.ts';

/** What a sign-in or a refresh hands the client. */
export interface SessionTokens extends AccessToken {
  /** Opaque and single-use; only its SHA-256 is stored. */
  refreshToken: string;
}

export interface RefreshOutcome {
  token: string | null;
  refreshToken: string | null;
  expiresAt: Date | null;
  userErrors: UserError[];
}

/** One revoked session in the routers' feed: refuse its access tokens until `until` (ms since the epoch). */
export interface RevokedSession {
  sid: string;
  until: number;
}

/** The routers' feed: sessions revoked after the cursor, and the cursor to ask from next time. */
export interface RevocationFeed {
  /** The database's clock when the answer was read, in ms since the epoch. */
  asOf: number;
  revoked: RevokedSession[];
}

/** 256 bits from the CSPRNG, base64url: 43 characters, unguessable, so a plain SHA-256 is the right hash. */
const REFRESH_TOKEN_BYTES = 32;
const REFRESH_TOKEN = /^[A-Za-z0-9_-]{43}$/;
/** Slack on top of the access-token lifetime for tokens signed just after a revocation and for clock skew. */
export const REVOCATION_GRACE_SECONDS = 60;

const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('base64url');
const newRefreshToken = (): string => randomBytes(REFRESH_TOKEN_BYTES).toString('base64url');

const sessionExpired = (): RefreshOutcome => ({
  token: null,
  refreshToken: null,
  expiresAt: null,
  userErrors: [userError('SESSION_EXPIRED', 'The session has ended; sign in again', ['input', 'refreshToken'])],
});

/**
 * Sessions: started at sign-in, refreshed by rotating a single-use refresh token, ended by
 * logout, by reuse of a spent refresh token, or by time (an absolute lifetime and an idle
 * timeout). Every rule is one conditional SQL statement, so concurrent requests cannot
 * both win.
 */
export class SessionService {
  private readonly tokens: TokenService;
  private readonly settings: SessionSettings;

  constructor(tokens: TokenService, settings: SessionSettings) {
    this.tokens = tokens;
    this.settings = settings;
  }

  /** Opens a session for a user who just proved who they are. */
  async start(ctx: { em: EntityManager }, user: { id: string; roles: readonly Role[] }): Promise<SessionTokens> {
    const id = randomUUID();
    const refreshToken = newRefreshToken();
    await ctx.em.execute(
      `INSERT INTO sessions (id, user_id, refresh_token_hash, expires_at)
       VALUES (?, ?, ?, now() + make_interval(secs => ?))`,
      [id, user.id, hashToken(refreshToken), this.settings.sessionTtlSeconds],
    );
    return { ...(await this.tokens.issue(user, id)), refreshToken };
  }

  /**
   * Exchanges a refresh token for a new pair. The token's hash must be the session's current
   * one; the swap is a single UPDATE, so of two refreshes with one token the second finds
   * the hash already replaced and the token in `spent_refresh_tokens`: a reuse, which ends
   * the session (a thief and the victim each holding a copy is indistinguishable from that).
   * Any failure is SESSION_EXPIRED, which says nothing about which tokens exist.
   */
  async refresh(ctx: { em: EntityManager }, refreshToken: string): Promise<RefreshOutcome> {
    if (!REFRESH_TOKEN.test(refreshToken)) return sessionExpired();
    const presented = hashToken(refreshToken);
    const next = newRefreshToken();
    const rotated = await ctx.em.transactional(async (tx) => {
      const [session] = await tx.execute<{ id: string; user_id: string; roles: string[] }[]>(
        `UPDATE sessions s SET refresh_token_hash = ?, last_used_at = clock_timestamp()
         FROM users u
         WHERE s.refresh_token_hash = ? AND u.id = s.user_id AND s.revoked_at IS NULL
           AND s.expires_at > clock_timestamp()
           AND s.last_used_at > clock_timestamp() - make_interval(secs => ?)
         RETURNING s.id, s.user_id, u.roles`,
        [hashToken(next), presented, this.settings.sessionIdleSeconds],
      );
      if (session) {
        await tx.execute('INSERT INTO spent_refresh_tokens (token_hash, session_id) VALUES (?, ?)', [
          presented,
          session.id,
        ]);
        return session;
      }
      // Not current: a spent token means a copy is being replayed, so the whole session ends.
      const [spent] = await tx.execute<{ session_id: string }[]>(
        'SELECT session_id FROM spent_refresh_tokens WHERE token_hash = ?',
        [presented],
      );
      if (spent) await revoke(tx, spent.session_id, 'REFRESH_TOKEN_REUSED');
      return null;
    });
    if (!rotated) return sessionExpired();
    const access = await this.tokens.issue({ id: rotated.user_id, roles: rotated.roles.filter(isRole) }, rotated.id);
    return { ...access, refreshToken: next, userErrors: [] };
  }

  /** Ends the caller's session; its refresh token and access tokens are refused from now on. Idempotent. */
  async end(ctx: { em: EntityManager }, caller: { userId: string; sessionId: string }): Promise<void> {
    await ctx.em.transactional((tx) => revoke(tx, caller.sessionId, 'LOGOUT', caller.userId));
  }

  /**
   * Sessions revoked after `after` (ms since the epoch), no further back than an access token
   * can live, so the answer stays small and a router that starts learns all it needs.
   */
  async revokedSince(em: EntityManager, after: number): Promise<RevocationFeed> {
    const keepSeconds = this.settings.accessTokenTtlSeconds + REVOCATION_GRACE_SECONDS;
    // Timestamps come back as strings from raw queries; the database's clock is the one that stamps revocations.
    const [clock] = await em.execute<{ now: Date | string }[]>('SELECT clock_timestamp() AS now');
    const asOf = clock ? new Date(clock.now).getTime() : Date.now();
    const from = new Date(Math.max(after, asOf - keepSeconds * 1000));
    const rows = await em.execute<{ id: string; revoked_at: Date | string }[]>(
      'SELECT id, revoked_at FROM sessions WHERE revoked_at > ? ORDER BY revoked_at',
      [from],
    );
    return {
      asOf,
      revoked: rows.map((row) => ({ sid: row.id, until: new Date(row.revoked_at).getTime() + keepSeconds * 1000 })),
    };
  }

  /**
   * Deletes sessions a day past their end (with their spent tokens): by then no token of
   * theirs is accepted anywhere and the feed no longer lists them.
   */
  async prune(em: EntityManager, batchSize = 1000): Promise<number> {
    const rows = await em.execute<{ id: string }[]>(
      `DELETE FROM sessions WHERE id IN (
         SELECT id FROM sessions
         WHERE expires_at < now() - interval '1 day' OR revoked_at < now() - interval '1 day'
         LIMIT ?)
       RETURNING id`,
      [batchSize],
    );
    return rows.length;
  }
}

/** Marks a session revoked (once: the first reason stays), stamping the database's clock at the row update. */
async function revoke(
  em: EntityManager,
  sessionId: string,
  reason: SessionRevocationReason,
  userId?: string,
): Promise<void> {
  await em.execute(
    `UPDATE sessions SET revoked_at = clock_timestamp(), revoked_reason = ?
     WHERE id = ? AND revoked_at IS NULL ${userId === undefined ? '' : 'AND user_id = ?'}`,
    userId === undefined ? [reason, sessionId] : [reason, sessionId, userId],
  );
}
