/**
 * `node subgraphs/payment/src/seed/seed.ts [--products N] [--force]`: payments have no demo
 * data, so seeding only migrates the payment database; the outbox connector needs the outbox
 * table before it is registered. The catalogue arguments every seed takes are ignored.
 */
import { createOrm, migrate } from '@emporium/db';
import { createLogger } from '@emporium/logging';
import { readPaymentSeedConfig } from '../config.ts';
import { entities } from '../entities/index.ts';
import { migrations } from '../migrations/index.ts';

const config = readPaymentSeedConfig();
const logger = createLogger('payment-seed', { level: config.logLevel });
const database = { service: 'payment', serverUrl: config.databaseUrl };
const orm = await createOrm({ ...database, entities, migrations, logger });
try {
  const applied = await migrate(orm, database);
  logger.info({ applied }, applied.length > 0 ? `applied ${applied.length} migrations` : 'payment database up to date');
} catch (error) {
  logger.error({ err: error }, 'payment seed failed');
  process.exitCode = 1;
} finally {
  await orm.close();
}
