import { createLogger } from '@emporium/logging';
import { readRouterConfig } from './config.ts';
import { createRouterServer } from './server.ts';

const config = readRouterConfig();
const logger = createLogger('router', { level: config.logLevel });
const server = createRouterServer(config, logger);

server.listen(config.port, config.host, () => {
  logger.info({ port: config.port }, 'router listening');
});

// Finish in-flight requests before exiting, so a rolling restart drops nothing.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'shutting down');
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(1), 10_000).unref();
  });
}
