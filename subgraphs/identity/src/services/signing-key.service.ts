import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { USER_TOKEN_ALGORITHM } from '@emporium/auth';
import type { EntityManager } from '@emporium/db';
import type { KeyEncryption } from './key-encryption.ts';

export interface JsonWebKeySet {
  keys: JWK[];
}

/** How often each replica re-reads the keys (and the rotation job runs). */
export const KEY_RELOAD_INTERVAL_MS = 60_000;
/**
 * A new key is published this long before anyone signs with it: every replica has reloaded
 * by then, so every JWKS answer (and so every router) knows the key before a token names it.
 */
export const KEY_ACTIVATION_DELAY_MS = 2 * KEY_RELOAD_INTERVAL_MS;
/**
 * A retired key stays published for the access-token lifetime plus this: a replica may sign
 * with it until its next reload, and clocks differ a little.
 */
export const RETIRED_KEY_GRACE_MS = 5 * 60_000;

/** Replicas take turns on this lock, so only one of them creates a key when one is due. */
const ROTATION_LOCK = "SELECT pg_advisory_xact_lock(hashtext('emporium:identity:signing-keys'))";

interface LoadedKey {
  kid: string;
  publicJwk: JWK;
  activatesAt: number;
  retiredAt: number | null;
  /** Null for keys that no longer sign. */
  privateKey: CryptoKey | null;
}

/** Raw rows carry timestamps as MikroORM's driver returns them: strings (or Dates). */
type Timestamp = Date | string;
const ms = (value: Timestamp): number => new Date(value).getTime();

interface KeyRow {
  kid: string;
  public_jwk: JWK;
  sealed_private_jwk: string | null;
  activates_at: Timestamp;
  retired_at: Timestamp | null;
}

/**
 * The keys that sign user tokens: created and rotated on a schedule, sealed at rest, and
 * published as a JWKS. Every replica runs {@link rotateIfDue} and {@link reload} on the same
 * period; the first creates a key when one is due (one replica at a time, under an advisory
 * lock), the second picks up what any replica wrote.
 */
export class SigningKeyService {
  private readonly encryption: KeyEncryption;
  private readonly rotationMs: number;
  /** How long after its retirement a key may still have live tokens. */
  private readonly publishAfterRetirementMs: number;
  private keys: LoadedKey[] = [];

  constructor(options: { encryption: KeyEncryption; rotationSeconds: number; accessTokenTtlSeconds: number }) {
    this.encryption = options.encryption;
    this.rotationMs = options.rotationSeconds * 1000;
    this.publishAfterRetirementMs = options.accessTokenTtlSeconds * 1000 + RETIRED_KEY_GRACE_MS;
  }

  /**
   * Seals private keys stored before encryption, creates a key when there is none or the
   * newest is older than the rotation period (the first one signs at once, later ones after
   * {@link KEY_ACTIVATION_DELAY_MS}), retires its predecessors from the moment it activates,
   * and deletes keys whose tokens have all expired. Returns the new key's id, if any.
   */
  async rotateIfDue(em: EntityManager, now = Date.now()): Promise<string | null> {
    return em.transactional(async (tx) => {
      await tx.execute(ROTATION_LOCK);
      const legacy = await tx.execute<{ kid: string; private_jwk: JWK }[]>(
        'SELECT kid, private_jwk FROM signing_keys WHERE private_jwk IS NOT NULL',
      );
      for (const row of legacy) {
        await tx.execute('UPDATE signing_keys SET sealed_private_jwk = ?, private_jwk = NULL WHERE kid = ?', [
          this.encryption.seal(row.kid, row.private_jwk),
          row.kid,
        ]);
      }
      await tx.execute('DELETE FROM signing_keys WHERE retired_at < ?', [
        new Date(now - this.publishAfterRetirementMs),
      ]);

      const [newest] = await tx.execute<{ activates_at: Timestamp }[]>(
        'SELECT activates_at FROM signing_keys ORDER BY activates_at DESC LIMIT 1',
      );
      if (newest && ms(newest.activates_at) > now - this.rotationMs) return null;

      const kid = randomUUID();
      const activatesAt = new Date(newest ? now + KEY_ACTIVATION_DELAY_MS : now);
      const { privateKey, publicKey } = await generateKeyPair(USER_TOKEN_ALGORITHM, { extractable: true });
      const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: USER_TOKEN_ALGORITHM, use: 'sig' };
      const sealed = this.encryption.seal(kid, await exportJWK(privateKey));
      await tx.execute(
        `INSERT INTO signing_keys (kid, public_jwk, sealed_private_jwk, created_at, activates_at)
         VALUES (?, ?, ?, ?, ?)`,
        [kid, JSON.stringify(publicJwk), sealed, new Date(now), activatesAt],
      );
      await tx.execute('UPDATE signing_keys SET retired_at = ? WHERE retired_at IS NULL AND kid <> ?', [
        activatesAt,
        kid,
      ]);
      return kid;
    });
  }

  /** Re-reads the keys that are still published, opening the private halves of those that may sign. */
  async reload(em: EntityManager, now = Date.now()): Promise<void> {
    const rows = await em.execute<KeyRow[]>(
      `SELECT kid, public_jwk, sealed_private_jwk, activates_at, retired_at FROM signing_keys
       WHERE retired_at IS NULL OR retired_at > ? ORDER BY activates_at DESC`,
      [new Date(now - this.publishAfterRetirementMs)],
    );
    const known = new Map(this.keys.map((key) => [key.kid, key]));
    const keys: LoadedKey[] = [];
    for (const row of rows) {
      const retiredAt = row.retired_at === null ? null : ms(row.retired_at);
      const maySign = retiredAt === null || retiredAt > now;
      let privateKey = maySign ? (known.get(row.kid)?.privateKey ?? null) : null;
      if (maySign && !privateKey && row.sealed_private_jwk !== null) {
        const jwk = this.encryption.open(row.kid, row.sealed_private_jwk);
        privateKey = (await importJWK(jwk, USER_TOKEN_ALGORITHM)) as CryptoKey;
      }
      keys.push({ kid: row.kid, publicJwk: row.public_jwk, activatesAt: ms(row.activates_at), retiredAt, privateKey });
    }
    this.keys = keys;
  }

  /** The key to sign with at `now`: the newest that has activated and not retired. */
  signer(now = Date.now()): { kid: string; privateKey: CryptoKey } {
    for (const key of this.keys) {
      const active = key.activatesAt <= now && (key.retiredAt === null || key.retiredAt > now);
      if (active && key.privateKey) return { kid: key.kid, privateKey: key.privateKey };
    }
    throw new Error('no signing key is active; is the rotation job running?');
  }

  /** The JWKS: keys about to sign, signing, and retired ones whose tokens may still be live. */
  publicKeys(now = Date.now()): JsonWebKeySet {
    return {
      keys: this.keys
        .filter((key) => key.retiredAt === null || key.retiredAt + this.publishAfterRetirementMs > now)
        .map((key) => key.publicJwk),
    };
  }
}
