import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { EVENT_TYPES, type EventPayloads, type EventType } from './catalogue.ts';

/** Where the JSON Schemas live: `schema/events/<kebab-type>.v1.json` at the repository root. */
export const SCHEMA_DIR = new URL('../../../schema/events/', import.meta.url);

export const schemaFile = (type: EventType): URL =>
  new URL(`${type.replace(/(?<!^)(?=[A-Z])/g, '-').toLowerCase()}.v1.json`, SCHEMA_DIR);

/** Thrown for a message that is not a valid event: unknown type, bad JSON, or a payload its schema refuses. */
export class InvalidEvent extends Error {
  constructor(reason: string) {
    super(`invalid event: ${reason}`);
    this.name = 'InvalidEvent';
  }
}

let validators: Map<EventType, ValidateFunction> | undefined;

function compiled(): Map<EventType, ValidateFunction> {
  if (validators) return validators;
  const ajv = new Ajv2020({ allErrors: true });
  // Our own annotation naming the topic; documentation for readers, nothing to check.
  ajv.addKeyword({ keyword: 'x-topic', schemaType: 'string' });
  validators = new Map(
    EVENT_TYPES.map((type) => [type, ajv.compile(JSON.parse(readFileSync(schemaFile(type), 'utf8')) as object)]),
  );
  return validators;
}

/** Checks a payload against its type's JSON Schema; returns it typed or throws {@link InvalidEvent}. */
export function validatePayload<T extends EventType>(type: T, payload: unknown): EventPayloads[T] {
  const validate = compiled().get(type);
  if (!validate) throw new InvalidEvent(`unknown event type ${type}`);
  if (!validate(payload)) {
    const details = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`).join('; ');
    throw new InvalidEvent(`${type}: ${details}`);
  }
  return payload as EventPayloads[T];
}
