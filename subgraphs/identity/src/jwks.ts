import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MikroORM } from '@emporium/db';
import type { TokenService } from './services/token.service.ts';

/** Public keys change only on rotation; re-reading them once a minute picks that up. */
const REFRESH_MS = 60_000;

/**
 * GET /.well-known/jwks.json: the public keys the router verifies user tokens with. Public
 * by nature, so it needs no router assertion.
 */
export function jwksRoute(tokens: TokenService, orm: MikroORM) {
  let refreshedAt = Date.now();
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (req.method !== 'GET' || req.url !== '/.well-known/jwks.json') return false;
    if (Date.now() - refreshedAt > REFRESH_MS) {
      refreshedAt = Date.now();
      await tokens.refreshKeys(orm.em.fork());
    }
    res
      .writeHead(200, { 'content-type': 'application/jwk-set+json', 'cache-control': 'public, max-age=60' })
      .end(JSON.stringify(tokens.publicKeys()));
    return true;
  };
}
