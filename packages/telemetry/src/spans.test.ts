import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { beforeAll, describe, expect, it } from 'vitest';
import { inCarriedSpan } from './spans.ts';
import { carryTraceContext } from './tracing.ts';

const exporter = new InMemorySpanExporter();

beforeAll(async () => {
  await carryTraceContext();
  trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }));
});

const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
const parentId = '00f067aa0ba902b7';

describe('inCarriedSpan', () => {
  it('runs the work in a child span of the carried traceparent, ended when the work is', async () => {
    exporter.reset();
    const seen = await inCarriedSpan(
      `00-${traceId}-${parentId}-01`,
      'subscription push orderStatusChanged',
      { kind: 'producer', attributes: { 'graphql.operation.name': 'OrderStatus' } },
      () => Promise.resolve(trace.getActiveSpan()?.spanContext().traceId),
    );
    expect(seen).toBe(traceId);
    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe('subscription push orderStatusChanged');
    expect(span?.spanContext().traceId).toBe(traceId);
    expect(span?.parentSpanContext?.spanId).toBe(parentId);
    expect(span?.attributes['graphql.operation.name']).toBe('OrderStatus');
  });

  it('marks the span failed when the work throws, and passes the error on', async () => {
    exporter.reset();
    await expect(
      inCarriedSpan(`00-${traceId}-${parentId}-01`, 'failing', {}, () => Promise.reject(new Error('lost'))),
    ).rejects.toThrow('lost');
    expect(exporter.getFinishedSpans()[0]?.status.code).toBe(2);
  });

  it('starts no trace of its own for a message that carries none', async () => {
    exporter.reset();
    expect(
      await inCarriedSpan(undefined, 'untraced', {}, () => Promise.resolve(trace.getActiveSpan())),
    ).toBeUndefined();
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});
