import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Password hashing with scrypt (memory-hard, in Node's standard library, no native addon).
 * The stored form names its parameters, so the cost can rise later without breaking old hashes:
 * `scrypt$<log2 N>$<r>$<p>$<salt>$<hash>`.
 */
const KEY_LENGTH = 32;
const SALT_BYTES = 16;
const R = 8;
const P = 1;

function derive(password: string, salt: Buffer, logN: number, r: number, p: number): Promise<Buffer> {
  const N = 2 ** logN;
  // scrypt needs 128 * N * r bytes; Node's default cap (32 MiB) is exactly the cost at logN 15.
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (error, key) => {
      if (error) reject(error);
      else resolve(key);
    });
  });
}

export async function hashPassword(password: string, logN: number): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, logN, R, P);
  return ['scrypt', logN, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Constant-time comparison against a stored hash; a malformed hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, logN, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !logN || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await derive(password, Buffer.from(salt, 'base64url'), Number(logN), Number(r), Number(p));
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;

/** Passwords every credential-stuffing list starts with. */
const COMMON = new Set([
  'password123',
  'password1234',
  'passw0rd123',
  'qwerty12345',
  'qwertyuiop1',
  '1234567890a',
  'iloveyou123',
  'letmein1234',
  'welcome1234',
  'admin12345',
  'abc1234567',
  'monkey12345',
]);

/** Why a password is too weak, or undefined when it is acceptable. */
export function passwordWeakness(
  password: string,
  context: { email: string; displayName: string },
): string | undefined {
  if (password.length < PASSWORD_MIN_LENGTH) return `Use at least ${PASSWORD_MIN_LENGTH} characters`;
  if (password.length > PASSWORD_MAX_LENGTH) return `Use at most ${PASSWORD_MAX_LENGTH} characters`;
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((pattern) => pattern.test(password)).length;
  if (classes < 2) return 'Mix at least two kinds of character: lower-case, upper-case, digits, symbols';
  const lower = password.toLowerCase();
  if (COMMON.has(lower)) return 'This password is too common';
  if (lower === context.email.toLowerCase() || lower === context.displayName.toLowerCase()) {
    return 'The password must differ from your email and name';
  }
  return undefined;
}
