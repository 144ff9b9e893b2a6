import { describe, expect, it } from 'vitest';
import { scrypt } from 'node:crypto';
import { OWASP_ARGON2ID, hashPassword, needsRehash, passwordWeakness, verifyPassword } from './password.ts';

describe('password hashing', () => {
  const cheap = { memoryKiB: 1024, passes: 2 };

  it('verifies the right password and rejects a wrong one, with a fresh salt per hash', async () => {
    const first = await hashPassword('correct horse 42', cheap);
    const second = await hashPassword('correct horse 42', cheap);
    expect(first).not.toBe(second);
    expect(first).toMatch(/^\$argon2id\$v=19\$m=1024,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    await expect(verifyPassword('correct horse 42', first)).resolves.toBe(true);
    await expect(verifyPassword('correct horse 43', first)).resolves.toBe(false);
  });

  it('hashes at OWASP strength by default parameters', async () => {
    expect(OWASP_ARGON2ID).toEqual({ memoryKiB: 19_456, passes: 2 });
    const hash = await hashPassword('correct horse 42', OWASP_ARGON2ID);
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(needsRehash(hash, OWASP_ARGON2ID)).toBe(false);
  });

  it('still verifies a legacy scrypt hash, and asks for it and weaker Argon2id hashes to be replaced', async () => {
    // Produced by the scrypt hashing this service used before Argon2id (log2 N = 10, r = 8, p = 1).
    const legacy = 'scrypt$10$8$1$AAAAAAAAAAAAAAAAAAAAAA$' + (await legacyScrypt('correct horse 42'));
    await expect(verifyPassword('correct horse 42', legacy)).resolves.toBe(true);
    await expect(verifyPassword('correct horse 43', legacy)).resolves.toBe(false);
    expect(needsRehash(legacy, OWASP_ARGON2ID)).toBe(true);
    expect(needsRehash(await hashPassword('correct horse 42', cheap), OWASP_ARGON2ID)).toBe(true);
  });

  it('never matches a malformed stored hash', async () => {
    await expect(verifyPassword('anything', 'not-a-hash')).resolves.toBe(false);
    await expect(verifyPassword('anything', 'locked')).resolves.toBe(false);
    await expect(verifyPassword('anything', 'bcrypt$10$8$1$abc$def')).resolves.toBe(false);
    await expect(verifyPassword('anything', '$argon2i$v=19$m=1024,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAA')).resolves.toBe(
      false,
    );
  });
});

/** scrypt as the previous hashing wrote it: an all-zero salt, 32-byte key, base64url. */
function legacyScrypt(password: string): Promise<string> {
  return new Promise((resolve, reject) => {
    scrypt(password, Buffer.alloc(16), 32, { N: 1024, r: 8, p: 1 }, (error, key) => {
      if (error) reject(error);
      else resolve(key.toString('base64url'));
    });
  });
}

describe('password rules', () => {
  const who = { email: 'ana@example.com', displayName: 'Ana' };
  it('accepts a long mixed password', () => {
    expect(passwordWeakness('Sunny-Meadow-88', who)).toBeUndefined();
  });
  it.each([
    ['short1', /at least 10/],
    ['alllowercaseletters', /two kinds/],
    ['Password123'.toLowerCase(), /too common/],
    ['ana@example.com', /differ from your email/],
    ['x1'.repeat(65), /at most 128/],
  ])('rejects %s', (password, reason) => {
    expect(passwordWeakness(password, who)).toMatch(reason);
  });
});
