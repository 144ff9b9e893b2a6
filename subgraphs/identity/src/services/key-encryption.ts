import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { JWK } from 'jose';

const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 'v1';

/** Thrown when a sealed key does not open: a wrong encryption key, a tampered value, or one moved to another row. */
export class KeyDecryptionError extends Error {
  constructor(kid: string) {
    super(`the private key ${kid} does not decrypt with the configured IDENTITY_KEY_ENCRYPTION_KEY`);
    this.name = 'KeyDecryptionError';
  }
}

/**
 * Parses the configured key-encryption key: 32 random bytes in base64 or base64url
 * (`openssl rand -base64 32`). Returns undefined for anything else.
 */
export function parseKeyEncryptionKey(value: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) return undefined;
  const key = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return key.length === KEY_BYTES ? key : undefined;
}

/**
 * Encrypts signing keys' private halves at rest with AES-256-GCM under a key from
 * configuration, so a copy of the database (a backup, a replica, a leaked dump) cannot
 * sign tokens. The key id is the additional authenticated data: a sealed key copied onto
 * another row does not open. Stored form: `v1.<iv>.<tag>.<ciphertext>`, base64url.
 */
export class KeyEncryption {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== KEY_BYTES) throw new Error(`the key-encryption key must be ${KEY_BYTES} bytes`);
    this.key = key;
  }

  seal(kid: string, jwk: JWK): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(kid, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify(jwk), 'utf8'), cipher.final()]);
    return [VERSION, iv, cipher.getAuthTag(), ciphertext]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  /** The private JWK sealed for `kid`; throws {@link KeyDecryptionError} if it does not authenticate. */
  open(kid: string, sealed: string): JWK {
    const [version, iv, tag, ciphertext] = sealed.split('.');
    if (version !== VERSION || !iv || !tag || ciphertext === undefined) throw new KeyDecryptionError(kid);
    try {
      const decipher = createDecipheriv(ALGORITHM, this.key, Buffer.from(iv, 'base64url'), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(Buffer.from(kid, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      const plain = Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]);
      return JSON.parse(plain.toString('utf8')) as JWK;
    } catch {
      throw new KeyDecryptionError(kid);
    }
  }
}
