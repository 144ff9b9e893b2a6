import { describe, expect, it } from 'vitest';
import { checkReadiness } from './readiness.ts';

describe('checkReadiness', () => {
  it('is ready when every check passes, and names the ones that fail or hang', async () => {
    expect(await checkReadiness({ postgres: async () => 'up' })).toEqual({
      ready: true,
      status: 'ready',
      checks: { postgres: 'ok' },
    });
    const started = Date.now();
    const readiness = await checkReadiness(
      {
        postgres: async () => undefined,
        elasticsearch: () =>
          Promise.reject(Object.assign(new Error('connect ECONNREFUSED 10.1.2.3'), { name: 'ConnectionError' })),
        kafka: () => new Promise(() => undefined),
      },
      100,
    );
    expect(Date.now() - started).toBeLessThan(1000);
    // The failure's class only: a probe answers anyone, so no addresses.
    expect(readiness).toEqual({
      ready: false,
      status: 'unavailable',
      checks: { postgres: 'ok', elasticsearch: 'ConnectionError', kafka: 'timeout' },
    });
  });
});
