import { EventEmitter } from 'node:events';
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { sharedWhileInFlight, slotFigures, timeAcquisitions } from './metrics.ts';

describe('slotFigures', () => {
  it('reads lag as bytes (pg returns float8 as a number, numeric as a string) and active as 0/1', () => {
    expect(
      slotFigures([
        { slot_name: 'cdc_order_outbox', active: true, lag_bytes: 4096 },
        { slot_name: 'cdc_cart_stock', active: false, lag_bytes: '128' },
      ]),
    ).toEqual([
      { slot: 'cdc_order_outbox', active: 1, lagBytes: 4096 },
      { slot: 'cdc_cart_stock', active: 0, lagBytes: 128 },
    ]);
  });

  it('leaves out a slot without a position and reads a confirmation ahead of the server as no lag', () => {
    expect(
      slotFigures([
        { slot_name: 'new', active: true, lag_bytes: null },
        { slot_name: 'ahead', active: true, lag_bytes: -56 },
      ]),
    ).toEqual([{ slot: 'ahead', active: 1, lagBytes: 0 }]);
  });
});

/** A stand-in for pg's pool whose connections are handed out when the test says so. */
class FakePool extends EventEmitter {
  readonly waiting: ((client: pg.PoolClient) => void)[] = [];
  connect(
    callback?: (error: Error | undefined, client: pg.PoolClient | undefined) => void,
  ): Promise<pg.PoolClient> | undefined {
    const acquired = new Promise<pg.PoolClient>((resolve) => {
      this.waiting.push(resolve);
    });
    if (!callback) return acquired;
    void acquired.then((client) => {
      callback(undefined, client);
    });
    return undefined;
  }
  handOut(): void {
    this.waiting.shift()?.({ release: () => undefined } as unknown as pg.PoolClient);
  }
}

describe('timeAcquisitions', () => {
  it('observes the wait of each acquisition, promised or called back, once it is served', async () => {
    const pool = new FakePool();
    const observed: number[] = [];
    timeAcquisitions(pool as unknown as pg.Pool, (seconds) => {
      observed.push(seconds);
    });
    const promised = pool.connect();
    const calledBack = new Promise<void>((resolve) => {
      void pool.connect(() => {
        resolve();
      });
    });
    expect(observed).toEqual([]);
    pool.handOut();
    await promised;
    expect(observed).toHaveLength(1);
    pool.handOut();
    await calledBack;
    expect(observed).toHaveLength(2);
    expect(observed.every((seconds) => seconds >= 0)).toBe(true);
  });
});

describe('sharedWhileInFlight', () => {
  it('runs the query once for the callers that ask while it runs, and again for a later caller', async () => {
    let runs = 0;
    let finish: (value: number) => void = () => undefined;
    const query = sharedWhileInFlight(() => {
      runs += 1;
      return new Promise<number>((resolve) => {
        finish = resolve;
      });
    });
    const first = query();
    const second = query();
    expect(runs).toBe(1);
    finish(7);
    expect(await Promise.all([first, second])).toEqual([7, 7]);
    const third = query();
    expect(runs).toBe(2);
    finish(8);
    expect(await third).toBe(8);
  });
});
