/**
 * The runtime kit's telemetry: OpenTelemetry traces (started from each process's config,
 * before the modules it instruments load) and Prometheus metrics (a prom-client registry per
 * process, served on /metrics). Heavy SDK modules load only when tracing is on.
 */
export { DEFAULT_SAMPLE_RATIO, LOCAL_TELEMETRY_PORTS, LOCAL_ZIPKIN_SPANS_URL, readTracingConfig } from './config.ts';
export type { SpanExporterConfig, TracingConfig } from './config.ts';
export { carryTraceContext, startTracing } from './tracing.ts';
export { inCarriedSpan } from './spans.ts';
export type { CarriedSpanKind } from './spans.ts';
export type { Instrumented, Tracing, TracingLogger } from './tracing.ts';
export {
  BoundedLabel,
  DURATION_BUCKETS,
  METRICS_PATH,
  createMetricsRegistry,
  metricsRoute,
  serveMetrics,
} from './metrics.ts';
export { operationMetricsPlugin } from './operations.ts';
export type { OperationMetricsOptions } from './operations.ts';
// Processes register their own series on the registry with prom-client's classes.
export { Counter, Gauge, Histogram, Registry } from 'prom-client';
