import { AsyncLocalStorage } from 'node:async_hooks';
import { trace } from '@opentelemetry/api';
import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/**
 * What every log line of one piece of work (a request) carries: its `requestId`, and once
 * known its operation name and caller id. Mutable, so a field learnt halfway (the operation,
 * after parsing) shows on every later line.
 */
export interface LogFields {
  requestId?: string;
  operation?: string;
  callerId?: string;
}

const scope = new AsyncLocalStorage<LogFields>();

/** Runs `work` with `fields` on every log line written inside it, wherever in its async work. */
export function withLogFields<T>(fields: LogFields, work: () => T): T {
  return scope.run({ ...fields }, work);
}

/** Adds fields to the work in hand's log lines (nothing outside any {@link withLogFields}). */
export function addLogFields(fields: LogFields): void {
  const current = scope.getStore();
  if (current) Object.assign(current, fields);
}

/** The log fields of the work in hand, or undefined outside any. */
export const currentLogFields = (): Readonly<LogFields> | undefined => scope.getStore();

/**
 * The ambient fields of a line: the work's own, and the trace it belongs to, so a line
 * leads to its trace and a trace to its lines. Without tracing there is no active span and
 * this costs a lookup.
 */
function ambientFields(): Record<string, string> {
  const fields: Record<string, string> = {};
  const work = scope.getStore();
  if (work?.requestId) fields['requestId'] = work.requestId;
  if (work?.operation) fields['operation'] = work.operation;
  if (work?.callerId) fields['callerId'] = work.callerId;
  const span = trace.getActiveSpan()?.spanContext();
  if (span && trace.isSpanContextValid(span)) {
    fields['traceId'] = span.traceId;
    fields['spanId'] = span.spanId;
  }
  return fields;
}

/**
 * The one way processes create their logger: JSON lines on stdout, with secrets redacted
 * wherever they may appear in structured fields, so a log line never carries a token or
 * a password even when a caller logs a whole request. Every line inside a request carries
 * its `requestId`, operation and caller ({@link withLogFields}) and its `traceId`.
 */
export function createLogger(
  name: string,
  options: {
    level?: string;
    /** Where lines go: stdout unless given (tests read them back). */
    destination?: NodeJS.WritableStream;
  } = {},
): Logger {
  const settings: LoggerOptions = {
    name,
    level: options.level ?? 'info',
    mixin: ambientFields,
    redact: {
      paths: [
        'password',
        '*.password',
        'token',
        '*.token',
        'authorization',
        '*.authorization',
        'headers.authorization',
        'req.headers.authorization',
      ],
      censor: '[redacted]',
    },
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}
