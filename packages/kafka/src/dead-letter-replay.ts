import { randomBytes } from 'node:crypto';
import type { Admin, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { DEAD_LETTER_HEADERS, DEAD_LETTER_SUFFIX, deadLetterTopic } from './dead-letters.ts';

/**
 * The consumer group whose committed offsets on a dead-letter topic mark what was replayed:
 * a replay sends each dead letter back once, and a later replay only what arrived since.
 * One per dead-letter topic, so replays of different topics never share a group.
 */
export const replayGroup = (deadLetterTopicName: string): string => `emporium-dlq-replay.${deadLetterTopicName}`;

/** Header a replayed message carries: the dead letter it came from (`<topic>/<partition>/<offset>`). */
export const REPLAYED_FROM_HEADER = 'dlq-replayed-from';

/** One dead letter as an operator sees it. */
export interface DeadLetter {
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  error: string;
  group: string;
  originalTopic: string;
  originalPartition: number;
  originalOffset: string;
  attempts: number;
  failedAt: string;
  /** Whether a replay already sent it back to its topic. */
  replayed: boolean;
}

/** A dead-letter topic and how many letters it holds. */
export interface DeadLetterTopicSummary {
  topic: string;
  deadLetterTopic: string;
  total: number;
  notReplayed: number;
}

/** Accepts a consumed topic or its dead-letter topic; answers the dead-letter topic. */
export const toDeadLetterTopic = (topic: string): string =>
  topic.endsWith(DEAD_LETTER_SUFFIX) ? topic : deadLetterTopic(topic);

/** Reading a topic to its end must not hang on a broker that stopped answering. */
const READ_DEADLINE_MS = 60_000;

const text = (value: Buffer | string | (Buffer | string)[] | undefined): string =>
  value === undefined ? '' : Array.isArray(value) ? value.map(String).join(',') : value.toString();

async function withAdmin<T>(kafka: Kafka, work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Per partition: where the topic starts and ends now (the next offset), and up to where the
 * replay group has replayed it.
 */
async function positions(
  admin: Admin,
  topic: string,
): Promise<Map<number, { low: bigint; end: bigint; replayed: bigint }>> {
  const ends = await admin.fetchTopicOffsets(topic);
  const [committed] = await admin.fetchOffsets({ groupId: replayGroup(topic), topics: [topic] });
  const replayedAt = new Map(
    (committed?.partitions ?? []).map((p) => [p.partition, p.offset === '-1' ? 0n : BigInt(p.offset)]),
  );
  return new Map(
    ends.map((p) => [
      p.partition,
      {
        low: BigInt(p.low),
        end: BigInt(p.high),
        // Letters removed by retention count as replayed: there is nothing left to send.
        replayed:
          (replayedAt.get(p.partition) ?? 0n) > BigInt(p.low) ? (replayedAt.get(p.partition) ?? 0n) : BigInt(p.low),
      },
    ]),
  );
}

/**
 * Reads `topic` in `groupId` from where that group stands (the beginning for a new group) up
 * to `ends`, the end each partition with something left to read had when the caller looked,
 * one message at a time, committing each; then leaves the group.
 */
async function readToEnd(
  kafka: Kafka,
  topic: string,
  groupId: string,
  ends: ReadonlyMap<number, bigint>,
  each: (partition: number, message: KafkaMessage) => Promise<void>,
): Promise<void> {
  if (ends.size === 0) return;
  const done = new Set<number>();
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  await consumer.connect();
  let timer: NodeJS.Timeout | undefined;
  try {
    const finished = new Promise<void>((resolve, reject) => {
      timer = setTimeout(() => {
        reject(new Error(`${topic} was not read to its end within ${READ_DEADLINE_MS / 1000} s`));
      }, READ_DEADLINE_MS);
      void consumer.subscribe({ topics: [topic], fromBeginning: true }).then(
        () =>
          consumer.run({
            autoCommit: false,
            eachMessage: async ({ partition, message }) => {
              const offset = BigInt(message.offset);
              const end = ends.get(partition);
              if (end === undefined || offset >= end) return;
              try {
                await each(partition, message);
                await consumer.commitOffsets([{ topic, partition, offset: String(offset + 1n) }]);
              } catch (error) {
                // Stop at the first failure: what was done is committed, the rest waits for the next run.
                reject(error instanceof Error ? error : new Error(String(error)));
                return;
              }
              if (offset + 1n >= end) done.add(partition);
              if (done.size === ends.size) resolve();
            },
          }),
        reject,
      );
    });
    await finished;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
  }
}

const toDeadLetter = (partition: number, message: KafkaMessage, replayedUpTo: bigint): DeadLetter => {
  const headers = message.headers ?? {};
  return {
    partition,
    offset: message.offset,
    key: message.key?.toString() ?? null,
    value: message.value?.toString() ?? null,
    error: text(headers[DEAD_LETTER_HEADERS.error]),
    group: text(headers[DEAD_LETTER_HEADERS.group]),
    originalTopic: text(headers[DEAD_LETTER_HEADERS.topic]),
    originalPartition: Number(text(headers[DEAD_LETTER_HEADERS.partition])),
    originalOffset: text(headers[DEAD_LETTER_HEADERS.offset]),
    attempts: Number(text(headers[DEAD_LETTER_HEADERS.attempts])),
    failedAt: text(headers[DEAD_LETTER_HEADERS.failedAt]),
    replayed: BigInt(message.offset) < replayedUpTo,
  };
};

/** Every dead letter of `topic` (a consumed topic or its dead-letter topic), oldest first per partition. */
export async function listDeadLetters(kafka: Kafka, topic: string): Promise<DeadLetter[]> {
  const dlq = toDeadLetterTopic(topic);
  const at = await withAdmin(kafka, (admin) => positions(admin, dlq));
  const letters: DeadLetter[] = [];
  // A group of its own, used once and deleted: listing must not move the replay group.
  const groupId = `emporium-dlq-list-${randomBytes(6).toString('hex')}`;
  try {
    const ends = new Map([...at].filter(([, p]) => p.end > p.low).map(([partition, p]) => [partition, p.end]));
    await readToEnd(kafka, dlq, groupId, ends, async (partition, message) => {
      letters.push(toDeadLetter(partition, message, at.get(partition)?.replayed ?? 0n));
    });
  } finally {
    await withAdmin(kafka, (admin) => admin.deleteGroups([groupId])).catch(() => undefined);
  }
  return letters.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
}

/** The dead-letter topics on the cluster with their counts. */
export async function summariseDeadLetters(kafka: Kafka): Promise<DeadLetterTopicSummary[]> {
  return withAdmin(kafka, async (admin) => {
    const topics = (await admin.listTopics()).filter((topic) => topic.endsWith(DEAD_LETTER_SUFFIX)).sort();
    return Promise.all(
      topics.map(async (dlq) => {
        const at = await positions(admin, dlq);
        let total = 0n;
        let notReplayed = 0n;
        for (const p of at.values()) {
          total += p.end - p.low;
          notReplayed += p.end - p.replayed;
        }
        return {
          topic: dlq.slice(0, -DEAD_LETTER_SUFFIX.length),
          deadLetterTopic: dlq,
          total: Number(total),
          notReplayed: Number(notReplayed),
        };
      }),
    );
  });
}

/**
 * Sends every dead letter of `topic` not replayed yet back to the topic it came from, with
 * its original key, value and headers (plus where it came from), and marks it replayed.
 * The same original message dead-lettered by several consumer groups goes back once:
 * consumers are idempotent on the event id, so the groups that had applied it skip it.
 */
export async function replayDeadLetters(
  kafka: Kafka,
  topic: string,
): Promise<{ replayed: number; duplicates: number }> {
  const dlq = toDeadLetterTopic(topic);
  const at = await withAdmin(kafka, (admin) => positions(admin, dlq));
  const pending = new Map([...at].filter(([, p]) => p.replayed < p.end).map(([partition, p]) => [partition, p.end]));
  if (pending.size === 0) return { replayed: 0, duplicates: 0 };
  const producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: true });
  await producer.connect();
  const sent = new Set<string>();
  let duplicates = 0;
  try {
    await readToEnd(kafka, dlq, replayGroup(dlq), pending, async (partition, message) => {
      const letter = toDeadLetter(partition, message, 0n);
      const original = `${letter.originalTopic}/${letter.originalPartition}/${letter.originalOffset}`;
      if (sent.has(original)) {
        duplicates += 1;
        return;
      }
      const headers: IHeaders = Object.fromEntries(
        Object.entries(message.headers ?? {}).filter(([name]) => !name.startsWith('dlq-')),
      );
      headers[REPLAYED_FROM_HEADER] = `${dlq}/${partition}/${message.offset}`;
      await producer.send({
        topic: letter.originalTopic,
        messages: [{ key: message.key, value: message.value, headers }],
      });
      sent.add(original);
    });
  } finally {
    await producer.disconnect();
  }
  return { replayed: sent.size, duplicates };
}
