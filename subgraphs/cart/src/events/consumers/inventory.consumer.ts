import type { MikroORM } from '@emporium/db';
import { TOPICS } from '@emporium/contracts';
import { startEventConsumer, type EventConsumer, type EventConsumerOptions, type createKafka } from '@emporium/kafka';
import type { Logger } from '@emporium/logging';
import type { InventoryService } from '../../services/inventory.service.ts';

/** The consumer group of the inventory side of the order saga; replicas share the order topic's partitions. */
export const INVENTORY_GROUP = 'cart-inventory';

/**
 * Consumes the order topic and applies each event to stock: OrderPlaced reserves,
 * OrderStatusChanged to PAID commits, to CANCELLED or EXPIRED releases. One forked
 * EntityManager per event; one order's events arrive in order (its id is the key).
 */
export async function startInventoryConsumer(options: {
  kafka: ReturnType<typeof createKafka>;
  orm: MikroORM;
  inventory: InventoryService;
  logger: Logger;
  metrics?: EventConsumerOptions['metrics'];
}): Promise<EventConsumer> {
  const { orm, inventory, logger } = options;
  return startEventConsumer({
    kafka: options.kafka,
    groupId: INVENTORY_GROUP,
    topics: [TOPICS.order],
    logger,
    ...(options.metrics ? { metrics: options.metrics } : {}),
    handle: async (event) => {
      const outcome = await inventory.handle({ em: orm.em.fork() }, event);
      logger.debug({ eventId: event.id, type: event.type, orderId: event.aggregateId, outcome }, 'order event applied');
    },
  });
}
