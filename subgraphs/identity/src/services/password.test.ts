import { describe, expect, it } from 'vitest';
import { hashPassword, passwordWeakness, verifyPassword } from './password.ts';

describe('password hashing', () => {
  it('verifies the right password and rejects a wrong one, with a fresh salt per hash', async () => {
    const first = await hashPassword('correct horse 42', 10);
    const second = await hashPassword('correct horse 42', 10);
    expect(first).not.toBe(second);
    expect(first).toMatch(/^scrypt\$10\$8\$1\$/);
    await expect(verifyPassword('correct horse 42', first)).resolves.toBe(true);
    await expect(verifyPassword('correct horse 43', first)).resolves.toBe(false);
  });

  it('never matches a malformed stored hash', async () => {
    await expect(verifyPassword('anything', 'not-a-hash')).resolves.toBe(false);
    await expect(verifyPassword('anything', 'bcrypt$10$8$1$abc$def')).resolves.toBe(false);
  });
});

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
