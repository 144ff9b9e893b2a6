import type { IncomingMessage } from 'node:http';
import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import type { SpanExporterConfig, TracingConfig } from './config.ts';

/**
 * What a process may ask to have traced:
 * - `http`: the requests a node:http server answers (one span per request, continuing the
 *   caller's W3C `traceparent`) and the node:http requests it sends;
 * - `undici`: what it sends with `fetch` (subgraph calls, the payment provider), each
 *   carrying the current trace on to the callee;
 * - `pg`: each PostgreSQL query (the ORM's included) inside a traced piece of work.
 */
export type Instrumented = 'http' | 'undici' | 'pg';

/**
 * Modules whose loading an instrumentation must intercept. `fetch` reports through Node's
 * diagnostics channels and needs none; node:http is patched as it is imported.
 */
const HOOKED_MODULES: Record<Instrumented, readonly string[]> = {
  http: ['http', 'https', 'node:http', 'node:https'],
  undici: [],
  // The ORM imports pg from ESM; pg loads pg-pool with require, which the SDK's own require hook sees.
  pg: ['pg', 'pg-pool'],
};

/** Probes and scrapes run all day; a span per poll would bury the requests worth seeing. */
const UNTRACED_PATHS = new Set(['/health', '/ready', '/metrics', '/health/subscriptions']);
const untracedRequest = (request: IncomingMessage): boolean =>
  UNTRACED_PATHS.has((request.url ?? '/').split('?')[0] ?? '/');

async function instrumentation(name: Instrumented): Promise<Instrumentation> {
  switch (name) {
    case 'http': {
      const { HttpInstrumentation } = await import('@opentelemetry/instrumentation-http');
      return new HttpInstrumentation({
        ignoreIncomingRequestHook: untracedRequest,
        // A span for an outgoing request only inside a trace, never a root of its own.
        requireParentforOutgoingSpans: true,
      });
    }
    case 'undici': {
      const { UndiciInstrumentation } = await import('@opentelemetry/instrumentation-undici');
      return new UndiciInstrumentation({ requireParentforSpans: true });
    }
    case 'pg': {
      const { PgInstrumentation } = await import('@opentelemetry/instrumentation-pg');
      return new PgInstrumentation({
        // Pool pings, sweeps and pruning run all day outside any request: no root spans for them.
        requireParentSpan: true,
        // A span per pool checkout (one per statement, beside the statement's own) says only that
        // a pooled connection was handed over, and parses the connection URL each time, sampled
        // trace or not: observability-cost in BENCHMARKS.md has what dropping it saved.
        ignoreConnectSpans: true,
      });
    }
  }
}

async function spanExporter(config: Exclude<SpanExporterConfig, { kind: 'none' }>): Promise<SpanExporter> {
  switch (config.kind) {
    case 'zipkin': {
      const { ZipkinExporter } = await import('@opentelemetry/exporter-zipkin');
      return new ZipkinExporter({ url: config.url });
    }
    case 'otlp': {
      const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
      return new OTLPTraceExporter({ url: config.url });
    }
  }
}

/** A started tracer: `shutdown` sends the spans still buffered, then stops. */
export interface Tracing {
  readonly enabled: boolean;
  shutdown(): Promise<void>;
}

/** Where the SDK's own complaints (a trace store that refuses spans) go. */
export interface TracingLogger {
  warn(message: string): void;
  error(message: string): void;
}

/**
 * Starts OpenTelemetry tracing for this process: a W3C trace-context propagator, a sampler
 * that follows the caller's decision and otherwise keeps `sampleRatio` of new traces, and a
 * batching exporter to Zipkin or an OTLP collector. With the exporter `none` nothing is
 * loaded and every span (Apollo Gateway's included) stays a no-op.
 *
 * Call it before importing the modules it instruments (in the bootstrap, then `await
 * import()` the rest): Node links a module's static imports before running any of it, so
 * only modules loaded after this call can be intercepted. The loader hook is
 * import-in-the-middle's synchronous one (`module.registerHooks`, in-thread, Node ≥ 24.11.1),
 * limited to the instrumented modules, so the process's own `.ts` files (type-stripped by
 * Node) pass untouched.
 */
export async function startTracing(
  config: TracingConfig,
  options: { instrument: readonly Instrumented[]; logger?: TracingLogger },
): Promise<Tracing> {
  if (config.exporter.kind === 'none') return { enabled: false, shutdown: async () => undefined };
  if (options.logger) diag.setLogger(diagLogger(options.logger), DiagLogLevel.WARN);

  const include = options.instrument.flatMap((name) => HOOKED_MODULES[name]);
  if (include.length > 0) {
    const { register } = await import('import-in-the-middle/register-hooks.mjs');
    register({ include });
  }
  const [{ NodeSDK }, { BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler }] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/sdk-trace'),
  ]);
  const sdk = new NodeSDK({
    serviceName: config.serviceName,
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.sampleRatio) }),
    spanProcessors: [new BatchSpanProcessor({ exporter: await spanExporter(config.exporter) })],
    instrumentations: await Promise.all(options.instrument.map(instrumentation)),
    // Traces only: metrics are prom-client's, and without these the SDK would start OTLP
    // metric and log exporters of its own towards localhost:4318.
    metricReaders: [],
    logRecordProcessors: [],
    // `service.name` is the resource that matters to a trace store; probing the host, OS and
    // process at start-up only delays the first export.
    autoDetectResources: false,
  });
  sdk.start();
  return { enabled: true, shutdown: () => sdk.shutdown() };
}

function diagLogger(logger: TracingLogger): DiagLogger {
  const text = (message: string, args: unknown[]): string =>
    [message, ...args.map((arg) => (arg instanceof Error ? arg.message : JSON.stringify(arg)))].join(' ');
  return {
    error: (message, ...args) => {
      logger.error(`tracing: ${text(message, args)}`);
    },
    warn: (message, ...args) => {
      logger.warn(`tracing: ${text(message, args)}`);
    },
    info: () => undefined,
    debug: () => undefined,
    verbose: () => undefined,
  };
}

/**
 * Carries W3C trace context through this process (async context and the `traceparent`
 * propagator) without recording or exporting any span: what a test of propagation needs,
 * e.g. that an outbox row's trace reaches the consumer of its event. Processes call
 * {@link startTracing}, which sets both up with the SDK.
 */
export async function carryTraceContext(): Promise<void> {
  const [{ context, propagation }, { AsyncLocalStorageContextManager }, { W3CTraceContextPropagator }] =
    await Promise.all([
      import('@opentelemetry/api'),
      import('@opentelemetry/context-async-hooks'),
      import('@opentelemetry/core'),
    ]);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
}
