import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MikroORM } from '@emporium/db';
import type { SessionService } from '../services/session.service.ts';

/** Where routers poll for revoked sessions. */
export const REVOKED_SESSIONS_PATH = '/sessions/revoked';

const json = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
};

/**
 * GET /sessions/revoked?after=<ms since the epoch>: the ids of sessions revoked after that
 * instant (never further back than an access token lives), each with the time until which
 * its tokens must be refused, and `asOf`, the cursor for the next poll. Routers poll it every
 * second or so to refuse the access tokens of ended sessions. It lists random session ids
 * and times only (no user ids, no tokens), which is why it needs no credentials, as the JWKS.
 */
export function revokedSessionsRoute(sessions: SessionService, orm: MikroORM) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://identity');
    if (req.method !== 'GET' || url.pathname !== REVOKED_SESSIONS_PATH) return false;
    const after = url.searchParams.get('after') ?? '0';
    if (!/^\d{1,15}$/.test(after)) {
      json(res, 400, { error: '`after` must be milliseconds since the epoch' });
      return true;
    }
    json(res, 200, await sessions.revokedSince(orm.em.fork(), Number(after)));
    return true;
  };
}
