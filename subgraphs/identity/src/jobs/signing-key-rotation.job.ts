import type { MikroORM } from '@emporium/db';
import { runPeriodically, type PeriodicTask } from '@emporium/graphql-server';
import type { Logger } from '@emporium/logging';
import { KEY_RELOAD_INTERVAL_MS, type SigningKeyService } from '../services/signing-key.service.ts';

/**
 * Every replica, every minute: create a signing key if one is due (the advisory lock lets
 * one replica do it), then reload the keys, so each replica signs with the key that has
 * activated and publishes every key a router may meet.
 */
export function startSigningKeyRotation(keys: SigningKeyService, orm: MikroORM, logger: Logger): PeriodicTask {
  return runPeriodically({
    what: 'signing key rotation',
    intervalMs: KEY_RELOAD_INTERVAL_MS,
    logger,
    task: async () => {
      const created = await keys.rotateIfDue(orm.em.fork());
      if (created) logger.info({ kid: created }, 'created a signing key; it signs after the activation delay');
      await keys.reload(orm.em.fork());
    },
  });
}
