import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addLogFields } from '@emporium/logging';
import { captureLogger } from '@emporium/logging/capture';
import { accessLog, serveRoutes } from './routes.ts';
import { serveWorkerHealth } from './lifecycle.ts';

const { logger, lines } = captureLogger('unit');

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer();
  serveRoutes(server, {
    // What a subgraph learns while serving: the router's request id, then the operation.
    graphql: async (_req, res) => {
      addLogFields({ requestId: 'req-42', callerId: 'user-1' });
      await new Promise((resolve) => setImmediate(resolve));
      addLogFields({ operation: 'Checkout' });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    },
    logger,
    middleware: [accessLog(logger, { unloggedPaths: ['/feed'] })],
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.close();
});

const requestLines = (): Record<string, unknown>[] => lines().filter((line) => line['msg'] === 'request');

describe('accessLog', () => {
  it("writes one line per request, with its status, duration and the request's log fields", async () => {
    expect((await fetch(`${base}/graphql`, { method: 'POST', body: '{}' })).status).toBe(200);
    expect((await fetch(`${base}/nowhere`)).status).toBe(404);
    await expect.poll(() => requestLines().length).toBe(2);
    const [graphql, missing] = requestLines();
    expect(graphql).toMatchObject({
      method: 'POST',
      path: '/graphql',
      status: 200,
      requestId: 'req-42',
      operation: 'Checkout',
      callerId: 'user-1',
    });
    expect(graphql?.['durationMs']).toEqual(expect.any(Number));
    // The fields of one request never reach the next one's line.
    expect(missing).toMatchObject({ method: 'GET', path: '/nowhere', status: 404 });
    expect(missing?.['requestId']).toBeUndefined();
  });

  it("leaves probes, scrapes and the server's own polled paths out", async () => {
    const before = requestLines().length;
    await fetch(`${base}/health`);
    await fetch(`${base}/ready`);
    await fetch(`${base}/feed?after=0`);
    await fetch(`${base}/graphql`, { method: 'POST', body: '{}' });
    await expect.poll(() => requestLines().length).toBe(before + 1);
  });
});

describe('serveWorkerHealth', () => {
  it("serves a worker's extra route (its /metrics) beside /health, and 404 for the rest", async () => {
    const health = await serveWorkerHealth(0, '127.0.0.1', {}, (req, res) => {
      if (req.url !== '/metrics') return false;
      res.writeHead(200, { 'content-type': 'text/plain' }).end('worker_things_total 1\n');
      return true;
    });
    try {
      const url = `http://127.0.0.1:${(health.address() as AddressInfo).port}`;
      const metrics = await fetch(`${url}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toBe('worker_things_total 1\n');
      expect((await fetch(`${url}/health`)).status).toBe(200);
      expect((await fetch(`${url}/ready`)).status).toBe(200);
      expect((await fetch(`${url}/other`)).status).toBe(404);
    } finally {
      health.close();
    }
  });
});
