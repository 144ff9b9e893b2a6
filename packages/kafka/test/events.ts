import { randomUUID } from 'node:crypto';
import { encodeEventMessage } from '@emporium/contracts';

/** A valid PaymentSucceeded as a Kafka message, keyed by its order (one partition per order). */
export const paymentSucceededMessage = (id: string, orderId: string = randomUUID()) =>
  encodeEventMessage({
    id,
    type: 'PaymentSucceeded',
    aggregateId: orderId,
    payload: {
      orderId,
      paymentId: randomUUID(),
      amount: { amountMinor: 100, currencyCode: 'USD' },
      at: new Date().toISOString(),
    },
  });
