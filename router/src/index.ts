/** Bootstrap only: config → gateway → HTTP server. */
import { runUntilSignalled } from '@emporium/graphql-server';
import { createLogger } from '@emporium/logging';
import { readRouterConfig } from './config.ts';
import { createRouter } from './server.ts';

const config = readRouterConfig();
const logger = createLogger('router', { level: config.logLevel });
const router = await createRouter(config, logger);
await router.listen();
runUntilSignalled(logger, () => router.stop());
