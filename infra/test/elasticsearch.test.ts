import { afterAll, describe, expect, it } from 'vitest';
import { Client } from '@elastic/elasticsearch';
import { stackEndpoints, uniqueName } from '@emporium/testing';

const client = new Client({ node: stackEndpoints().elasticsearch.url });
const index = uniqueName('smoke').toLowerCase();

afterAll(async () => {
  await client.indices.delete({ index }, { ignore: [404] });
  await client.close();
});

describe('Elasticsearch through @elastic/elasticsearch', () => {
  it('indexes a document and finds it by a word of its name', async () => {
    await client.indices.create({
      index,
      settings: { number_of_shards: 1, number_of_replicas: 0 },
      mappings: { properties: { name: { type: 'text' }, brand: { type: 'keyword' } } },
    });
    await client.index({
      index,
      id: 'p1',
      document: { name: 'Pixel 9 Pro smartphone', brand: 'Google' },
      refresh: true,
    });
    await client.index({ index, id: 'p2', document: { name: 'ThinkPad X1 laptop', brand: 'Lenovo' }, refresh: true });

    const result = await client.search<{ name: string; brand: string }>({
      index,
      query: { match: { name: 'smartphone' } },
    });
    expect(result.hits.hits.map((hit) => hit._id)).toEqual(['p1']);
    expect(result.hits.hits[0]?._source?.brand).toBe('Google');
  });
});
