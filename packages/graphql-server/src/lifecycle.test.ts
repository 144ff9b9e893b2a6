import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '@emporium/logging';
import { runPeriodically } from './lifecycle.ts';

// Fake timers: the schedule is driven tick by tick, so "no run after stop" is a fact about
// the timers left, not a guess about how long to wait.
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const silent = createLogger('test', { level: 'silent' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('runPeriodically', () => {
  it('runs at once and then again, goes on after a failed run, and stop waits for the run in hand', async () => {
    const runs: number[] = [];
    let inFlight = false;
    const task = runPeriodically({
      what: 'test task',
      intervalMs: 10,
      logger: silent,
      task: async () => {
        inFlight = true;
        runs.push(runs.length);
        await sleep(20);
        inFlight = false;
        if (runs.length === 2) throw new Error('second run fails');
      },
    });
    expect(runs).toEqual([0]);
    // Each run takes 20 ms and the next starts 10 ms after it ends: three runs by 75 ms.
    await vi.advanceTimersByTimeAsync(75);
    expect(runs).toEqual([0, 1, 2]);
    expect(inFlight).toBe(true);
    const stopped = task.stop();
    await vi.advanceTimersByTimeAsync(20);
    await stopped;
    expect(inFlight).toBe(false);
    // Nothing is scheduled after stop, however long we wait.
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(1000);
    expect(runs).toEqual([0, 1, 2]);
  });

  it('tells a long run that a stop was asked for', async () => {
    let batches = 0;
    const task = runPeriodically({
      what: 'batches',
      intervalMs: 1000,
      logger: silent,
      task: async (stopping) => {
        while (!stopping()) {
          batches += 1;
          await sleep(5);
        }
      },
    });
    await vi.advanceTimersByTimeAsync(30);
    expect(batches).toBeGreaterThan(1);
    const stopped = task.stop();
    await vi.advanceTimersByTimeAsync(5);
    await stopped;
    const seen = batches;
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(1000);
    expect(batches).toBe(seen);
  });
});
