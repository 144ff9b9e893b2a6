import type { EntityManager } from '@emporium/db';
import type { Logger } from '@emporium/logging';
import { applyIntent, type OutcomeResult } from '../services/outcome.service.ts';
import type { ProviderClient, ProviderIntent } from '../services/provider-client.ts';

const BATCH_SIZE = 50;
/** A payment whose process died between its insert and the provider's answer has no intent id; its submission is given up after this. */
const ABANDONED_SUBMISSION_SECONDS = 60;

/**
 * Asks the provider about payments that have waited for an outcome longer than
 * `afterSeconds` (the webhook may be lost, or late) and applies what it says through the
 * same path as the webhook, so whichever comes first wins and the other changes nothing.
 * A payment without an intent id (its process stopped mid-submission) is looked up by its
 * order; if the provider never took it, it becomes SUBMIT_FAILED. Returns each payment's result.
 */
export async function reconcilePayments(
  em: EntityManager,
  provider: ProviderClient,
  logger: Logger,
  afterSeconds: number,
): Promise<Map<string, OutcomeResult | 'still_processing' | 'unavailable'>> {
  const due = await em.execute<{ id: string; order_id: string; provider_intent_id: string | null; age: number }[]>(
    `select id, order_id, provider_intent_id, extract(epoch from now() - updated_at)::float as age from payments
     where status = 'PROCESSING' and updated_at < now() - make_interval(secs => ?)
     order by updated_at limit ?`,
    [afterSeconds, BATCH_SIZE],
  );
  const results = new Map<string, OutcomeResult | 'still_processing' | 'unavailable'>();
  for (const payment of due) {
    let intent: ProviderIntent | undefined;
    if (payment.provider_intent_id) {
      const found = await provider.getIntent(payment.provider_intent_id);
      if (found.kind !== 'ok') {
        results.set(payment.id, 'unavailable');
        continue;
      }
      intent = found.value;
    } else {
      const listed = await provider.listIntents(payment.order_id);
      if (listed.kind !== 'ok') {
        results.set(payment.id, 'unavailable');
        continue;
      }
      intent = listed.value.data.find((candidate) => candidate.metadata?.['paymentId'] === payment.id);
      if (!intent) {
        if (payment.age >= ABANDONED_SUBMISSION_SECONDS) {
          await em.execute(
            `update payments set status = 'SUBMIT_FAILED', failure_reason = 'provider_unavailable',
               updated_at = clock_timestamp() where id = ? and status = 'PROCESSING' and provider_intent_id is null`,
            [payment.id],
          );
          logger.warn({ paymentId: payment.id }, 'abandoned submission: the provider never took it');
        }
        results.set(payment.id, 'unchanged');
        continue;
      }
    }
    const result = await applyIntent(em, intent, logger, payment.id);
    if (result !== 'unchanged') logger.info({ paymentId: payment.id, intentId: intent.id, result }, 'reconciled');
    results.set(payment.id, intent.status === 'processing' && result === 'unchanged' ? 'still_processing' : result);
  }
  return results;
}
