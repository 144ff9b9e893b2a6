import { Histogram, type Registry } from '@emporium/telemetry';
import type { SourceTable } from '../catalogue-change.event.ts';

/**
 * Seconds from a commit to the index: about a second when Debezium and the indexer keep
 * up, minutes to hours while one of them is down or replays a backlog.
 */
export const FRESHNESS_BUCKETS: readonly number[] = [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600];

/** Observes how long after their commit a slice of changes reached the index. */
export type FreshnessRecorder = (table: SourceTable, events: readonly { committedAt?: number }[]) => void;

/**
 * Seconds from `committedAt` to `now`. The database's clock and this process's may differ by
 * a little; a change cannot be indexed before it was committed, so a negative age reads 0.
 */
export function secondsSince(committedAt: number, now: number): number {
  return Math.max(0, now - committedAt) / 1000;
}

/**
 * The CDC freshness histogram (`cdc_commit_to_indexed_seconds`, by source table) on
 * `registry`: one observation per change once Elasticsearch acknowledged it. Snapshot reads
 * carry no commit time and are not observed.
 */
export function freshnessRecorder(registry: Registry, clock: () => number = Date.now): FreshnessRecorder {
  const histogram = new Histogram({
    name: 'cdc_commit_to_indexed_seconds',
    help: 'Seconds from the source commit of a catalogue or stock change to its acknowledgement by Elasticsearch, by table',
    labelNames: ['table'] as const,
    buckets: [...FRESHNESS_BUCKETS],
    registers: [registry],
  });
  return (table, events) => {
    const now = clock();
    for (const event of events) {
      if (event.committedAt !== undefined) histogram.observe({ table }, secondsSince(event.committedAt, now));
    }
  };
}
