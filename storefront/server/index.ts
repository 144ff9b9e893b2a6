/** Bootstrap only: config → build when stale → server.listen → run until signalled. */
import { runUntilSignalled } from '@emporium/graphql-server';
import { createLogger } from '@emporium/logging';
import { ensureStorefrontBuilt } from './build.ts';
import { readStorefrontConfig } from './config.ts';
import { createStorefrontServer } from './server.ts';

const config = readStorefrontConfig();
const logger = createLogger('storefront', { level: config.logLevel });
if (config.build === 'auto') {
  const started = Date.now();
  if (await ensureStorefrontBuilt(config.distDir)) logger.info({ ms: Date.now() - started }, 'storefront built');
}
const server = createStorefrontServer({
  distDir: config.distDir,
  graphqlUrl: config.graphqlUrl,
  connectOrigins: config.connectOrigins,
  logger,
});
await server.listen(config.port, config.host);
logger.info({ url: server.url, graphqlUrl: config.graphqlUrl }, 'storefront running');

runUntilSignalled(logger, () => server.stop());
