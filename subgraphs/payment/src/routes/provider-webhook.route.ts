import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MikroORM } from '@emporium/db';
import type { Route } from '@emporium/graphql-server';
import type { Logger } from '@emporium/logging';
import { handleProviderEvent, readProviderEvent } from '../services/webhook.service.ts';
import { SIGNATURE_HEADER, verifyWebhookSignature } from '../services/webhook-signature.ts';

/** Where the provider delivers its webhooks. */
export const WEBHOOK_PATH = '/webhooks/provider';
/** Provider events are small; anything larger is not one. */
export const MAX_WEBHOOK_BYTES = 64 * 1024;

const json = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};

/** The raw body, or null once it exceeds `limit` (the rest is drained, not kept). */
async function readRawBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  const declared = Number(req.headers['content-length'] ?? 0);
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = declared > limit;
  for await (const chunk of req) {
    if (tooLarge) continue;
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) tooLarge = true;
    else chunks.push(buffer);
  }
  return tooLarge ? null : Buffer.concat(chunks);
}

/**
 * POST /webhooks/provider: the provider reports payment outcomes here. It carries no router
 * assertion (it comes from the provider, not the router): it is authenticated by its
 * signature over the raw body, with a timestamp no older than five minutes. A verified
 * event is applied once and answered 200 quickly; a bad one gets 400 and changes nothing.
 */
export function providerWebhookRoute(deps: {
  orm: MikroORM;
  webhookSecret: string;
  logger: Logger;
  /** The clock in seconds; tests pass their own. */
  nowSeconds?: () => number;
}): Route {
  const logger = deps.logger.child({ component: 'provider-webhook' });
  const nowSeconds = deps.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  return async (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== WEBHOOK_PATH) return false;
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      json(res, 405, { error: 'method not allowed' });
      return true;
    }
    const raw = await readRawBody(req, MAX_WEBHOOK_BYTES);
    if (!raw) {
      json(res, 413, { error: 'payload too large' });
      return true;
    }
    const header = req.headers[SIGNATURE_HEADER];
    const check = verifyWebhookSignature(
      deps.webhookSecret,
      Array.isArray(header) ? header[0] : header,
      raw,
      nowSeconds(),
    );
    if (!check.ok) {
      logger.warn({ reason: check.reason, remote: req.socket.remoteAddress }, 'webhook rejected');
      json(res, 400, { error: `invalid signature (${check.reason})` });
      return true;
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      body = null;
    }
    const event = readProviderEvent(body);
    if (!event) {
      logger.warn('signed webhook is not a provider event');
      json(res, 400, { error: 'not a provider event' });
      return true;
    }
    const result = await handleProviderEvent(deps.orm.em.fork(), event, logger);
    logger.info({ eventId: event.id, type: event.type, intentId: event.data.object.id, result }, 'webhook applied');
    // Not ours yet (or at all): a 503 makes the provider deliver it again later.
    if (result === 'unknown_payment') json(res, 503, { error: 'unknown payment; retry later' });
    else json(res, 200, { received: true });
    return true;
  };
}
