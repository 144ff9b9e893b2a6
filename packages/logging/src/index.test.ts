import { describe, expect, it } from 'vitest';
import { captureLogger } from './capture.ts';
import { addLogFields, withLogFields } from './index.ts';

describe('log fields', () => {
  it("puts a request's id, operation and caller on every line written in its work, and on no other", async () => {
    const { logger, lines } = captureLogger('unit');
    logger.info('before');
    await withLogFields({ requestId: 'req-1' }, async () => {
      logger.info('started');
      await new Promise((resolve) => setImmediate(resolve));
      addLogFields({ operation: 'Checkout', callerId: 'user-7' });
      logger.info({ requestId: 'explicit wins' }, 'explicit');
      logger.info('resolved');
    });
    await withLogFields({ requestId: 'req-2' }, async () => {
      logger.info('other request');
    });
    logger.info('after');
    expect(lines().map(({ msg, requestId, operation, callerId }) => ({ msg, requestId, operation, callerId }))).toEqual(
      [
        { msg: 'before', requestId: undefined, operation: undefined, callerId: undefined },
        { msg: 'started', requestId: 'req-1', operation: undefined, callerId: undefined },
        { msg: 'explicit', requestId: 'explicit wins', operation: 'Checkout', callerId: 'user-7' },
        { msg: 'resolved', requestId: 'req-1', operation: 'Checkout', callerId: 'user-7' },
        { msg: 'other request', requestId: 'req-2', operation: undefined, callerId: undefined },
        { msg: 'after', requestId: undefined, operation: undefined, callerId: undefined },
      ],
    );
  });

  it('still redacts secrets', () => {
    const { logger, lines } = captureLogger('unit');
    withLogFields({ requestId: 'req-3' }, () => {
      logger.info({ headers: { authorization: 'Bearer secret' }, password: 'hunter2' }, 'login');
    });
    expect(lines()[0]).toMatchObject({
      requestId: 'req-3',
      headers: { authorization: '[redacted]' },
      password: '[redacted]',
    });
  });
});
