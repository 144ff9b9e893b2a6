import { describe, expect, it } from 'vitest';
import type { Client } from '@emporium/elasticsearch';
import { bulkWrite } from './bulk.ts';

/** Only the bulk call, answering what Elasticsearch answers: a stand-in, not a mock of the library. */
const answering = (items: Record<string, { status: number; error?: { type: string; reason: string } }>[]) =>
  ({
    bulk: async () => ({ errors: items.some((item) => Object.values(item)[0]?.error), items, took: 1 }),
  }) as unknown as Client;

const conflict = {
  status: 409,
  error: { type: 'version_conflict_engine_exception', reason: 'current version is higher' },
};

describe('bulkWrite', () => {
  it('counts a version conflict as a stale change, not a failure', async () => {
    const client = answering([{ index: { status: 201 } }, { index: conflict }, { delete: conflict }]);
    expect(await bulkWrite(client, [{ index: { _index: 'i', _id: '1' } }, {}])).toEqual({ written: 1, stale: 2 });
  });

  it('accepts deleting a document that is not there', async () => {
    const client = answering([{ delete: { status: 404, error: { type: 'x', reason: 'not found' } } }]);
    expect(await bulkWrite(client, [{ delete: { _index: 'i', _id: '1' } }])).toEqual({ written: 1, stale: 0 });
  });

  it('fails on any other error, so the batch is not committed', async () => {
    const client = answering([
      { index: { status: 201 } },
      { index: { status: 400, error: { type: 'strict_dynamic_mapping_exception', reason: 'field [x]' } } },
    ]);
    await expect(bulkWrite(client, [{ index: { _index: 'i', _id: '1' } }, {}])).rejects.toThrow(
      /strict_dynamic_mapping_exception/,
    );
  });
});
