import type { Consumer } from 'kafkajs';
import { DependencyUnavailable } from '@emporium/resilience';

/**
 * A consumer that has heard nothing from its group for this long (no fetch, no heartbeat;
 * an idle consumer fetches every few seconds) has lost the brokers.
 */
const SILENCE_MS = 60_000;

/**
 * A readiness check for a consumer: it resolves while the consumer is a member of its group
 * and has been in touch with the brokers lately, and throws before it has joined, after it
 * crashed or stopped, and while the brokers are silent. Call it before `consumer.run`.
 */
export function consumerReadiness(consumer: Consumer, now: () => number = Date.now): () => Promise<void> {
  let joined = false;
  let lastContact = 0;
  const contact = (): void => {
    lastContact = now();
  };
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joined = true;
    contact();
  });
  consumer.on(consumer.events.FETCH, contact);
  consumer.on(consumer.events.HEARTBEAT, contact);
  for (const gone of [consumer.events.CRASH, consumer.events.STOP, consumer.events.DISCONNECT]) {
    consumer.on(gone, () => {
      joined = false;
    });
  }
  return async () => {
    if (!joined) throw new DependencyUnavailable('kafka', 'the consumer is not in its group');
    if (now() - lastContact > SILENCE_MS) throw new DependencyUnavailable('kafka', 'no contact with the brokers');
  };
}
