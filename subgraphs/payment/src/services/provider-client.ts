import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@emporium/logging';
import { CircuitBreaker } from './circuit-breaker.ts';

/** A payment intent as the provider shows it. */
export interface ProviderIntent {
  id: string;
  status: 'processing' | 'succeeded' | 'failed';
  amount: number;
  currency: string;
  metadata: Record<string, unknown> | null;
  failure_code: string | null;
  failure_message: string | null;
  refunded?: boolean;
}

/** What the provider made of a request that reached it, or why it did not. */
export type ProviderResult<T> =
  | { kind: 'ok'; value: T }
  /** A 4xx: the provider is up and refused this request; retrying it unchanged would not help. */
  | { kind: 'rejected'; status: number; code: string; message: string }
  /** 5xx, timeouts, network errors after the retries, or the circuit is open: nothing is known to have happened. */
  | { kind: 'unavailable'; reason: string };

export type PaymentMethod = { type: 'card'; token: string } | { type: 'upi'; vpa: string };

/** Options of {@link ProviderClient}. */
export interface ProviderClientOptions {
  baseUrl: string;
  secretKey: string;
  /** Per attempt. */
  timeoutMs: number;
  /** All attempts of one call, backoff included, end within this; payOrder answers within about two seconds. */
  totalBudgetMs?: number;
  /** Retries after the first attempt, on 5xx, timeouts and network errors only. */
  retries?: number;
  breaker?: CircuitBreaker;
  logger: Logger;
}

const BACKOFF_MS = [100, 250];
/** An attempt with less time than this left would only time out. */
const MIN_ATTEMPT_MS = 50;

/**
 * The provider's server API, called with the secret key. Every call is bounded: a timeout
 * per attempt, up to two retries with short backoff on 5xx, timeouts and network errors,
 * all within a total budget, behind a circuit breaker that fails fast while the provider
 * is down. Calls that create something carry an Idempotency-Key, so a retry after a lost
 * answer gets the same result instead of a second charge.
 */
export class ProviderClient {
  readonly #options: ProviderClientOptions;
  readonly #breaker: CircuitBreaker;
  readonly #logger: Logger;

  constructor(options: ProviderClientOptions) {
    this.#options = options;
    this.#breaker = options.breaker ?? new CircuitBreaker();
    this.#logger = options.logger.child({ component: 'payment-provider' });
  }

  get breaker(): CircuitBreaker {
    return this.#breaker;
  }

  /** Submits a payment; `idempotencyKey` is the payment's id, so a retried submission reuses its intent. */
  createIntent(
    idempotencyKey: string,
    input: { amountMinor: number; currencyCode: string; method: PaymentMethod; metadata: Record<string, string> },
  ): Promise<ProviderResult<ProviderIntent>> {
    return this.#call<ProviderIntent>('POST', '/v1/payment_intents', {
      idempotencyKey,
      body: {
        amount: input.amountMinor,
        currency: input.currencyCode,
        payment_method: input.method,
        metadata: input.metadata,
      },
    });
  }

  getIntent(intentId: string): Promise<ProviderResult<ProviderIntent>> {
    return this.#call<ProviderIntent>('GET', `/v1/payment_intents/${encodeURIComponent(intentId)}`);
  }

  listIntents(orderId: string): Promise<ProviderResult<{ data: ProviderIntent[] }>> {
    return this.#call<{ data: ProviderIntent[] }>('GET', `/v1/payment_intents?order_id=${encodeURIComponent(orderId)}`);
  }

  refund(intentId: string, idempotencyKey: string): Promise<ProviderResult<{ id: string; status: string }>> {
    return this.#call('POST', '/v1/refunds', { idempotencyKey, body: { payment_intent: intentId } });
  }

  async #call<T>(
    method: 'GET' | 'POST',
    path: string,
    request: { idempotencyKey?: string; body?: unknown } = {},
  ): Promise<ProviderResult<T>> {
    if (!this.#breaker.tryAcquire()) return { kind: 'unavailable', reason: 'circuit_open' };
    const url = new URL(path, this.#options.baseUrl);
    const headers: Record<string, string> = { authorization: `Bearer ${this.#options.secretKey}` };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    if (request.idempotencyKey !== undefined) headers['idempotency-key'] = request.idempotencyKey;
    const body = request.body === undefined ? null : JSON.stringify(request.body);
    const deadline = Date.now() + (this.#options.totalBudgetMs ?? 1800);
    const retries = this.#options.retries ?? 2;
    let reason = 'no_attempt';

    for (let attempt = 0; attempt <= retries; attempt += 1) {
      if (attempt > 0) {
        const delay = BACKOFF_MS[attempt - 1] ?? BACKOFF_MS.at(-1) ?? 0;
        if (deadline - Date.now() < delay + MIN_ATTEMPT_MS) break;
        await sleep(delay);
      }
      const remaining = deadline - Date.now();
      if (remaining < MIN_ATTEMPT_MS) break;
      try {
        const response = await fetch(url, {
          method,
          headers,
          body,
          signal: AbortSignal.timeout(Math.min(this.#options.timeoutMs, remaining)),
        });
        const text = await response.text();
        if (response.status >= 500) {
          reason = `http_${response.status}`;
          this.#logger.warn({ method, path: url.pathname, status: response.status, attempt }, 'provider error');
          continue;
        }
        this.#breaker.recordSuccess();
        const parsed = parseJson(text);
        if (response.ok) return { kind: 'ok', value: parsed as T };
        const error = readError(parsed);
        return { kind: 'rejected', status: response.status, ...error };
      } catch (error) {
        reason = error instanceof Error && error.name === 'TimeoutError' ? 'timeout' : 'network_error';
        this.#logger.warn({ method, path: url.pathname, attempt, reason, err: error }, 'provider call failed');
      }
    }
    this.#breaker.recordFailure();
    return { kind: 'unavailable', reason };
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

function readError(body: unknown): { code: string; message: string } {
  const error = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  if (typeof error === 'object' && error !== null) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    return {
      code: typeof code === 'string' ? code : 'unknown',
      message: typeof message === 'string' ? message : '',
    };
  }
  return { code: 'unknown', message: '' };
}
