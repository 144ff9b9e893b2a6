import { createRequire } from 'node:module';

/** The part of kafkajs's per-connection request queue (src/network/requestQueue) touched here. */
export interface KafkaRequestQueue {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

interface RequestQueueClass {
  prototype: KafkaRequestQueue;
}

/** How soon a queue that holds requests but is not throttled looks again (kafkajs's own figure). */
const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;

const require = createRequire(import.meta.url);

/** kafkajs's RequestQueue class (kafkajs has no `exports` map, so its sources resolve directly). */
export const requestQueueClass = (): RequestQueueClass =>
  require('kafkajs/src/network/requestQueue/index.js') as RequestQueueClass;

/**
 * kafkajs 2.2.4 reschedules its pending-request check on every connection after every
 * answer, even with nothing pending: `throttledUntil` is -1 when not throttled, so the delay
 * is negative and the check runs again a millisecond later, for as long as the connection
 * lives (tulios/kafkajs#1556, #1704; the fixes, #1667 and #1768, were never released, and the
 * project is unmaintained). Measured on the idle stack: each process with a consumer spent
 * ~30 millicores in that loop, the four workers and the order subgraph a third of the idle
 * platform. A queue with nothing pending has nothing to check: `push` schedules a check when
 * it enqueues a request, and each answer checks again, so skipping the timer loses nothing.
 */
function scheduleCheckPendingRequests(this: KafkaRequestQueue): void {
  if (this.throttleCheckTimeoutId || this.pending.length === 0) return;
  const throttledFor = this.throttledUntil - Date.now();
  this.throttleCheckTimeoutId = setTimeout(
    () => {
      this.throttleCheckTimeoutId = null;
      this.checkPendingRequests();
    },
    throttledFor > 0 ? throttledFor : CHECK_PENDING_REQUESTS_INTERVAL_MS,
  );
}

let installed = false;

/** Replaces kafkajs's check scheduler with the one above, once per process. */
export function installIdleRequestFix(): void {
  if (installed) return;
  requestQueueClass().prototype.scheduleCheckPendingRequests = scheduleCheckPendingRequests;
  installed = true;
}
