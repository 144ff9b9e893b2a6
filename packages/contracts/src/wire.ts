/**
 * How an event looks on Kafka. Debezium's outbox event router writes each outbox row as a
 * message keyed by `aggregateid`, with the row's `id` in the `id` header, its `type` in the
 * `eventType` header (cdc-connectors/*-outbox.json place it there). Kafka Connect's JSON
 * converter writes the key as a JSON string and the payload as a JSON string holding the
 * jsonb text: expanding it into a structure instead would drop its null fields. Consumers read that shape here, and tests that stand in for a producer not built
 * yet write exactly the same shape.
 */
import { isEventType, type DomainEvent, type EventPayloads, type EventType } from './catalogue.ts';
import { InvalidEvent, validatePayload } from './validate.ts';

export const EVENT_ID_HEADER = 'id';
export const EVENT_TYPE_HEADER = 'eventType';

type HeaderValue = Buffer | string | (Buffer | string)[] | undefined;

/** A Kafka message as kafkajs hands it over (only the parts an event needs). */
export interface EventMessage {
  key: Buffer | string | null;
  value: Buffer | string | null;
  headers?: Record<string, HeaderValue>;
}

function header(headers: EventMessage['headers'], name: string): string | undefined {
  const raw = headers?.[name];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return value === undefined ? undefined : value.toString();
}

/** The aggregate id: Connect's JSON converter quotes it, a plain producer may not. */
function readKey(key: EventMessage['key']): string {
  const text = key?.toString() ?? '';
  if (!text.startsWith('"')) return text;
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'string' ? parsed : text;
  } catch {
    return text;
  }
}

/** Reads and validates one message; throws {@link InvalidEvent} for anything that is not an event of ours. */
export function decodeEventMessage(message: EventMessage): DomainEvent {
  const id = header(message.headers, EVENT_ID_HEADER);
  const type = header(message.headers, EVENT_TYPE_HEADER);
  if (!id) throw new InvalidEvent(`no ${EVENT_ID_HEADER} header`);
  if (!isEventType(type)) throw new InvalidEvent(`unknown event type ${JSON.stringify(type)}`);
  if (message.value === null) throw new InvalidEvent('no value');
  let payload: unknown;
  try {
    payload = JSON.parse(message.value.toString());
    // The payload arrives as a JSON string of JSON (see above); a plain JSON object is accepted too.
    if (typeof payload === 'string') payload = JSON.parse(payload);
  } catch {
    throw new InvalidEvent(`${type} ${id}: value is not JSON`);
  }
  return {
    id,
    type,
    aggregateId: readKey(message.key),
    payload: validatePayload(type, payload),
  } as DomainEvent;
}

/** The message the outbox router would publish for an event; for tests and tools standing in for a producer. */
export function encodeEventMessage<T extends EventType>(event: {
  id: string;
  type: T;
  aggregateId: string;
  payload: EventPayloads[T];
}): { key: string; value: string; headers: Record<string, string> } {
  validatePayload(event.type, event.payload);
  return {
    key: event.aggregateId,
    value: JSON.stringify(event.payload),
    headers: { [EVENT_ID_HEADER]: event.id, [EVENT_TYPE_HEADER]: event.type },
  };
}
