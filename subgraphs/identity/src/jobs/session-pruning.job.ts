import type { MikroORM } from '@emporium/db';
import { runPeriodically, type PeriodicTask } from '@emporium/graphql-server';
import type { Logger } from '@emporium/logging';
import type { LoginThrottle } from '../services/login-throttle.ts';
import type { SessionService } from '../services/session.service.ts';

const PRUNE_INTERVAL_MS = 60 * 60_000;

/**
 * Hourly, in batches: deletes sessions a day past their end, so the table holds live ones,
 * and failed-login counters that hold nothing back any more.
 */
export function startSessionPruning(
  sessions: SessionService,
  throttle: LoginThrottle,
  orm: MikroORM,
  logger: Logger,
): PeriodicTask {
  return runPeriodically({
    what: 'session pruning',
    intervalMs: PRUNE_INTERVAL_MS,
    logger,
    task: async (stopping) => {
      let deleted = 0;
      for (let batch = await sessions.prune(orm.em.fork()); batch > 0 && !stopping();) {
        deleted += batch;
        batch = await sessions.prune(orm.em.fork());
      }
      if (deleted > 0) logger.info({ deleted }, 'pruned ended sessions');
      let counters = 0;
      for (let batch = await throttle.prune(); batch > 0 && !stopping(); batch = await throttle.prune()) {
        counters += batch;
      }
      if (counters > 0) logger.info({ deleted: counters }, 'pruned spent failed-login counters');
    },
  });
}
