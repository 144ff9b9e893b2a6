/**
 * The search indexer, a process of its own: config → Elasticsearch (index ensured) → Kafka
 * consumer group on the catalogue's CDC topics → GET /health. Run it beside the search
 * subgraph; replicas share the topics' partitions through the consumer group.
 */
import { createServer } from 'node:http';
import { listen, runUntilSignalled } from '@emporium/graphql-server';
import { createElasticsearch } from '@emporium/elasticsearch';
import { createKafka } from '@emporium/kafka';
import { createLogger } from '@emporium/logging';
import { readIndexerConfig } from '../config.ts';
import { ensureIndex, indexNames } from '../search-index/products-index.ts';
import { CatalogueIndexer } from './catalogue-indexer.ts';
import { startIndexerConsumer } from './indexer.consumer.ts';

const config = readIndexerConfig();
const logger = createLogger('search-indexer', { level: config.logLevel });
const client = createElasticsearch({ url: config.elasticsearchUrl });
const names = indexNames(config.indexAlias);
const created = await ensureIndex(client, names);
if (created) logger.info({ index: created, alias: names.alias }, 'created the first product index');

const kafka = createKafka({ clientId: 'search-indexer', brokers: config.brokers, logger });
const indexer = new CatalogueIndexer({ client, names, logger });
const running = await startIndexerConsumer({
  kafka,
  groupId: config.groupId,
  topicPrefix: config.topicPrefix,
  indexer,
  logger,
});

// kafkajs restarts a consumer after retriable errors by itself; after any other, exit so the
// supervisor (or orchestrator) starts a fresh process that resumes from the committed offsets.
running.consumer.on(running.consumer.events.CRASH, (event) => {
  if (event.payload.restart) return;
  logger.error({ err: event.payload.error }, 'indexer consumer stopped');
  process.exit(1);
});
const health = createServer((req, res) => {
  const found = req.method === 'GET' && req.url === '/health';
  res
    .writeHead(found ? 200 : 404, { 'content-type': 'application/json' })
    .end(JSON.stringify(found ? { status: 'ok' } : { error: 'not found' }));
});
await listen(health, config.port, config.host);
logger.info({ port: config.port }, 'search indexer running');

runUntilSignalled(logger, async () => {
  health.close();
  await running.stop();
  await client.close();
});
