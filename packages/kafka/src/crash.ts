import type { Consumer } from 'kafkajs';

/**
 * Resolves with the error that stopped a consumer for good. kafkajs restarts a consumer
 * after retriable errors by itself; this is for the others, after which a process should
 * exit and be restarted rather than run on without its consumer.
 */
export function crashedForGood(consumer: Consumer): Promise<Error> {
  return new Promise<Error>((resolve) => {
    consumer.on(consumer.events.CRASH, (event) => {
      if (!event.payload.restart) resolve(event.payload.error);
    });
  });
}
