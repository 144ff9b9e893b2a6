import { Registry } from '@emporium/telemetry';
import { describe, expect, it } from 'vitest';
import { freshnessRecorder, secondsSince } from './indexer.metrics.ts';

describe('secondsSince', () => {
  it('is the age in seconds, never negative when the clocks disagree a little', () => {
    expect(secondsSince(1000, 3500)).toBe(2.5);
    expect(secondsSince(4000, 3500)).toBe(0);
  });
});

describe('freshnessRecorder', () => {
  it('observes each committed change by table, and skips snapshot reads (no commit time)', async () => {
    const registry = new Registry();
    const record = freshnessRecorder(registry, () => 10_000);
    record('products', [{ committedAt: 9_000 }, { committedAt: 9_900 }, {}]);
    const values = (await registry.getSingleMetric('cdc_commit_to_indexed_seconds')?.get())?.values ?? [];
    const count = values.find(
      (v) => (v as { metricName?: string }).metricName === 'cdc_commit_to_indexed_seconds_count',
    );
    const sum = values.find((v) => (v as { metricName?: string }).metricName === 'cdc_commit_to_indexed_seconds_sum');
    expect(count).toMatchObject({ labels: { table: 'products' }, value: 2 });
    expect(sum?.value).toBeCloseTo(1.1);
  });
});
