import type { EntityManager } from '@emporium/db';
import type { Logger } from '@emporium/logging';
import { applyIntent, type OutcomeResult } from './outcome.service.ts';
import type { ProviderIntent } from './provider-client.ts';

/** A provider event as its webhook delivers it. */
export interface ProviderEvent {
  id: string;
  type: string;
  created: number;
  data: { object: ProviderIntent };
}

/** The events that carry an intent's outcome; others are recorded and ignored. */
const OUTCOME_EVENTS = new Set(['payment_intent.succeeded', 'payment_intent.payment_failed']);
const INTENT_STATUSES = new Set(['processing', 'succeeded', 'failed']);

/** The event if the parsed body has the shape of one, else null. */
export function readProviderEvent(body: unknown): ProviderEvent | null {
  if (typeof body !== 'object' || body === null) return null;
  const { id, type, data } = body as Record<string, unknown>;
  if (typeof id !== 'string' || id === '' || id.length > 255 || typeof type !== 'string') return null;
  const object = typeof data === 'object' && data !== null ? (data as { object?: unknown }).object : undefined;
  if (typeof object !== 'object' || object === null) return null;
  const intent = object as Record<string, unknown>;
  if (typeof intent['id'] !== 'string' || typeof intent['status'] !== 'string') return null;
  if (!INTENT_STATUSES.has(intent['status'])) return null;
  return body as ProviderEvent;
}

/** Rolls back the recording of an event whose payment is not known (yet). */
class UnknownPayment extends Error {}

/**
 * Applies one verified webhook event, once: its id is recorded in provider_events in the
 * transaction of its effect, so a redelivery (the provider retries until it gets a 2xx)
 * changes nothing. An event for a payment not known here is not recorded: answered with a
 * retryable status, the provider delivers it again once payOrder's own write is visible.
 */
export async function handleProviderEvent(
  em: EntityManager,
  event: ProviderEvent,
  logger: Logger,
): Promise<OutcomeResult | 'duplicate' | 'ignored'> {
  try {
    return await em.transactional(async (tx) => {
      const recorded = await tx.execute<{ id: string }[]>(
        'insert into provider_events (id, type, received_at) values (?, ?, now()) on conflict do nothing returning id',
        [event.id, event.type],
      );
      if (recorded.length === 0) return 'duplicate';
      if (!OUTCOME_EVENTS.has(event.type)) return 'ignored';
      const result = await applyIntent(tx, event.data.object, logger);
      if (result === 'unknown_payment') throw new UnknownPayment();
      return result;
    });
  } catch (error) {
    if (error instanceof UnknownPayment) return 'unknown_payment';
    throw error;
  }
}
