import { describe, expect, it } from 'vitest';
import { createLogger } from '@emporium/logging';
import { runPeriodically } from './lifecycle.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('runPeriodically', () => {
  it('runs at once and then again, goes on after a failed run, and stop waits for the run in hand', async () => {
    const runs: number[] = [];
    let inFlight = false;
    const task = runPeriodically({
      what: 'test task',
      intervalMs: 10,
      logger: createLogger('test', { level: 'silent' }),
      task: async () => {
        inFlight = true;
        runs.push(runs.length);
        await sleep(20);
        inFlight = false;
        if (runs.length === 2) throw new Error('second run fails');
      },
    });
    expect(runs).toEqual([0]);
    await sleep(150);
    await task.stop();
    expect(inFlight).toBe(false);
    // The failed second run did not end the schedule.
    expect(runs.length).toBeGreaterThanOrEqual(3);
    const after = runs.length;
    await sleep(60);
    expect(runs.length).toBe(after);
  });

  it('tells a long run that a stop was asked for', async () => {
    let batches = 0;
    const task = runPeriodically({
      what: 'batches',
      intervalMs: 1000,
      logger: createLogger('test', { level: 'silent' }),
      task: async (stopping) => {
        while (!stopping()) {
          batches += 1;
          await sleep(5);
        }
      },
    });
    await sleep(30);
    await task.stop();
    const seen = batches;
    await sleep(30);
    expect(seen).toBeGreaterThan(0);
    expect(batches).toBe(seen);
  });
});
