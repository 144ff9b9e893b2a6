/** Bootstrap only: config → server.listen → run until signalled. */
import { runUntilSignalled } from '@emporium/graphql-server';
import { createLogger } from '@emporium/logging';
import { readProviderConfig } from './config.ts';
import { createProviderServer } from './server.ts';

const config = readProviderConfig();
const logger = createLogger('payment-provider', { level: config.logLevel });
const server = createProviderServer({
  publishableKey: config.publishableKey,
  secretKey: config.secretKey,
  webhookSecret: config.webhookSecret,
  ...(config.control ? { controlKey: config.control.key } : {}),
  webhookUrl: config.webhookUrl,
  outcomeDelayMs: config.outcomeDelayMs,
  slowCardDelayMs: config.slowCardDelayMs,
  logger,
});
await server.listen(config.port, config.host);
if (config.control) await server.listenControl(config.control.port);
logger.info(
  { url: server.url, controlUrl: config.control ? server.controlUrl : null, webhookUrl: config.webhookUrl },
  'payment provider simulator running',
);

runUntilSignalled(logger, () => server.stop());
