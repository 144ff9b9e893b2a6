/**
 * The contracts between services, apart from the infrastructure packages: the domain
 * events on the outbox topics (their JSON Schemas in schema/events/ and their wire form),
 * the row shapes of the tables Debezium captures for other services, and the order
 * lifecycle every service that follows an order agrees on.
 */
export * from './catalogue.ts';
export * from './order-lifecycle.ts';
export { CDC_ROWS, cdcTablesOf, cdcTopic, readCdcKey, readCdcRow } from './cdc-rows.ts';
export type { CdcColumnKind, CdcRow, CdcTable } from './cdc-rows.ts';
export { InvalidEvent, SCHEMA_DIR, schemaFile, validatePayload } from './validate.ts';
export { EVENT_ID_HEADER, EVENT_TYPE_HEADER, decodeEventMessage, encodeEventMessage } from './wire.ts';
export type { EventMessage } from './wire.ts';
export {
  InvalidChangeEvent,
  UNAVAILABLE_VALUE,
  column,
  isRecord,
  nullableColumn,
  readChangeEnvelope,
} from './change-event.ts';
export type { ChangeEnvelope, RawRow } from './change-event.ts';
