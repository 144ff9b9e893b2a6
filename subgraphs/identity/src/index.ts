/** Bootstrap only: config → ORM (migrated) → keys → server. */
import { routerSecret } from '@emporium/auth';
import { createOrm, migrate } from '@emporium/db';
import { createSubgraphServer, runUntilSignalled } from '@emporium/graphql-server';
import { createLogger } from '@emporium/logging';
import { readIdentityConfig } from './config.ts';
import { contextFactory } from './context.ts';
import { entities } from './entities/index.ts';
import { migrations } from './migrations/index.ts';
import { jwksRoute } from './jwks.ts';
import { buildSchema } from './schema.ts';
import { TokenService } from './services/token.service.ts';
import { UserService } from './services/user.service.ts';

const config = readIdentityConfig();
const logger = createLogger('identity', { level: config.logLevel });
const database = { service: 'identity', serverUrl: config.databaseUrl };
const orm = await createOrm({ ...database, entities, migrations, logger });
await migrate(orm, database);
const tokens = await TokenService.load(orm.em.fork(), config.tokenTtlSeconds);
const users = new UserService(config.passwordCostLog2);

const server = await createSubgraphServer({
  name: 'identity',
  schema: buildSchema(),
  routerSecret: routerSecret(config.routerSecret),
  logger,
  context: contextFactory({ orm, tokens, users }),
  routes: jwksRoute(tokens, orm),
});
await server.listen(config.port, config.host);

runUntilSignalled(logger, async () => {
  await server.stop();
  await orm.close();
});
