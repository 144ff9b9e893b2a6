/** Bootstrap only: config → tracing → server.listen, metrics on their own port → run until signalled. */
import { createLogger } from '@emporium/logging';
import { createMetricsRegistry, serveMetrics, startTracing } from '@emporium/telemetry';
import { readProviderConfig } from './config.ts';

const config = readProviderConfig();
const logger = createLogger('payment-provider', { level: config.logLevel });
// Tracing intercepts modules as they load (node:http), so the rest is imported only once it runs:
// a payment's trace then runs on from payment's call into the simulator and on to its webhook.
const tracing = await startTracing(config.tracing, { instrument: ['http', 'undici'], logger });
const { runUntilSignalled } = await import('@emporium/graphql-server');
const { createProviderServer } = await import('./server.ts');

const server = createProviderServer({
  publishableKey: config.publishableKey,
  secretKey: config.secretKey,
  webhookSecret: config.webhookSecret,
  ...(config.control ? { controlKey: config.control.key } : {}),
  webhookUrl: config.webhookUrl,
  outcomeDelayMs: config.outcomeDelayMs,
  slowCardDelayMs: config.slowCardDelayMs,
  maxRecords: config.maxRecords,
  logger,
});
await server.listen(config.port, config.host);
if (config.control) await server.listenControl(config.control.port);
// The simulated API is the provider's public face (browsers tokenize cards there): metrics get a port of their own.
const metrics = await serveMetrics(createMetricsRegistry('payment-provider'), config.metricsPort, config.host);
logger.info(
  {
    url: server.url,
    controlUrl: config.control ? server.controlUrl : null,
    webhookUrl: config.webhookUrl,
    metricsPort: config.metricsPort,
  },
  'payment provider simulator running',
);

runUntilSignalled(logger, async () => {
  await server.stop();
  metrics.close();
  // Last, so the spans of the requests drained above are sent too.
  await tracing.shutdown();
});
