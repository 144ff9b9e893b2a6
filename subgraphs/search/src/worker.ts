/**
 * The search indexer, a process of its own: config → Elasticsearch (index ensured) → Kafka
 * consumer group on the catalogue's CDC topics and the cart's stock topic → GET /health.
 * Run it beside the search subgraph; replicas share the topics' partitions through the
 * consumer group.
 */
import { startProcess } from '@emporium/runtime';
import { readIndexerConfig } from './config.ts';

const config = readIndexerConfig();
// No database: only node:http and undici (the Elasticsearch client) are traced.
const proc = await startProcess('search-indexer', config, { instrument: ['http', 'undici'] });
const { createElasticsearch, pingElasticsearch } = await import('@emporium/elasticsearch');
const { ensureIndex, indexNames } = await import('./search-index/products-index.ts');
const { CatalogueIndexer } = await import('./services/catalogue-indexer.ts');
const { startIndexerConsumer } = await import('./events/consumers/indexer.consumer.ts');
const { logger, metrics } = proc;

const client = createElasticsearch({ url: config.elasticsearchUrl, metrics });
proc.onStop('resources', () => client.close());
proc.check('elasticsearch', () => pingElasticsearch(client));
const names = indexNames(config.indexAlias);
const created = await ensureIndex(client, names);
if (created) logger.info({ index: created, alias: names.alias }, 'created the first product index');

await proc.consume(
  'kafka',
  await startIndexerConsumer({
    kafka: await proc.kafka(config.brokers),
    groupId: config.groupId,
    topicPrefix: config.topicPrefix,
    stockTopic: config.stockTopic,
    indexer: new CatalogueIndexer({ client, names, logger }),
    logger,
    metrics,
  }),
);
await proc.serveHealth(config.port, config.host);
await proc.runUntilSignalled();
