import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '@emporium/logging';
import { REVOCATION_LOOKBACK_MS, SessionRevocations } from './revocations.ts';

/** A stand-in for identity's feed that answers what the test sets, and records each `after` asked for. */
function feedServer(): {
  server: Server;
  url: () => string;
  asked: number[];
  answer: { status: number; body: unknown };
} {
  const asked: number[] = [];
  const answer = { status: 200, body: { asOf: 0, revoked: [] } as unknown };
  const server = createServer((req, res) => {
    asked.push(Number(new URL(req.url ?? '/', 'http://x').searchParams.get('after')));
    res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
  });
  server.listen(0, '127.0.0.1');
  return {
    server,
    asked,
    answer,
    url: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/sessions/revoked`,
  };
}

const logger = createLogger('test', { level: 'silent' });
const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

async function started(): Promise<ReturnType<typeof feedServer>> {
  const feed = feedServer();
  servers.push(feed.server);
  await new Promise((resolve) => feed.server.once('listening', resolve));
  return feed;
}

describe('session revocations', () => {
  it('learns revoked sessions, tells listeners once, and asks again from just before the last answer', async () => {
    const feed = await started();
    const revocations = new SessionRevocations({ url: feed.url(), pollIntervalMs: 1000, logger });
    const heard: string[][] = [];
    revocations.onRevoked((ids) => heard.push([...ids]));
    const asOf = Date.now();
    feed.answer.body = { asOf, revoked: [{ sid: 's-1', until: Date.now() + 60_000 }] };

    expect(await revocations.poll()).toBe(true);
    expect(revocations.isRevoked('s-1')).toBe(true);
    expect(revocations.isRevoked('s-2')).toBe(false);
    // The overlapping window repeats s-1: it is not news the second time.
    feed.answer.body = {
      asOf: asOf + 1000,
      revoked: [
        { sid: 's-1', until: Date.now() + 60_000 },
        { sid: 's-2', until: Date.now() + 60_000 },
      ],
    };
    await revocations.poll();
    expect(heard).toEqual([['s-1'], ['s-2']]);
    expect(feed.asked).toEqual([0, asOf - REVOCATION_LOOKBACK_MS]);
  });

  it('forgets a session once its tokens have all expired', async () => {
    const feed = await started();
    const revocations = new SessionRevocations({ url: feed.url(), pollIntervalMs: 1000, logger });
    feed.answer.body = {
      asOf: Date.now(),
      revoked: [
        { sid: 'past', until: Date.now() - 1 },
        { sid: 'live', until: Date.now() + 60_000 },
      ],
    };
    await revocations.poll();
    expect(revocations.isRevoked('past')).toBe(false);
    expect(revocations.size()).toBe(1);
  });

  it('keeps what it knows when identity fails or answers nonsense', async () => {
    const feed = await started();
    const revocations = new SessionRevocations({ url: feed.url(), pollIntervalMs: 1000, logger });
    feed.answer.body = { asOf: Date.now(), revoked: [{ sid: 's-1', until: Date.now() + 60_000 }] };
    await revocations.poll();

    feed.answer.status = 500;
    expect(await revocations.poll()).toBe(false);
    feed.answer.status = 200;
    feed.answer.body = { keys: [] };
    expect(await revocations.poll()).toBe(false);
    feed.server.close();
    expect(await revocations.poll()).toBe(false);
    expect(revocations.isRevoked('s-1')).toBe(true);
  });
});
