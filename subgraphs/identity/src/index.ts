/** Bootstrap only: config → ORM (migrated) → signing keys (sealed, rotated) → server and jobs. */
import { startProcess } from '@emporium/runtime';
import { readIdentityConfig } from './config.ts';

const config = readIdentityConfig();
const proc = await startProcess('identity', config);
// Imported once tracing runs, so the modules it hooks (pg, http) load hooked.
const { createSubgraphServer } = await import('@emporium/graphql-server');
const { contextFactory } = await import('./context.ts');
const { entities } = await import('./entities/index.ts');
const { startSessionPruning } = await import('./jobs/session-pruning.job.ts');
const { startSigningKeyRotation } = await import('./jobs/signing-key-rotation.job.ts');
const { migrations } = await import('./migrations/index.ts');
const { jwksRoute } = await import('./routes/jwks.route.ts');
const { REVOKED_SESSIONS_PATH, revokedSessionsRoute } = await import('./routes/revoked-sessions.route.ts');
const { buildSchema } = await import('./schema.ts');
const { KeyEncryption } = await import('./services/key-encryption.ts');
const { SessionService } = await import('./services/session.service.ts');
const { SigningKeyService } = await import('./services/signing-key.service.ts');
const { TokenService } = await import('./services/token.service.ts');
const { UserService } = await import('./services/user.service.ts');
const { PostgresLoginThrottle } = await import('./services/login-throttle.ts');

const { logger } = proc;

const orm = await proc.openDatabase({ service: 'identity', serverUrl: config.databaseUrl, entities, migrations });
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
const users = new UserService(config.password, throttle, sessions);
const revokedSessions = revokedSessionsRoute(sessions, orm);
const jwks = jwksRoute(keys);

const server = await createSubgraphServer({
  name: 'identity',
  metrics: proc.metrics,
  readiness: proc.readiness,
  schema: buildSchema(),
  routerKey: config.routerKey,
  logger,
  context: contextFactory({ orm, sessions, users }),
  routes: async (req, res) => jwks(req, res) || (await revokedSessions(req, res)),
  unloggedPaths: [REVOKED_SESSIONS_PATH],
});
proc.onStop('intake', () => server.stop());
await server.listen(config.port, config.host);
const rotation = startSigningKeyRotation(keys, orm, logger);
proc.onStop('work', () => rotation.stop());
const pruning = startSessionPruning(sessions, throttle, orm, logger);
proc.onStop('work', () => pruning.stop());
await proc.runUntilSignalled();
