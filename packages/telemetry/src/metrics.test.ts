import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import { Counter } from 'prom-client';
import { BoundedLabel, createMetricsRegistry, serveMetrics } from './metrics.ts';

describe('BoundedLabel', () => {
  it('passes the first values as they are and folds later new ones into "other"', () => {
    const label = new BoundedLabel(2);
    expect(['a', 'b', 'c', 'a', 'd', 'b'].map((value) => label.value(value))).toEqual([
      'a',
      'b',
      'other',
      'a',
      'other',
      'b',
    ]);
  });
});

describe('serveMetrics', () => {
  const registry = createMetricsRegistry('unit-test');
  const served = new Counter({ name: 'unit_things_total', help: 'Things', registers: [registry] });
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = await serveMetrics(registry, 0, '127.0.0.1');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.close();
  });

  it("serves the registry's series in Prometheus's text format, labelled with the service", async () => {
    served.inc(3);
    const response = await fetch(`${base}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const body = await response.text();
    expect(body).toContain('unit_things_total{service="unit-test"} 3');
    // Node's own figures come with every registry, event-loop lag among them.
    expect(body).toMatch(/^nodejs_eventloop_lag_seconds\{service="unit-test"\} [\d.e-]+$/m);
  });

  it('answers /health and a JSON 404 for anything else', async () => {
    expect((await fetch(`${base}/health`)).status).toBe(200);
    const other = await fetch(`${base}/graphql`);
    expect(other.status).toBe(404);
    expect(await other.json()).toEqual({ error: 'not found' });
  });
});
