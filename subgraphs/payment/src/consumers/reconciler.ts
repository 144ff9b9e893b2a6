import { pruneEventTables, type EntityManager, type MikroORM } from '@emporium/db';
import type { Logger } from '@emporium/logging';
import { applyIntent, type OutcomeResult } from '../services/outcome.service.ts';
import type { ProviderClient, ProviderIntent } from '../services/provider-client.ts';
import { refundLatePayments } from '../services/refund.service.ts';

const BATCH_SIZE = 50;
/** Outbox rows are an audit trail once published; applied ids must outlive any redelivery. */
const EVENT_RETENTION_DAYS = 7;
const PRUNE_INTERVAL_MS = 60 * 60 * 1000;
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

/** A running reconciler. */
export interface Reconciler {
  /** Finishes the pass in hand, then stops. */
  stop(): Promise<void>;
}

/**
 * Every `intervalMs`: reconciles waiting payments, refunds late captures the consumer
 * could not refund at the time, and prunes the outbox and processed ids once an hour. A
 * failed pass is logged and tried again on the next tick.
 */
export function startReconciler(deps: {
  orm: MikroORM;
  provider: ProviderClient;
  logger: Logger;
  afterSeconds: number;
  intervalMs: number;
}): Reconciler {
  const logger = deps.logger.child({ component: 'reconciler' });
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let lastPrunedAt = 0;

  const tick = async (): Promise<void> => {
    try {
      await reconcilePayments(deps.orm.em.fork(), deps.provider, logger, deps.afterSeconds);
      await refundLatePayments(deps.orm.em.fork(), deps.provider, logger);
      if (Date.now() - lastPrunedAt >= PRUNE_INTERVAL_MS) {
        await pruneEventTables(deps.orm.em.fork(), EVENT_RETENTION_DAYS, ['outbox', 'processed_events']);
        lastPrunedAt = Date.now();
      }
    } catch (error) {
      logger.error({ err: error }, 'reconciliation failed; retrying on the next tick');
    }
  };

  let running: Promise<void> = Promise.resolve();
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick().finally(schedule);
    }, deps.intervalMs);
  };
  running = tick().finally(schedule);

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
