import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SigningKeyService } from '../services/signing-key.service.ts';

/**
 * GET /.well-known/jwks.json: the public keys the router verifies access tokens with. Public
 * by nature, so it needs no router assertion. The keys are those the rotation job last
 * loaded; a new key appears here well before any token names it.
 */
export function jwksRoute(keys: SigningKeyService) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.method !== 'GET' || req.url !== '/.well-known/jwks.json') return false;
    res
      .writeHead(200, { 'content-type': 'application/jwk-set+json', 'cache-control': 'public, max-age=60' })
      .end(JSON.stringify(keys.publicKeys()));
    return true;
  };
}
