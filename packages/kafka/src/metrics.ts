import type { Consumer } from 'kafkajs';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Seconds a handler or a batch takes: from a cached no-op (a ms) to a retry's backoff (tens of seconds). */
const HANDLING_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** The consumer series of one registry; a process with several consumers shares them, labelled by group. */
interface ConsumerMetrics {
  messages: Counter<'group' | 'topic' | 'partition'>;
  batchDuration: Histogram<'group' | 'topic'>;
  lag: Gauge<'group' | 'topic' | 'partition'>;
  events: Counter<'group' | 'topic' | 'type' | 'outcome'>;
  eventDuration: Histogram<'group' | 'type'>;
  eventAge: Histogram<'group' | 'topic'>;
}

/**
 * Seconds an event waited before a consumer took it up: a fraction of a second while the
 * pipeline keeps up, minutes while a connector or a consumer was down.
 */
export const EVENT_AGE_BUCKETS: readonly number[] = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

/**
 * Seconds from a message's timestamp to `now`, or undefined when it carries none. Clocks of
 * the producer and this process may differ a little; a message is not consumed before it
 * was produced, so a negative age reads 0.
 */
export function messageAgeSeconds(timestamp: string | undefined, now: number): number | undefined {
  const produced = Number(timestamp);
  if (timestamp === undefined || timestamp === '' || !Number.isFinite(produced) || produced <= 0) return undefined;
  return Math.max(0, now - produced) / 1000;
}

// prom-client refuses a second series of one name in a registry: each registry gets them once.
const byRegistry = new WeakMap<Registry, ConsumerMetrics>();

/** The Kafka consumer series on `registry`, created on first use. */
export function consumerMetrics(registry: Registry): ConsumerMetrics {
  let metrics = byRegistry.get(registry);
  if (metrics) return metrics;
  const registers = [registry];
  metrics = {
    messages: new Counter({
      name: 'kafka_consumer_messages_total',
      help: 'Messages consumed (handled or dead-lettered), by group, topic and partition',
      labelNames: ['group', 'topic', 'partition'] as const,
      registers,
    }),
    batchDuration: new Histogram({
      name: 'kafka_consumer_batch_duration_seconds',
      help: 'Time to process one fetched batch, by group and topic',
      labelNames: ['group', 'topic'] as const,
      buckets: HANDLING_BUCKETS,
      registers,
    }),
    lag: new Gauge({
      name: 'kafka_consumer_lag',
      help: "Messages behind the partition's high watermark after the last batch processed, by group, topic and partition",
      labelNames: ['group', 'topic', 'partition'] as const,
      registers,
    }),
    events: new Counter({
      name: 'kafka_consumer_events_total',
      help: 'Domain events handled, by group, topic, event type and outcome (ok, dead_lettered, invalid)',
      labelNames: ['group', 'topic', 'type', 'outcome'] as const,
      registers,
    }),
    eventDuration: new Histogram({
      name: 'kafka_consumer_event_duration_seconds',
      help: 'Time to apply one domain event (its retries included), by group and event type',
      labelNames: ['group', 'type'] as const,
      buckets: HANDLING_BUCKETS,
      registers,
    }),
    eventAge: new Histogram({
      name: 'kafka_consumer_event_age_seconds',
      help:
        "Seconds from a message's timestamp to the start of its handling, by group and topic. For an outbox " +
        'event the timestamp is when Debezium read the committed row from the WAL, so this is publish → consumed; ' +
        'the slot lag (db_replication_slot_lag_bytes) shows the commit → publish part',
      labelNames: ['group', 'topic'] as const,
      buckets: [...EVENT_AGE_BUCKETS],
      registers,
    }),
  };
  byRegistry.set(registry, metrics);
  return metrics;
}

/**
 * Measures a kafkajs consumer from its own instrumentation events: messages consumed, batch
 * durations and the lag each batch leaves behind (the fetch response's high watermark minus
 * the batch's last offset). No polling and no extra broker request: an idle consumer costs
 * nothing, and its lag stays at what its last batch left, which is 0 once it caught up.
 */
export function measureConsumer(consumer: Consumer, groupId: string, registry: Registry): void {
  const metrics = consumerMetrics(registry);
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    const partition = String(payload.partition);
    metrics.messages.inc({ group: groupId, topic: payload.topic, partition }, payload.batchSize);
    metrics.batchDuration.observe({ group: groupId, topic: payload.topic }, payload.duration / 1000);
    metrics.lag.set({ group: groupId, topic: payload.topic, partition }, Number(payload.offsetLag));
  });
}
