import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@emporium/logging';
import { eventually, stackEndpoints, uniqueName } from '@emporium/testing';
import {
  createKafka,
  ensureTopics,
  followChanges,
  type ChangeFollower,
  type FollowedChange,
  type Producer,
} from '../src/index.ts';

/**
 * Two followers of one topic against a real broker, as two router replicas follow the
 * catalogue: each sees every change from the moment it is in sync, and only from then.
 */
const logger = createLogger('test', { level: 'silent' });
const kafka = createKafka({ clientId: 'change-follower-test', brokers: stackEndpoints().kafka.brokers, logger });
const topic = uniqueName('follow_test');
let producer: Producer;

interface Watched {
  follower: ChangeFollower;
  changes: FollowedChange[];
  gaps: number;
}

const watched: Watched[] = [];

function follow(): Watched {
  const seen: Watched = { follower: undefined as unknown as ChangeFollower, changes: [], gaps: 0 };
  seen.follower = followChanges({
    kafka,
    topics: [topic],
    groupPrefix: 'test.follower',
    logger,
    retryMs: 500,
    onChanges: (changes) => seen.changes.push(...changes),
    onGap: () => {
      seen.gaps += 1;
    },
  });
  watched.push(seen);
  return seen;
}

const synced = (seen: Watched): Promise<boolean> =>
  eventually(async () => (seen.follower.inSync() ? true : undefined), {
    timeoutMs: 30_000,
    what: 'the follower in sync',
  });

const keysOf = (seen: Watched): string[] => seen.changes.map((change) => change.key?.toString() ?? '');

beforeAll(async () => {
  await ensureTopics(kafka, [topic]);
  producer = kafka.producer();
  await producer.connect();
  // Before any follower: a follower starts at the end, so this one is never seen.
  await producer.send({ topic, messages: [{ key: 'before', value: '{}' }] });
});

afterAll(async () => {
  await Promise.all(watched.map((seen) => seen.follower.stop()));
  await producer.disconnect();
});

describe('following changes', () => {
  it('hands every change after it is in sync to each follower, and none from before', async () => {
    const first = follow();
    const second = follow();
    expect(first.follower.inSync()).toBe(false);
    await Promise.all([synced(first), synced(second)]);
    // Joining, and placing its positions, each count as a gap: anything derived before is dropped.
    expect(first.gaps).toBeGreaterThanOrEqual(2);

    await producer.send({ topic, messages: ['a', 'b', 'c'].map((key) => ({ key, value: '{}' })) });
    for (const seen of [first, second]) {
      await eventually(async () => (seen.changes.length >= 3 ? true : undefined), { what: 'three changes' });
      expect(keysOf(seen).sort()).toEqual(['a', 'b', 'c']);
      expect(seen.changes.every((change) => change.topic === topic)).toBe(true);
    }
  });

  it('is out of sync once stopped', async () => {
    const seen = follow();
    await synced(seen);
    await seen.follower.stop();
    expect(seen.follower.inSync()).toBe(false);
  });
});
