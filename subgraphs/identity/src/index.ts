/** Bootstrap only: config → ORM (migrated) → signing keys (sealed, rotated) → server and jobs. */
import { createLogger } from '@emporium/logging';
import { startTracing } from '@emporium/telemetry';
import { readIdentityConfig } from './config.ts';

const config = readIdentityConfig();
const logger = createLogger('identity', { level: config.logLevel });
// Tracing intercepts modules as they load (node:http, pg), so the rest is imported only once it runs.
const tracing = await startTracing(config.tracing, { instrument: ['http', 'undici', 'pg'], logger });
const { createOrm, measureDatabase, migrate, pingDatabase } = await import('@emporium/db');
const { createSubgraphServer, runUntilSignalled } = await import('@emporium/graphql-server');
const { contextFactory } = await import('./context.ts');
const { entities } = await import('./entities/index.ts');
const { startSessionPruning } = await import('./jobs/session-pruning.job.ts');
const { startSigningKeyRotation } = await import('./jobs/signing-key-rotation.job.ts');
const { migrations } = await import('./migrations/index.ts');
const { jwksRoute } = await import('./routes/jwks.route.ts');
const { revokedSessionsRoute } = await import('./routes/revoked-sessions.route.ts');
const { buildSchema } = await import('./schema.ts');
const { KeyEncryption } = await import('./services/key-encryption.ts');
const { SessionService } = await import('./services/session.service.ts');
const { SigningKeyService } = await import('./services/signing-key.service.ts');
const { TokenService } = await import('./services/token.service.ts');
const { UserService } = await import('./services/user.service.ts');
const { PostgresLoginThrottle } = await import('./services/login-throttle.ts');

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
const throttle = new PostgresLoginThrottle(orm);
const users = new UserService(config.password, throttle);
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
// Pool figures on the subgraph's /metrics, read at each scrape.
await measureDatabase(orm, server.metrics, { service: database.service });
await server.listen(config.port, config.host);
const rotation = startSigningKeyRotation(keys, orm, logger);
const pruning = startSessionPruning(sessions, throttle, orm, logger);

runUntilSignalled(logger, async () => {
  await server.stop();
  await Promise.all([rotation.stop(), pruning.stop()]);
  await orm.close();
  // Last, so the spans of the requests drained above are sent too.
  await tracing.shutdown();
});
