/**
 * `npm run dlq -- <command>`: the dead letters consumers gave up on (see
 * packages/kafka/src/dead-letters.ts).
 *
 *   list               every dead-letter topic holding letters, with how many and how many
 *                      are not replayed yet
 *   list <topic>       the dead letters of <topic> (or of <topic>.dlq), one JSON object a line
 *   replay <topic>     sends the letters not replayed yet back to the topic they came from
 *
 * Fix what made the consumer fail first: a replayed letter that fails again is dead-lettered again.
 */
import { createKafka, listDeadLetters, replayDeadLetters, summariseDeadLetters } from '@emporium/kafka';
import { createLogger } from '@emporium/logging';
import { config } from './config.ts';
import { formatTable } from './stack.ts';

const USAGE = 'usage: npm run dlq -- list [<topic>] | replay <topic>';

const [command, topic, ...rest] = process.argv.slice(2);
if (rest.length > 0 || (command !== 'list' && command !== 'replay') || (command === 'replay' && !topic)) {
  console.error(USAGE);
  process.exit(2);
}

const kafka = createKafka({
  clientId: 'emporium-dlq',
  brokers: config.endpoints.kafka.brokers,
  logger: createLogger('dlq', { level: 'error' }),
});

try {
  if (command === 'replay' && topic) {
    const { replayed, duplicates } = await replayDeadLetters(kafka, topic);
    console.log(
      `replayed ${replayed} dead letter(s) of ${topic}` +
        (duplicates > 0 ? `; ${duplicates} more were the same messages, dead-lettered by other groups` : ''),
    );
  } else if (topic) {
    for (const letter of await listDeadLetters(kafka, topic)) console.log(JSON.stringify(letter));
  } else {
    // Every consumer creates its dead-letter topics up front, so most are empty: list the others.
    const summaries = await summariseDeadLetters(kafka);
    const holding = summaries.filter((s) => s.total > 0);
    if (holding.length > 0)
      console.log(
        formatTable(
          holding.map((s) => ({
            topic: s.topic,
            'dead letters': String(s.total),
            'not replayed': String(s.notReplayed),
          })),
        ),
      );
    console.log(`${summaries.length - holding.length} more dead-letter topic(s), empty`);
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
