import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  propagation,
  trace,
  type Attributes,
  type Tracer,
} from '@opentelemetry/api';

const tracer: Tracer = trace.getTracer('@emporium/telemetry');

/** What a span under a carried trace context does: it sends a message on, or does work of its own. */
export type CarriedSpanKind = 'producer' | 'internal';

/**
 * Runs `work` in a span that is a child of a W3C `traceparent` carried in a message rather
 * than an HTTP request (a Kafka header, a subscription event's extensions), so work done on
 * behalf of that message joins the trace it came from. Without a traceparent there is no
 * trace to join: `work` runs unspanned rather than starting a root trace per message. With
 * tracing off every call here is a no-op of the OpenTelemetry API.
 */
export async function inCarriedSpan<T>(
  traceparent: string | undefined,
  name: string,
  options: { kind?: CarriedSpanKind; attributes?: Attributes },
  work: () => Promise<T>,
): Promise<T> {
  if (traceparent === undefined) return work();
  const parent = propagation.extract(ROOT_CONTEXT, { traceparent });
  const kind = options.kind === 'producer' ? SpanKind.PRODUCER : SpanKind.INTERNAL;
  return tracer.startActiveSpan(name, { kind, attributes: options.attributes ?? {} }, parent, async (span) => {
    try {
      return await work();
    } catch (error) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}
