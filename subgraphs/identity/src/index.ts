/** Bootstrap only: config → ORM (migrated) → signing keys (sealed, rotated) → server and jobs. */
import { createOrm, migrate, pingDatabase } from '@emporium/db';
import { createSubgraphServer, runUntilSignalled } from '@emporium/graphql-server';
import { createLogger } from '@emporium/logging';
import { readIdentityConfig } from './config.ts';
import { contextFactory } from './context.ts';
import { entities } from './entities/index.ts';
import { startSessionPruning } from './jobs/session-pruning.job.ts';
import { startSigningKeyRotation } from './jobs/signing-key-rotation.job.ts';
import { migrations } from './migrations/index.ts';
import { jwksRoute } from './routes/jwks.route.ts';
import { revokedSessionsRoute } from './routes/revoked-sessions.route.ts';
import { buildSchema } from './schema.ts';
import { KeyEncryption } from './services/key-encryption.ts';
import { SessionService } from './services/session.service.ts';
import { SigningKeyService } from './services/signing-key.service.ts';
import { TokenService } from './services/token.service.ts';
import { UserService } from './services/user.service.ts';

const config = readIdentityConfig();
const logger = createLogger('identity', { level: config.logLevel });
const database = { service: 'identity', serverUrl: config.databaseUrl };
const orm = await createOrm({ ...database, entities, migrations, logger });
await migrate(orm, database);
const keys = new SigningKeyService({
  encryption: new KeyEncryption(config.keyEncryptionKey),
  rotationSeconds: config.sessions.signingKeyRotationSeconds,
  accessTokenTtlSeconds: config.sessions.accessTokenTtlSeconds,
});
// Before serving: seal any plaintext key left from before encryption, create the first key,
// and fail here, loudly, if the configured key-encryption key does not open the stored keys.
await keys.rotateIfDue(orm.em.fork());
await keys.reload(orm.em.fork());
const sessions = new SessionService(new TokenService(keys, config.sessions.accessTokenTtlSeconds), config.sessions);
const users = new UserService(config.password);
const revokedSessions = revokedSessionsRoute(sessions, orm);
const jwks = jwksRoute(keys);

const server = await createSubgraphServer({
  name: 'identity',
  readiness: { postgres: () => pingDatabase(orm) },
  schema: buildSchema(),
  routerKey: config.routerKey,
  logger,
  context: contextFactory({ orm, sessions, users }),
  routes: async (req, res) => jwks(req, res) || (await revokedSessions(req, res)),
});
await server.listen(config.port, config.host);
const rotation = startSigningKeyRotation(keys, orm, logger);
const pruning = startSessionPruning(sessions, orm, logger);

runUntilSignalled(logger, async () => {
  await server.stop();
  await Promise.all([rotation.stop(), pruning.stop()]);
  await orm.close();
});
