import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createElasticsearch, type Client } from '@emporium/elasticsearch';
import { stackEndpoints, uniqueName } from '@emporium/testing';
import { PRODUCT_INDEX_SETTINGS, ensureIndex, indexNames } from '../src/search-index/products-index.ts';

/**
 * The live index follows the release's refresh interval, on the real Elasticsearch: a change
 * is searchable only at the index's next refresh, so an index an earlier release made with a
 * longer interval would keep every change back that much longer.
 */
const names = indexNames(uniqueName('settings_test'));
let client: Client;

const refreshIntervalOf = async (): Promise<unknown> => {
  const settings = await client.indices.getSettings({ index: names.alias, name: 'index.refresh_interval' });
  return Object.values(settings)[0]?.settings?.index?.refresh_interval;
};

beforeAll(() => {
  client = createElasticsearch({ url: stackEndpoints().elasticsearch.url });
});

afterAll(async () => {
  // By name: the engine refuses wildcard deletes (action.destructive_requires_name).
  const indices = Object.keys(await client.indices.get({ index: `${names.alias}*` }));
  await client.indices.delete({ index: indices });
  await client.close();
});

describe('the product index settings', () => {
  it("brings an existing index to this release's refresh interval when the indexer starts", async () => {
    await ensureIndex(client, names);
    expect(await refreshIntervalOf()).toBe(PRODUCT_INDEX_SETTINGS.refresh_interval);
    // As an earlier release left it.
    await client.indices.putSettings({ index: names.alias, settings: { refresh_interval: '1s' } });

    await ensureIndex(client, names);
    expect(await refreshIntervalOf()).toBe(PRODUCT_INDEX_SETTINGS.refresh_interval);
  });
});
