/** Bootstrap only: config → tracing → gateway → HTTP server, metrics on the admin port. */
import { createLogger } from '@emporium/logging';
import { serveMetrics, startTracing } from '@emporium/telemetry';
import { readRouterConfig } from './config.ts';

const config = readRouterConfig();
const logger = createLogger('router', { level: config.logLevel });
// Tracing intercepts modules as they load, so the router's own are imported only once it runs.
const tracing = await startTracing(config.tracing, { instrument: ['http', 'undici'], logger });
const { runUntilSignalled } = await import('@emporium/graphql-server');
const { createRouter } = await import('./server.ts');

const router = await createRouter(config, logger);
await router.listen();
const admin = await serveMetrics(router.metrics, config.adminPort, config.host);
logger.info({ port: config.adminPort }, 'router metrics on /metrics');
runUntilSignalled(logger, async () => {
  await router.stop();
  admin.close();
  // Last, so the spans of the requests drained above are sent too.
  await tracing.shutdown();
});
