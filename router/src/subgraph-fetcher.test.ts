import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isDependencyFailure } from '@emporium/graphql-server';
import { Agent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { subgraphFetcher } from './subgraph-fetcher.ts';

let server: Server | undefined;
let agent: Agent | undefined;

/** A subgraph on loopback; counts the TCP connections it accepts. */
async function subgraph(
  handle: (req: IncomingMessage, res: ServerResponse, body: string) => void,
): Promise<{ url: string; connections: () => number }> {
  let connections = 0;
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks).toString('utf8'));
    });
  });
  server.on('connection', () => {
    connections += 1;
  });
  const listening = server;
  await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(listening.address() as AddressInfo).port}/graphql`,
    connections: () => connections,
  };
}

const fetcher = (timeoutMs = 5000) => subgraphFetcher(timeoutMs, (agent = new Agent()));

afterEach(async () => {
  await agent?.close();
  agent = undefined;
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

describe('subgraph fetcher', () => {
  it('posts the body with its headers and hands back status, headers and JSON', async () => {
    const { url } = await subgraph((req, res, body) => {
      res
        .writeHead(200, { 'content-type': 'application/json', 'x-seen': String(req.headers['x-assertion']) })
        .end(JSON.stringify({ data: { echo: JSON.parse(body) as unknown, method: req.method } }));
    });
    const response = await fetcher()(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-assertion': 'signed' },
      body: JSON.stringify({ query: '{ a }' }),
    });

    expect(response.ok).toBe(true);
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('application/json');
    expect(response.headers.get('x-seen')).toBe('signed');
    expect(await response.json()).toEqual({ data: { echo: { query: '{ a }' }, method: 'POST' } });
  });

  it('reports a non-2xx answer as not ok, with its status and text', async () => {
    const { url } = await subgraph((_req, res) => {
      res.writeHead(401, { 'content-type': 'text/plain' }).end('bad assertion');
    });
    const response = await fetcher()(url, { method: 'POST', body: '{}' });

    expect(response.ok).toBe(false);
    expect(response.status).toBe(401);
    expect(response.statusText).toBe('Unauthorized');
    expect(await response.text()).toBe('bad assertion');
  });

  it('keeps connections alive: calls one after another reuse the pooled sockets', async () => {
    const { url, connections } = await subgraph((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{}}');
    });
    const call = fetcher();
    for (let i = 0; i < 10; i += 1) await (await call(url, { method: 'POST', body: '{}' })).json();

    // A call may start before the previous socket is back in the pool, so a second one may
    // open; without keep-alive each of the ten would have its own.
    expect(connections()).toBeLessThanOrEqual(2);
  });

  it('fails a subgraph that does not answer in time as a dependency failure', async () => {
    // Never answers: only the fetcher's own deadline can end the call.
    const { url } = await subgraph(() => undefined);
    const failure = await fetcher(200)(url, { method: 'POST', body: '{}' }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(Error);
    expect(isDependencyFailure(failure)).toBe(true);
  });

  it('fails a refused connection as a dependency failure', async () => {
    const { url } = await subgraph(() => undefined);
    server?.close();
    server?.closeAllConnections();
    const failure = await fetcher()(url, { method: 'POST', body: '{}' }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(Error);
    expect(isDependencyFailure(failure)).toBe(true);
  });
});
