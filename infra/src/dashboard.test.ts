import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The Grafana dashboard compose provisions, as Grafana reads it. */
interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  targets?: { expr: string; refId: string }[];
}

const dashboard = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '..', 'compose', 'grafana', 'dashboards', 'emporium.json'), 'utf8'),
) as { panels: Panel[] };

const exprs = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr));

describe('the Grafana dashboard', () => {
  it('has panels with unique ids that do not overlap on the grid', () => {
    const ids = dashboard.panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    const cells = new Set<string>();
    for (const { gridPos, title } of dashboard.panels) {
      expect(gridPos.x + gridPos.w, title).toBeLessThanOrEqual(24);
      for (let y = gridPos.y; y < gridPos.y + gridPos.h; y += 1) {
        for (let x = gridPos.x; x < gridPos.x + gridPos.w; x += 1) {
          expect(cells.has(`${x},${y}`), `${title} overlaps another panel at ${x},${y}`).toBe(false);
          cells.add(`${x},${y}`);
        }
      }
    }
  });

  it.each([
    ['PostgreSQL pool connections', 'db_pool_connections'],
    ['PostgreSQL pool waiters', 'db_pool_waiting_requests'],
    ['PostgreSQL acquire time', 'db_pool_acquire_duration_seconds_bucket'],
    ['Elasticsearch latency', 'elasticsearch_request_duration_seconds_bucket'],
    ['outbox publishing lag', 'db_replication_slot_lag_bytes'],
    ['CDC freshness', 'cdc_commit_to_indexed_seconds_bucket'],
    ['consumer lag', 'kafka_consumer_lag'],
    ['event age when consumed', 'kafka_consumer_event_age_seconds_bucket'],
  ])('charts the %s (%s)', (_what, series) => {
    expect(exprs.some((expr) => new RegExp(`\\b${series}\\b`).test(expr))).toBe(true);
  });

  it('gives every query a distinct refId within its panel', () => {
    for (const panel of dashboard.panels) {
      const refIds = (panel.targets ?? []).map((target) => target.refId);
      expect(new Set(refIds).size, panel.title).toBe(refIds.length);
    }
  });
});
