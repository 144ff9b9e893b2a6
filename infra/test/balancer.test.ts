import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { LOCAL_HOST } from '@emporium/config';
import { HAPROXY_BINARY, renderHaproxyConfig, serverStates, serversUp } from '../src/balancer.ts';
import { waitFor } from '../src/process.ts';
import { BALANCER_SOURCE_ADDRESS } from '../src/services.ts';

/**
 * The balancer `npm start -- --replicas N` runs, with the configuration it renders, in front of
 * two tiny replicas of this test's own that say who they are: real HAProxy, real sockets.
 */
interface Replica {
  name: string;
  port: number;
  server: Server;
  sockets: WebSocketServer;
  /** Set, it fails its health checks (503) while still answering everything else, as a saturated replica. */
  failingChecks: boolean;
}

/** What a replica answers on /whoami: its name, the TCP peer it saw and the X-Forwarded-For it got. */
interface Whoami {
  replica: string;
  peer: string;
  forwardedFor: string | undefined;
}

async function startReplica(name: string, port = 0): Promise<Replica> {
  const server = createServer((req, res) => {
    if (req.url === '/health') {
      if (replica.failingChecks) res.writeHead(503).end('busy');
      else res.writeHead(200).end('ok');
      return;
    }
    const body: Whoami = {
      replica: name,
      peer: req.socket.remoteAddress ?? '',
      forwardedFor: req.headersDistinct['x-forwarded-for']?.join(', '),
    };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  // Each WebSocket message is echoed with the replica's name, as a subscription's events come from one router.
  const sockets = new WebSocketServer({ server });
  sockets.on('connection', (socket) => {
    socket.on('message', (data: Buffer) => {
      socket.send(`${name}:${data.toString('utf8')}`);
    });
  });
  const replica: Replica = { name, port, server, sockets, failingChecks: false };
  await new Promise<void>((resolve) => server.listen(port, LOCAL_HOST, resolve));
  replica.port = (server.address() as AddressInfo).port;
  return replica;
}

/** As a crash would: every connection dropped, WebSockets included, and nothing listening. */
async function stopReplica(replica: Replica): Promise<void> {
  for (const socket of replica.sockets.clients) socket.terminate();
  await new Promise<void>((resolve) => {
    replica.server.close(() => {
      resolve();
    });
    replica.server.closeAllConnections();
  });
}

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, LOCAL_HOST, resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** GET /whoami through the balancer, from the local address `from`. */
const whoami = (port: number, from = LOCAL_HOST): Promise<Whoami> =>
  new Promise((resolve, reject) => {
    const call = request({ host: LOCAL_HOST, port, path: '/whoami', localAddress: from }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      response.on('end', () => {
        if (response.statusCode === 200) resolve(JSON.parse(text) as Whoami);
        else reject(new Error(`the balancer answered ${response.statusCode ?? 0}: ${text}`));
      });
    });
    call.on('error', reject);
    call.end();
  });

/** Opens a WebSocket through the balancer, sends `message` and resolves with the echo and the socket. */
async function echo(port: number, message: string): Promise<{ answer: string; socket: WebSocket }> {
  const socket = new WebSocket(`ws://${LOCAL_HOST}:${port}/socket`);
  const answer = await new Promise<string>((resolve, reject) => {
    socket.once('open', () => {
      socket.send(message);
    });
    socket.once('message', (data: Buffer) => {
      resolve(data.toString('utf8'));
    });
    socket.once('error', reject);
  });
  return { answer, socket };
}

let a: Replica;
let b: Replica;
let haproxy: ChildProcess | undefined;
let frontPort: number;
let adminPort: number;
const sockets: WebSocket[] = [];

beforeAll(async () => {
  a = await startReplica('a');
  b = await startReplica('b');
  frontPort = await freePort();
  adminPort = await freePort();
  const configFile = join(mkdtempSync(join(tmpdir(), 'emporium-balancer-')), 'haproxy.cfg');
  writeFileSync(
    configFile,
    renderHaproxyConfig(
      [
        {
          name: 'app',
          port: frontPort,
          servers: [
            { name: 'a', port: a.port },
            { name: 'b', port: b.port },
          ],
          checkPath: '/health',
          forwardFor: true,
        },
      ],
      { adminPort },
    ),
  );
  haproxy = spawn(HAPROXY_BINARY, ['-db', '-f', configFile], { stdio: 'ignore' });
  const up = await waitFor(() => serversUp(['a', 'b'], adminPort), { timeoutMs: 20_000, intervalMs: 100 });
  if (!up) throw new Error(`HAProxy did not take both replicas: ${JSON.stringify(await serverStates(adminPort))}`);
});

afterAll(async () => {
  for (const socket of sockets) socket.terminate();
  haproxy?.kill('SIGTERM');
  await Promise.all([a, b].filter(Boolean).map(stopReplica));
});

describe('the balancer in front of replicas (real HAProxy)', () => {
  it('answers its own health check and lists both replicas as up', async () => {
    expect((await fetch(`http://${LOCAL_HOST}:${adminPort}/health`)).status).toBe(200);
    const states = await serverStates(adminPort);
    expect(states.map((state) => `${state.backend}/${state.server} ${state.status}`).sort()).toEqual([
      'app/a UP',
      'app/b UP',
    ]);
  });

  it('sends requests to the replicas in turn, each one on its own (no stickiness)', async () => {
    const seen: string[] = [];
    for (let i = 0; i < 6; i++) seen.push((await whoami(frontPort)).replica);
    // Round robin: whoever comes first, the two alternate.
    expect(seen.filter((name) => name === 'a')).toHaveLength(3);
    expect(seen.filter((name) => name === 'b')).toHaveLength(3);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).not.toBe(seen[i - 1]);
  });

  it('tells the replica who the client is in X-Forwarded-For, connecting from its own address', async () => {
    const answer = await whoami(frontPort, '127.0.0.9');
    expect(answer.forwardedFor).toBe('127.0.0.9');
    // The routers trust X-Forwarded-For from this address alone.
    expect(answer.peer).toBe(BALANCER_SOURCE_ADDRESS);
  });

  it('upgrades WebSockets and keeps each open on its replica, spreading new ones over both', async () => {
    const first = await echo(frontPort, 'hello');
    const second = await echo(frontPort, 'hello');
    sockets.push(first.socket, second.socket);
    expect([first.answer, second.answer].sort()).toEqual(['a:hello', 'b:hello']);
    // The tunnel stays with its replica for every later message.
    const replica = first.answer.split(':')[0];
    first.socket.send('again');
    const again = await new Promise<string>((resolve) => {
      first.socket.once('message', (data: Buffer) => {
        resolve(data.toString('utf8'));
      });
    });
    expect(again).toBe(`${replica ?? ''}:again`);
  });

  it('keeps answering when a replica dies, takes it out, and puts it back when it returns', async () => {
    await stopReplica(b);
    // Before its health checks notice, a refused connection is retried on the other replica.
    const during = await Promise.all(Array.from({ length: 6 }, () => whoami(frontPort)));
    expect(during.map((answer) => answer.replica)).toEqual(['a', 'a', 'a', 'a', 'a', 'a']);
    const down = await waitFor(
      async () => (await serverStates(adminPort)).some((state) => state.server === 'b' && state.status === 'DOWN'),
      { timeoutMs: 10_000, intervalMs: 100 },
    );
    expect(down).toBe(true);

    b = await startReplica('b', b.port);
    expect(await waitFor(() => serversUp(['a', 'b'], adminPort), { timeoutMs: 10_000, intervalMs: 100 })).toBe(true);
    const after = new Set<string>();
    for (let i = 0; i < 4; i++) after.add((await whoami(frontPort)).replica);
    expect([...after].sort()).toEqual(['a', 'b']);
  });

  it('keeps both replicas answering when both fail their checks at once, instead of refusing everyone', async () => {
    a.failingChecks = true;
    b.failingChecks = true;
    try {
      const down = await waitFor(
        async () => (await serverStates(adminPort)).filter((state) => state.status === 'DOWN').length === 2,
        { timeoutMs: 15_000, intervalMs: 100 },
      );
      expect(down).toBe(true);
      const answers = new Set<string>();
      for (let i = 0; i < 4; i++) answers.add((await whoami(frontPort)).replica);
      expect([...answers].sort()).toEqual(['a', 'b']);
    } finally {
      a.failingChecks = false;
      b.failingChecks = false;
    }
    expect(await waitFor(() => serversUp(['a', 'b'], adminPort), { timeoutMs: 10_000, intervalMs: 100 })).toBe(true);
  });
});
