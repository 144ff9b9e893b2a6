import { ConfigError, loadConfig, type Env } from '@emporium/config';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SAMPLE_RATIO, LOCAL_ZIPKIN_SPANS_URL, readTracingConfig } from './config.ts';

const read = (env: Env) => loadConfig((reader) => readTracingConfig(reader, 'router'), env);

describe('readTracingConfig', () => {
  it('sends a share of traces to the local Zipkin by default', () => {
    expect(read({})).toEqual({
      serviceName: 'router',
      exporter: { kind: 'zipkin', url: LOCAL_ZIPKIN_SPANS_URL },
      sampleRatio: DEFAULT_SAMPLE_RATIO,
    });
  });

  it('traces nothing in production until an exporter is chosen', () => {
    expect(read({ NODE_ENV: 'production' }).exporter).toEqual({ kind: 'none' });
  });

  it('sends OTLP to the collector named, appending the traces path to a base endpoint', () => {
    const env = { NODE_ENV: 'production', OTEL_TRACES_EXPORTER: 'otlp' };
    expect(read({ ...env, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).exporter).toEqual({
      kind: 'otlp',
      url: 'http://collector:4318/v1/traces',
    });
    expect(
      read({ ...env, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://collector.internal/custom/traces' }).exporter,
    ).toEqual({ kind: 'otlp', url: 'https://collector.internal/custom/traces' });
  });

  it('turns tracing off with OTEL_SDK_DISABLED whatever the exporter', () => {
    expect(read({ OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'zipkin' }).exporter).toEqual({ kind: 'none' });
  });

  it('refuses an OTLP exporter without an endpoint, an unknown exporter and a ratio outside 0..1, all at once', () => {
    const error = (() => {
      try {
        read({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_TRACES_SAMPLER_ARG: '1.5' });
      } catch (thrown) {
        return thrown;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'OTEL_TRACES_EXPORTER=otlp needs OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)',
      'OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1, got "1.5"',
    ]);
    expect(() => read({ OTEL_TRACES_EXPORTER: 'jaeger' })).toThrow(
      /OTEL_TRACES_EXPORTER must be one of zipkin, otlp, none/,
    );
  });

  it('takes the ratio and a service name of the operator', () => {
    const config = read({ OTEL_TRACES_SAMPLER_ARG: '0.25', OTEL_SERVICE_NAME: 'router-eu-1' });
    expect(config.sampleRatio).toBe(0.25);
    expect(config.serviceName).toBe('router-eu-1');
  });
});
