import { ROOT_CONTEXT, SpanKind, SpanStatusCode, propagation, trace, type TextMapGetter } from '@opentelemetry/api';
import type { IHeaders } from 'kafkajs';

const tracer = trace.getTracer('@emporium/kafka');

/**
 * Reads W3C trace context from kafkajs headers: Buffers as they arrive, strings as a test
 * may send them, and null where Debezium placed an outbox row's null `traceparent` (work
 * that was not traced), which must read as no context at all.
 */
const headerGetter: TextMapGetter<IHeaders> = {
  keys: (headers) => Object.keys(headers),
  get: (headers, key) => {
    const raw: unknown = headers[key];
    const value: unknown = Array.isArray(raw) ? raw[0] : raw;
    return Buffer.isBuffer(value) || typeof value === 'string' ? value.toString() : undefined;
  },
};

/**
 * The W3C `traceparent` a message carries (an outbox row's, placed by Debezium), or
 * undefined: for work that passes the trace on without a consumer span of its own, e.g. a
 * subscription push.
 */
export function traceparentOf(headers: IHeaders | undefined): string | undefined {
  const value = headers ? headerGetter.get(headers, 'traceparent') : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** What the span of one consumed message says about it. */
export interface ConsumedMessage {
  groupId: string;
  topic: string;
  partition: number;
  offset: string;
  headers: IHeaders | undefined;
  event?: { id: string; type: string };
}

/**
 * Runs `work` (applying one message) in a consumer span that continues the trace of whoever
 * wrote the message: the outbox row's `traceparent`, which Debezium places in the message's
 * headers. The queries and outbox rows the work writes then join that trace, so one trace
 * follows a checkout from the client through every worker. A message without trace context
 * starts a trace of its own (sampled like any new one). With tracing off every call here is
 * a no-op of the OpenTelemetry API.
 */
export function inConsumerSpan<T>(message: ConsumedMessage, work: () => Promise<T>): Promise<T> {
  const parent = propagation.extract(ROOT_CONTEXT, message.headers ?? {}, headerGetter);
  return tracer.startActiveSpan(
    `process ${message.event?.type ?? message.topic}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.destination.name': message.topic,
        'messaging.destination.partition.id': String(message.partition),
        'messaging.kafka.offset': message.offset,
        'messaging.consumer.group.name': message.groupId,
        ...(message.event
          ? { 'messaging.message.id': message.event.id, 'emporium.event.type': message.event.type }
          : {}),
      },
    },
    parent,
    async (span) => {
      try {
        return await work();
      } catch (error) {
        span.recordException(error instanceof Error ? error : String(error));
        span.setStatus({ code: SpanStatusCode.ERROR });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}
