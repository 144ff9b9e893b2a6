/**
 * Emporium Pay, the simulated third-party card gateway, on a plain node:http server.
 * createProviderServer is exported so tests can start it in-process on port 0.
 *
 * The test-only switches (faults, the webhook log) are not part of that API: they listen on
 * a second server bound to loopback, and only with a control key, which every call carries.
 * Without a key there are no switches at all, so a deployed simulator cannot be steered.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { listen } from '@emporium/graphql-server';
import { createLogger, type Logger } from '@emporium/logging';
import { ApiError, json, readJsonObject, rejectUnknown, requireKey, type Reply } from './http.ts';
import { IdempotencyStore, requestFingerprint } from './idempotency.ts';
import { PaymentBook, newId, unixNow } from './payments.ts';
import { WebhookDispatcher } from './webhooks.ts';

export interface ProviderServerOptions {
  publishableKey: string;
  secretKey: string;
  webhookSecret: string;
  /** Opens the control endpoints (listenControl) to callers presenting it; none without it. */
  controlKey?: string;
  webhookUrl: string;
  /** Silent when absent (tests). */
  logger?: Logger;
  /** From creating an intent to its outcome; 200 ms. */
  outcomeDelayMs?: number;
  /** The same for the slow test card 4000000000003220; 3 s. */
  slowCardDelayMs?: number;
  /** Waits between webhook attempts, the last repeating; 0.5, 1, 2, 4, 8, then 15 s. */
  webhookRetryDelaysMs?: readonly number[];
  /** 10. */
  webhookMaxAttempts?: number;
  /** A webhook attempt without a 2xx within this time failed; 5 s. */
  webhookTimeoutMs?: number;
  /** How long a request hit by the timeout fault holds its socket before closing it; 30 s. */
  timeoutHoldMs?: number;
  /** The most tokens, payment intents and idempotency keys each kept in memory; 100,000. */
  maxRecords?: number;
}

export interface ProviderServer {
  httpServer: Server;
  listen(port: number, host?: string): Promise<void>;
  /** The control endpoints on 127.0.0.1:`port` (0: any free port); needs `controlKey`. */
  listenControl(port: number): Promise<void>;
  stop(): Promise<void>;
  /** http://host:port once listening. */
  readonly url: string;
  /** http://127.0.0.1:port once the control endpoints listen. */
  readonly controlUrl: string;
}

/** The fault switches (POST /_control/faults on the control server); they apply to /v1/payment_intents* and /v1/refunds. */
export interface Faults {
  latencyMs: number;
  errorRate: number;
  timeoutRate: number;
  webhooksPaused: boolean;
}

const NO_FAULTS: Faults = { latencyMs: 0, errorRate: 0, timeoutRate: 0, webhooksPaused: false };

const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'authorization, content-type',
  'access-control-allow-methods': 'POST, OPTIONS',
  'access-control-max-age': '600',
};

const isRate = (value: unknown): boolean => typeof value === 'number' && value >= 0 && value <= 1;
const FAULT_RULES: Record<keyof Faults, [valid: (value: unknown) => boolean, expected: string]> = {
  latencyMs: [
    (value) => Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 60_000,
    'an integer from 0 to 60000',
  ],
  errorRate: [isRate, 'a number from 0 to 1'],
  timeoutRate: [isRate, 'a number from 0 to 1'],
  webhooksPaused: [(value) => typeof value === 'boolean', 'true or false'],
};

/** Any subset of the switches; the others keep their values. */
function parseFaults(body: Record<string, unknown>, current: Faults): Faults {
  rejectUnknown(body, Object.keys(FAULT_RULES));
  for (const [name, [valid, expected]] of Object.entries(FAULT_RULES)) {
    if (body[name] !== undefined && !valid(body[name])) {
      throw new ApiError(400, 'parameter_invalid', `${name} must be ${expected}`);
    }
  }
  return { ...current, ...body };
}

const roll = (rate: number): boolean => rate > 0 && Math.random() < rate;

type Handler = (req: IncomingMessage, url: URL) => Reply | Promise<Reply>;
type Routes = Record<string, Partial<Record<string, Handler>> | undefined>;

/** The address of a listening server as a URL. */
function serverUrl(server: Server): string {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the provider server is not listening');
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

async function close(server: Server): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise((resolve) => server.close(resolve));
  server.closeAllConnections();
  await closed;
}

export function createProviderServer(options: ProviderServerOptions): ProviderServer {
  const logger = options.logger ?? createLogger('payment-provider', { level: 'silent' });
  const timeoutHoldMs = options.timeoutHoldMs ?? 30_000;
  const idempotency = new IdempotencyStore(options.maxRecords ? { maxKeys: options.maxRecords } : {});
  const held = new Set<NodeJS.Timeout>();
  let faults: Faults = { ...NO_FAULTS };

  const webhooks = new WebhookDispatcher({
    url: options.webhookUrl,
    secret: options.webhookSecret,
    logger,
    retryDelaysMs: options.webhookRetryDelaysMs,
    maxAttempts: options.webhookMaxAttempts,
    timeoutMs: options.webhookTimeoutMs,
    maxRecords: options.maxRecords,
  });
  const book = new PaymentBook({
    outcomeDelayMs: options.outcomeDelayMs ?? 200,
    slowCardDelayMs: options.slowCardDelayMs ?? 3000,
    ...(options.maxRecords ? { maxRecords: options.maxRecords } : {}),
    onSettled: (intent, notify) => {
      logger.info({ intent: intent.id, status: intent.status, failureCode: intent.failure_code }, 'payment settled');
      const type = intent.status === 'succeeded' ? 'payment_intent.succeeded' : 'payment_intent.payment_failed';
      const event = { id: newId('evt'), type, created: unixNow(), data: { object: intent } };
      if (notify) {
        webhooks.send(event);
      } else {
        logger.info({ intent: intent.id }, 'webhook deliberately lost (test card 4000000000000259)');
        webhooks.withhold(event);
      }
    },
  });

  /** Runs a write once per Idempotency-Key; a replay answers the first response again. */
  async function idempotent(
    req: IncomingMessage,
    path: string,
    run: (body: Record<string, unknown>) => Reply,
  ): Promise<Reply> {
    const key = req.headers['idempotency-key'];
    if (typeof key !== 'string' || key.trim() === '') {
      throw new ApiError(400, 'idempotency_key_missing', 'An Idempotency-Key header is required');
    }
    if (key.length > 255) throw new ApiError(400, 'idempotency_key_invalid', 'Idempotency-Key exceeds 255 characters');
    const body = await readJsonObject(req);
    const fingerprint = requestFingerprint(req.method ?? 'POST', path, body);
    const seen = idempotency.lookup(key, fingerprint);
    if (seen.kind === 'conflict') {
      throw new ApiError(409, 'idempotency_key_reused', 'This Idempotency-Key was used with a different request');
    }
    if (seen.kind === 'replay') return { ...seen.response, headers: { 'idempotent-replayed': 'true' } };
    const reply = run(body);
    idempotency.save(key, fingerprint, { status: reply.status, body: reply.body });
    return reply;
  }

  const secret =
    (handler: Handler): Handler =>
    (req, url) => {
      requireKey(req, options.secretKey, 'secret');
      return handler(req, url);
    };
  const setFaults = (next: Faults): Reply => {
    faults = next;
    webhooks.paused = faults.webhooksPaused;
    logger.warn({ faults }, 'faults set');
    return json(200, faults);
  };
  const routes: Routes = {
    '/health': { GET: () => json(200, { status: 'ok' }) },
    '/v1/tokens': {
      OPTIONS: () => ({ status: 204, body: '' }),
      POST: async (req) => {
        requireKey(req, options.publishableKey, 'publishable');
        const token = book.tokenize(await readJsonObject(req));
        logger.info({ tokenId: token.id, brand: token.card.brand, last4: token.card.last4 }, 'card tokenized');
        return json(201, token);
      },
    },
    '/v1/payment_intents': {
      GET: secret((_req, url) => {
        const orderId = url.searchParams.get('order_id');
        if (!orderId) throw new ApiError(400, 'parameter_missing', 'order_id is required');
        return json(200, { data: book.intentsForOrder(orderId) });
      }),
      POST: secret((req, url) =>
        idempotent(req, url.pathname, (body) => {
          const intent = book.createIntent(body);
          logger.info({ intent: intent.id, amount: intent.amount, currency: intent.currency }, 'intent created');
          return json(200, intent);
        }),
      ),
    },
    '/v1/payment_intents/:id': {
      GET: secret((_req, url) => json(200, book.intent(url.pathname.slice(20)))),
    },
    '/v1/refunds': {
      POST: secret((req, url) =>
        idempotent(req, url.pathname, (body) => {
          const refund = book.refund(body);
          logger.info({ refund: refund.id, intent: refund.payment_intent }, 'payment refunded');
          return json(200, refund);
        }),
      ),
    },
  };
  const control =
    (handler: Handler): Handler =>
    (req, url) => {
      // Unreachable without a key: listenControl refuses to start then.
      requireKey(req, options.controlKey ?? '', 'control');
      return handler(req, url);
    };
  const controlRoutes: Routes = {
    '/health': { GET: () => json(200, { status: 'ok' }) },
    '/_control/faults': {
      GET: control(() => json(200, faults)),
      POST: control(async (req) => setFaults(parseFaults(await readJsonObject(req), faults))),
      DELETE: control(() => setFaults(NO_FAULTS)),
    },
    '/_control/webhooks': {
      GET: control(() => json(200, { data: webhooks.attempts, events: webhooks.events })),
    },
  };

  async function route(req: IncomingMessage, res: ServerResponse, url: URL, table: Routes): Promise<Reply> {
    const path = url.pathname;
    const methods = table[/^\/v1\/payment_intents\/[^/]+$/.test(path) ? '/v1/payment_intents/:id' : path];
    if (methods === undefined) throw new ApiError(404, 'not_found', `Unrecognised request URL: ${path.slice(0, 100)}`);
    if (path === '/v1/tokens') for (const [name, value] of Object.entries(CORS_HEADERS)) res.setHeader(name, value);
    const handler = methods[req.method ?? 'GET'];
    if (handler === undefined) {
      throw new ApiError(405, 'method_not_allowed', `${path} takes ${Object.keys(methods).join(', ')}`);
    }
    return handler(req, url);
  }

  async function serve(req: IncomingMessage, res: ServerResponse, table: Routes): Promise<void> {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://provider.invalid');
    const faulty = url.pathname === '/v1/refunds' || url.pathname.startsWith('/v1/payment_intents');
    let withhold = false;
    let reply: Reply;
    try {
      if (faulty && faults.latencyMs > 0) await sleep(faults.latencyMs);
      if (faulty && roll(faults.errorRate)) throw new ApiError(500, 'api_error', 'Simulated gateway error');
      // Like a real lost response, a timed-out request is still processed: a retry with the
      // same Idempotency-Key finds its result, one with a new key pays twice.
      withhold = faulty && roll(faults.timeoutRate);
      reply = await route(req, res, url, table);
    } catch (error) {
      if (!(error instanceof ApiError)) logger.error({ err: error }, 'unexpected error serving a request');
      reply = (error instanceof ApiError ? error : new ApiError(500, 'api_error', 'Unexpected error')).toReply();
    }
    const log = {
      method: req.method,
      path: url.pathname,
      status: reply.status,
      ms: Math.round(performance.now() - started),
    };
    if (withhold) {
      logger.warn(log, 'response withheld (timeout fault)');
      const timer = setTimeout(() => {
        held.delete(timer);
        req.socket.destroy();
      }, timeoutHoldMs);
      held.add(timer);
      return;
    }
    const headers = { ...reply.headers, ...(reply.body !== '' && { 'content-type': 'application/json' }) };
    res.writeHead(reply.status, headers).end(reply.body);
    logger.info(log, 'request');
  }

  const serving =
    (table: Routes) =>
    (req: IncomingMessage, res: ServerResponse): void => {
      serve(req, res, table).catch((error: unknown) => {
        logger.error({ err: error }, 'failed to answer a request');
        res.destroy();
      });
    };
  const httpServer = createServer(serving(routes));
  const controlServer = createServer(serving(controlRoutes));

  return {
    httpServer,
    listen: (port, host = '127.0.0.1') => listen(httpServer, port, host),
    listenControl: async (port) => {
      if (!options.controlKey) throw new Error('the control endpoints need a control key');
      // Loopback, whatever the API binds: tests on this host steer the simulator, nobody else.
      await listen(controlServer, port, '127.0.0.1');
    },
    async stop() {
      book.stop();
      webhooks.stop();
      for (const timer of held) clearTimeout(timer);
      held.clear();
      await Promise.all([close(httpServer), close(controlServer)]);
    },
    get url() {
      return serverUrl(httpServer);
    },
    get controlUrl() {
      return serverUrl(controlServer);
    },
  };
}
