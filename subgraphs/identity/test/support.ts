import { randomBytes } from 'node:crypto';
import { createOrm, migrate, type MikroORM } from '@emporium/db';
import { createLogger } from '@emporium/logging';
import { createScratchDatabase, type ScratchDatabase } from '@emporium/testing/database';
import type { SessionSettings } from '../src/config.ts';
import { contextFactory, type IdentityContext } from '../src/context.ts';
import { entities } from '../src/entities/index.ts';
import { migrations } from '../src/migrations/index.ts';
import { KeyEncryption } from '../src/services/key-encryption.ts';
import { PostgresLoginThrottle, type ThrottlePolicy } from '../src/services/login-throttle.ts';
import type { PasswordHashParams } from '../src/services/password.ts';
import { SessionService } from '../src/services/session.service.ts';
import { SigningKeyService } from '../src/services/signing-key.service.ts';
import { TokenService } from '../src/services/token.service.ts';
import { UserService } from '../src/services/user.service.ts';

/** The production defaults, except the rotation period, which tests pass time past by hand. */
export const SETTINGS: SessionSettings = {
  accessTokenTtlSeconds: 900,
  sessionTtlSeconds: 30 * 86_400,
  sessionIdleSeconds: 7 * 86_400,
  signingKeyRotationSeconds: 7 * 86_400,
};

/** Cheap hashing for tests that do not test hashing itself. */
export const CHEAP_PASSWORDS: PasswordHashParams = { memoryKiB: 1024, passes: 2 };

/** Identity's services wired as index.ts wires them, over one scratch database. */
export interface IdentityHarness {
  database: ScratchDatabase;
  orm: MikroORM;
  encryption: KeyEncryption;
  keys: SigningKeyService;
  sessions: SessionService;
  users: UserService;
  throttle: PostgresLoginThrottle;
  /** A request context, as the subgraph builds one, for `caller` (from `clientAddress`, if given). */
  context(caller?: IdentityContext['caller'], clientAddress?: string): IdentityContext;
  close(): Promise<void>;
}

export async function startIdentity(
  options: {
    password?: PasswordHashParams;
    onQuery?: (sql: string) => void;
    throttle?: { account?: ThrottlePolicy; client?: ThrottlePolicy };
  } = {},
): Promise<IdentityHarness> {
  const database = await createScratchDatabase('identity');
  const logger = createLogger('test', { level: 'silent' });
  const orm = await createOrm({ ...database, entities, migrations, logger, onQuery: options.onQuery });
  const encryption = new KeyEncryption(randomBytes(32));
  const keys = newKeyService(encryption);
  try {
    await migrate(orm, database);
    await keys.rotateIfDue(orm.em.fork());
    await keys.reload(orm.em.fork());
  } catch (error) {
    await orm.close();
    await database.drop();
    throw error;
  }
  const sessions = new SessionService(new TokenService(keys, SETTINGS.accessTokenTtlSeconds), SETTINGS);
  const throttle = new PostgresLoginThrottle(orm, options.throttle);
  const users = new UserService(options.password ?? CHEAP_PASSWORDS, throttle, sessions);
  const factory = contextFactory({ orm, sessions, users });
  return {
    database,
    orm,
    encryption,
    keys,
    sessions,
    users,
    throttle,
    context: (caller = null, clientAddress) =>
      factory({ caller, requestId: 'test', ...(clientAddress ? { clientAddress } : {}) }),
    close: async () => {
      await orm.close();
      await database.drop();
    },
  };
}

/** A key service as a replica builds one (each replica has its own in-memory view). */
export const newKeyService = (encryption: KeyEncryption): SigningKeyService =>
  new SigningKeyService({
    encryption,
    rotationSeconds: SETTINGS.signingKeyRotationSeconds,
    accessTokenTtlSeconds: SETTINGS.accessTokenTtlSeconds,
  });
