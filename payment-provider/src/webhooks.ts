import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Logger } from '@emporium/logging';

export const SIGNATURE_HEADER = 'Emporium-Pay-Signature';

/** 0.5 s, 1 s, 2 s, 4 s, 8 s, then every 15 s: the last delay repeats. */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [500, 1000, 2000, 4000, 8000, 15_000];

const hmac = (secret: string, timestamp: number, rawBody: string): string =>
  createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');

/** The Emporium-Pay-Signature header value: `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export function signWebhook(secret: string, timestamp: number, rawBody: string): string {
  return `t=${timestamp},v1=${hmac(secret, timestamp, rawBody)}`;
}

/**
 * True when one of the header's v1 signatures matches the body and its timestamp is within
 * `toleranceSeconds` of `now` (unix seconds), which bounds how long a captured delivery
 * can be replayed.
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | undefined,
  rawBody: string,
  toleranceSeconds = 300,
  now = Math.floor(Date.now() / 1000),
): boolean {
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of (header ?? '').split(',')) {
    const [name, value = ''] = part.trim().split('=', 2);
    if (name === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (name === 'v1') signatures.push(value);
  }
  if (timestamp === undefined || Math.abs(now - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(hmac(secret, timestamp, rawBody));
  return signatures.some((signature) => {
    const candidate = Buffer.from(signature);
    return candidate.length === expected.length && timingSafeEqual(candidate, expected);
  });
}

/** One POST to the webhook endpoint, as listed by GET /_control/webhooks. */
export interface WebhookAttempt {
  eventId: string;
  type: string;
  attempt: number;
  /** Null when no response came (refused, reset, timed out). */
  statusCode: number | null;
  error: string | null;
  /** The payment intent the event is about. */
  objectId: string | null;
  /** When the attempt was sent. */
  sentAt: string;
  /** When it ended (answered, failed or timed out). */
  at: string;
}

/**
 * Where an event stands, as listed by GET /_control/webhooks: `held` while deliveries are
 * paused, `sending` during an attempt, `retrying` between attempts, then `delivered` or
 * `abandoned`; `withheld` for an event deliberately never sent (test card 4000000000000259).
 * A settled state is final: no attempt follows it, which is what lets a test assert that
 * a webhook did not arrive without waiting a guessed time.
 */
export type WebhookEventState = 'held' | 'sending' | 'retrying' | 'delivered' | 'abandoned' | 'withheld';

export interface WebhookEventRecord {
  eventId: string;
  type: string;
  /** The payment intent the event is about. */
  objectId: string | null;
  state: WebhookEventState;
  attempts: number;
}

/** `{"id": "evt_…", "type", "created", "data": {"object": …}}`, POSTed as JSON. */
export interface WebhookEvent {
  id: string;
  type: string;
  created: number;
  data: { object: unknown };
}

const objectIdOf = (event: WebhookEvent): string | null => {
  const object = event.data.object;
  return typeof object === 'object' && object !== null && 'id' in object && typeof object.id === 'string'
    ? object.id
    : null;
};

interface Delivery {
  event: WebhookEvent;
  body: string;
  attempt: number;
}

export interface WebhookDispatcherOptions {
  url: string;
  secret: string;
  logger: Logger;
  /** Waits between attempts, the last repeating; {@link DEFAULT_RETRY_DELAYS_MS}. */
  retryDelaysMs?: readonly number[] | undefined;
  /** 10. */
  maxAttempts?: number | undefined;
  /** An attempt without a 2xx within this time failed; 5 s. */
  timeoutMs?: number | undefined;
  /** The most events and attempts remembered for the control log, the oldest forgotten first; 10,000. */
  maxRecords?: number | undefined;
}

const DEFAULT_MAX_RECORDS = 10_000;

/**
 * Delivers each event until the endpoint answers 2xx: the same event id and body every
 * attempt, a fresh timestamp and signature each time, backing off between attempts up to
 * the limit. While paused, deliveries wait and go out on resume.
 */
export class WebhookDispatcher {
  readonly #attempts: WebhookAttempt[] = [];
  readonly #events = new Map<string, WebhookEventRecord>();
  readonly #options: WebhookDispatcherOptions;
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #shutdown = new AbortController();
  #held: Delivery[] = [];
  #paused = false;

  constructor(options: WebhookDispatcherOptions) {
    this.#options = options;
  }

  /** Every attempt, oldest first (the control log). */
  get attempts(): readonly WebhookAttempt[] {
    return this.#attempts;
  }

  /** Every event and where it stands, oldest first (the control log). */
  get events(): WebhookEventRecord[] {
    return [...this.#events.values()].map((record) => ({ ...record }));
  }

  send(event: WebhookEvent): void {
    this.#record(event, 'sending');
    this.#deliver({ event, body: JSON.stringify(event), attempt: 1 });
  }

  /** Records an event that is deliberately never delivered, so the control log shows it settled. */
  withhold(event: WebhookEvent): void {
    this.#record(event, 'withheld');
  }

  set paused(paused: boolean) {
    this.#paused = paused;
    const held = paused ? [] : this.#held.splice(0);
    for (const delivery of held) this.#deliver(delivery);
  }

  stop(): void {
    this.#shutdown.abort();
    for (const timer of this.#timers) clearTimeout(timer);
    this.#held = [];
  }

  #record(event: WebhookEvent, state: WebhookEventState): void {
    this.#events.set(event.id, {
      eventId: event.id,
      type: event.type,
      objectId: objectIdOf(event),
      state,
      attempts: 0,
    });
    const max = this.#options.maxRecords ?? DEFAULT_MAX_RECORDS;
    // A Map iterates in insertion order: the first key is the oldest event.
    for (const oldest of this.#events.keys()) {
      if (this.#events.size <= max) break;
      this.#events.delete(oldest);
    }
  }

  #setState(eventId: string, state: WebhookEventState, attempts?: number): void {
    const record = this.#events.get(eventId);
    if (!record) return;
    record.state = state;
    if (attempts !== undefined) record.attempts = attempts;
  }

  #deliver(delivery: Delivery): void {
    if (this.#shutdown.signal.aborted) return;
    this.#setState(delivery.event.id, this.#paused ? 'held' : 'sending');
    if (this.#paused) this.#held.push(delivery);
    else void this.#attempt(delivery);
  }

  async #attempt(delivery: Delivery): Promise<void> {
    const { event, body, attempt } = delivery;
    const { url, secret, logger, retryDelaysMs = DEFAULT_RETRY_DELAYS_MS, maxAttempts = 10 } = this.#options;
    let statusCode: number | null = null;
    let error: string | null = null;
    const sentAt = new Date().toISOString();
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'EmporiumPay-Webhooks/1.0',
          [SIGNATURE_HEADER]: signWebhook(secret, Math.floor(Date.now() / 1000), body),
        },
        body,
        signal: AbortSignal.any([AbortSignal.timeout(this.#options.timeoutMs ?? 5000), this.#shutdown.signal]),
      });
      await response.body?.cancel();
      statusCode = response.status;
    } catch (caught) {
      if (this.#shutdown.signal.aborted) return;
      // fetch reports every network failure as "fetch failed"; the cause says which one.
      const cause = caught instanceof Error && caught.cause instanceof Error ? ` (${caught.cause.message})` : '';
      error = caught instanceof Error ? `${caught.message}${cause}` : String(caught);
    }
    this.#attempts.push({
      eventId: event.id,
      type: event.type,
      attempt,
      statusCode,
      error,
      objectId: objectIdOf(event),
      sentAt,
      at: new Date().toISOString(),
    });
    const max = this.#options.maxRecords ?? DEFAULT_MAX_RECORDS;
    if (this.#attempts.length > max) this.#attempts.splice(0, this.#attempts.length - max);
    if (statusCode !== null && statusCode >= 200 && statusCode < 300) {
      this.#setState(event.id, 'delivered', attempt);
      return;
    }
    if (attempt >= maxAttempts) {
      this.#setState(event.id, 'abandoned', attempt);
      logger.error({ event: event.id, attempt, statusCode, error }, 'webhook abandoned');
      return;
    }
    this.#setState(event.id, 'retrying', attempt);
    logger.warn({ event: event.id, attempt, statusCode, error }, 'webhook failed; retrying');
    const timer = setTimeout(
      () => {
        this.#timers.delete(timer);
        this.#deliver({ ...delivery, attempt: attempt + 1 });
      },
      retryDelaysMs[Math.min(attempt, retryDelaysMs.length) - 1] ?? 15_000,
    );
    this.#timers.add(timer);
  }
}
