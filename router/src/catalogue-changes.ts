import { cdcTablesOf, cdcTopic, isRecord, readCdcKey } from '@emporium/contracts';
import { createKafka, followChanges, type ChangeFollower, type FollowedChange } from '@emporium/kafka';
import type { Logger } from '@emporium/logging';
import type { EntityCache } from './entity-cache.ts';

/** The subgraph whose answers the catalogue's change stream invalidates, named as in the supergraph. */
export const CATALOGUE_SUBGRAPH = 'product';

/**
 * The products a batch of catalogue changes touched, or undefined when one of them cannot be
 * tied to a product (a category or seller changed, or a key that does not read): then every
 * answer of the subgraph may be stale.
 */
export function changedProducts(topicPrefix: string, changes: readonly FollowedChange[]): string[] | undefined {
  const products = cdcTopic(topicPrefix, 'products');
  const ids: string[] = [];
  for (const change of changes) {
    if (change.topic !== products || change.key === null) return undefined;
    try {
      const key: unknown = JSON.parse(change.key.toString('utf8'));
      if (!isRecord(key)) return undefined;
      ids.push(readCdcKey('products', key));
    } catch {
      return undefined;
    }
  }
  return ids;
}

/**
 * Keeps the entity cache true to the catalogue, from Debezium's topics of the product
 * database's captured tables. A product's change (a review updates its product's rating on
 * the product row, in the same transaction, so it counts) drops the answers read from that
 * product and every list; a category's or seller's change, which any product may show, drops
 * the product subgraph's answers. While the stream is not followed (brokers away, rejoining),
 * the cache is bypassed and, on each gap, emptied.
 */
export function followCatalogueChanges(options: {
  brokers: readonly string[];
  topicPrefix: string;
  cache: EntityCache;
  logger: Logger;
}): ChangeFollower {
  const { cache, logger, topicPrefix } = options;
  return followChanges({
    kafka: createKafka({ clientId: 'router', brokers: options.brokers, logger }),
    topics: cdcTablesOf(CATALOGUE_SUBGRAPH).map((table) => cdcTopic(topicPrefix, table)),
    groupPrefix: 'router.entity-cache',
    logger,
    onChanges: (changes) => {
      cache.invalidate(CATALOGUE_SUBGRAPH, changedProducts(topicPrefix, changes));
    },
    onGap: () => {
      cache.invalidate();
    },
  });
}
