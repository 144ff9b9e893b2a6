/**
 * `node subgraphs/payment/src/seed/seed.ts [--products N] [--force]`: payments have no demo
 * data, so seeding only migrates the payment database; the outbox connector needs the outbox
 * table before it is registered. The catalogue arguments every seed takes are ignored.
 */
import { runSeed } from '@emporium/runtime/seed';
import { entities } from '../entities/index.ts';
import { migrations } from '../migrations/index.ts';

await runSeed({ service: 'payment', entities, migrations });
