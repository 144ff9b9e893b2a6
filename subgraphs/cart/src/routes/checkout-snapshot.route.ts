import {
  InvalidAssertionError,
  ROUTER_ASSERTION_HEADER,
  verifyRouterAssertion,
  type AssertionVerificationKey,
} from '@emporium/auth';
import type { MikroORM } from '@emporium/db';
import type { Route } from '@emporium/graphql-server';
import type { Logger } from '@emporium/logging';
import { CART_SERVICE_AUDIENCE, CART_SNAPSHOT_PATH } from '@emporium/service-api';
import type { CartService } from '../services/cart.service.ts';

/**
 * GET /internal/v1/checkout-snapshot: the order service reads the shopper's cart at
 * checkout. Only the order service (an assertion signed with its key; the router's does not
 * do) gets an answer, and only for the shopper its assertion names; the answer is a
 * CartSnapshot (@emporium/service-api).
 */
export function checkoutSnapshotRoute(deps: {
  orm: MikroORM;
  carts: CartService;
  /** The order service's public key. */
  orderServiceKey: AssertionVerificationKey;
  logger: Logger;
}): Route {
  const { orm, carts, orderServiceKey, logger } = deps;
  return async (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== CART_SNAPSHOT_PATH || req.method !== 'GET') return false;
    const header = req.headers[ROUTER_ASSERTION_HEADER];
    let userId: string | undefined;
    try {
      const assertion = await verifyRouterAssertion(
        orderServiceKey,
        CART_SERVICE_AUDIENCE,
        Array.isArray(header) ? header[0] : header,
      );
      userId = assertion.caller?.userId;
    } catch (error) {
      if (!(error instanceof InvalidAssertionError)) throw error;
      logger.warn(
        { reason: error.message, remote: req.socket.remoteAddress },
        'snapshot request without a valid assertion',
      );
    }
    if (!userId) {
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'unauthenticated' }));
      return true;
    }
    const snapshot = await carts.snapshot({ em: orm.em.fork() }, userId);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(snapshot));
    return true;
  };
}
