/**
 * The search indexer, a process of its own: config → Elasticsearch (index ensured) → Kafka
 * consumer group on the catalogue's CDC topics and the cart's stock topic → GET /health.
 * Run it beside the search subgraph; replicas share the topics' partitions through the
 * consumer group.
 */
import { createLogger } from '@emporium/logging';
import { createMetricsRegistry, metricsRoute, startTracing } from '@emporium/telemetry';
import { readIndexerConfig } from '../config.ts';

const config = readIndexerConfig();
const logger = createLogger('search-indexer', { level: config.logLevel });
// Tracing intercepts modules as they load (node:http, undici), so the rest is imported only once it runs.
const tracing = await startTracing(config.tracing, { instrument: ['http', 'undici'], logger });
const { exitWhenCrashed, runUntilSignalled, serveWorkerHealth } = await import('@emporium/graphql-server');
const { createElasticsearch, pingElasticsearch } = await import('@emporium/elasticsearch');
const { crashedForGood, createKafka, measureConsumer } = await import('@emporium/kafka');
const { ensureIndex, indexNames } = await import('../search-index/products-index.ts');
const { CatalogueIndexer } = await import('./catalogue-indexer.ts');
const { startIndexerConsumer } = await import('./indexer.consumer.ts');

const metrics = createMetricsRegistry('search-indexer');
const client = createElasticsearch({ url: config.elasticsearchUrl, metrics });
const names = indexNames(config.indexAlias);
const created = await ensureIndex(client, names);
if (created) logger.info({ index: created, alias: names.alias }, 'created the first product index');

const kafka = createKafka({ clientId: 'search-indexer', brokers: config.brokers, logger });
const indexer = new CatalogueIndexer({ client, names, logger });
const running = await startIndexerConsumer({
  kafka,
  groupId: config.groupId,
  topicPrefix: config.topicPrefix,
  stockTopic: config.stockTopic,
  indexer,
  logger,
  metrics,
});
measureConsumer(running.consumer, config.groupId, metrics);

exitWhenCrashed(logger, 'indexer', crashedForGood(running.consumer));
const health = await serveWorkerHealth(
  config.port,
  config.host,
  { elasticsearch: () => pingElasticsearch(client), kafka: () => running.ready() },
  metricsRoute(metrics),
);
logger.info({ port: config.port }, 'search indexer running');

runUntilSignalled(logger, async () => {
  health.close();
  await running.stop();
  await client.close();
  // Last, so the spans of the work drained above are sent too.
  await tracing.shutdown();
});
