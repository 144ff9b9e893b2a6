import type { EnvReader } from '@emporium/config';

/**
 * Where the local trace store (Zipkin) and metrics store (Prometheus) listen when the
 * project's own scripts run them: clear of their usual ports (9411, 9090), like the rest of
 * the stack's.
 */
export const LOCAL_TELEMETRY_PORTS = {
  zipkin: 19411,
  prometheus: 19090,
} as const;

/** The local Zipkin's span intake, where processes send spans by default outside production. */
export const LOCAL_ZIPKIN_SPANS_URL = `http://127.0.0.1:${LOCAL_TELEMETRY_PORTS.zipkin}/api/v2/spans`;

/** Where finished spans go. */
export type SpanExporterConfig =
  | { kind: 'zipkin'; url: string }
  /** OTLP over HTTP (protobuf-free JSON is not used: the collector's default http/protobuf). */
  | { kind: 'otlp'; url: string }
  | { kind: 'none' };

/** One process's tracing settings, read by its config.ts through {@link readTracingConfig}. */
export interface TracingConfig {
  /** `service.name` on every span; the trace store groups by it. */
  serviceName: string;
  exporter: SpanExporterConfig;
  /**
   * Share of new traces recorded (0..1). A request that arrives with a sampled W3C
   * `traceparent` is recorded whatever the ratio: the caller asked for that trace.
   */
  sampleRatio: number;
}

/**
 * Traces a tenth of new requests: enough to see where time goes under load. Most of what
 * tracing costs is paid by every request, sampled or not (context, a non-recording span per
 * instrumented step): BENCHMARKS.md's observability-cost has the figures.
 */
export const DEFAULT_SAMPLE_RATIO = 0.1;

const EXPORTERS = ['zipkin', 'otlp', 'none'] as const;

/**
 * Reads the tracing settings with the standard OpenTelemetry variable names, so they mean
 * what operators expect: `OTEL_TRACES_EXPORTER` (zipkin, otlp or none; zipkin locally, none
 * in production unless set), `OTEL_EXPORTER_ZIPKIN_ENDPOINT`, `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`
 * or `OTEL_EXPORTER_OTLP_ENDPOINT` (required with otlp), `OTEL_TRACES_SAMPLER_ARG` (the ratio)
 * and `OTEL_SERVICE_NAME` (defaults to the process's own name). `OTEL_SDK_DISABLED=true`
 * turns tracing off whatever the rest says.
 */
export function readTracingConfig(env: EnvReader, serviceName: string): TracingConfig {
  const disabled = env.bool('OTEL_SDK_DISABLED', false);
  // Production has no local Zipkin: it traces only where an operator points it.
  const kind = env.oneOf('OTEL_TRACES_EXPORTER', EXPORTERS, env.production ? 'none' : 'zipkin');
  let exporter: SpanExporterConfig = { kind: 'none' };
  if (disabled) exporter = { kind: 'none' };
  else if (kind === 'zipkin')
    exporter = { kind, url: env.url('OTEL_EXPORTER_ZIPKIN_ENDPOINT', LOCAL_ZIPKIN_SPANS_URL) };
  else if (kind === 'otlp') exporter = { kind, url: otlpTracesUrl(env) };
  return {
    serviceName: env.string('OTEL_SERVICE_NAME', serviceName),
    exporter,
    sampleRatio: ratio(env, 'OTEL_TRACES_SAMPLER_ARG', DEFAULT_SAMPLE_RATIO),
  };
}

/** The signal-specific endpoint as given, else the base endpoint plus the traces path (as the spec says). */
function otlpTracesUrl(env: EnvReader): string {
  if (env.has('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT')) return env.url('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  if (!env.has('OTEL_EXPORTER_OTLP_ENDPOINT')) {
    env.problem('OTEL_TRACES_EXPORTER=otlp needs OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)');
    return '';
  }
  const base = env.url('OTEL_EXPORTER_OTLP_ENDPOINT');
  return URL.canParse(base) ? new URL('v1/traces', base.endsWith('/') ? base : `${base}/`).toString() : '';
}

function ratio(env: EnvReader, name: string, fallback: number): number {
  const raw = env.optional(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || value > 1) {
    env.problem(`${name} must be a number from 0 to 1, got "${raw}"`);
    return fallback;
  }
  return value;
}
