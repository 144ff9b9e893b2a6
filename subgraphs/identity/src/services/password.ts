import { argon2, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Password hashing with Argon2id, OWASP's first choice, from Node's standard library (no
 * native addon). Hashes are stored as PHC strings,
 * `$argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash>`, which name their own
 * parameters, so the cost can rise without breaking old hashes: a hash weaker than today's
 * parameters (or an scrypt hash from before Argon2id) still verifies, and
 * {@link needsRehash} tells sign-in to store a fresh one.
 */
export interface PasswordHashParams {
  /** Memory cost in KiB. */
  memoryKiB: number;
  /** Passes over the memory. */
  passes: number;
}

/** OWASP's minimum for Argon2id (m = 19 MiB, t = 2, p = 1): about 50 ms and 19 MiB per hash here. */
export const OWASP_ARGON2ID: PasswordHashParams = { memoryKiB: 19_456, passes: 2 };

const ARGON2_VERSION = 19;
const LANES = 1;
const KEY_LENGTH = 32;
const SALT_BYTES = 16;
/** A PHC string's base64 is the standard alphabet without padding. */
const b64 = (bytes: Buffer): string => bytes.toString('base64').replace(/=+$/, '');
const PHC = /^\$argon2id\$v=(\d+)\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

function deriveArgon2id(password: string, salt: Buffer, params: PasswordHashParams, lanes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    argon2(
      'argon2id',
      {
        message: password.normalize('NFKC'),
        nonce: salt,
        parallelism: lanes,
        tagLength: KEY_LENGTH,
        memory: params.memoryKiB,
        passes: params.passes,
      },
      (error, key) => {
        if (error) reject(error);
        else resolve(key);
      },
    );
  });
}

/** The scrypt hashes stored before Argon2id: `scrypt$<log2 N>$<r>$<p>$<salt>$<hash>` (base64url). */
function deriveScrypt(password: string, salt: Buffer, logN: number, r: number, p: number): Promise<Buffer> {
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

export async function hashPassword(password: string, params: PasswordHashParams): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await deriveArgon2id(password, salt, params, LANES);
  return `$argon2id$v=${ARGON2_VERSION}$m=${params.memoryKiB},t=${params.passes},p=${LANES}$${b64(salt)}$${b64(key)}`;
}

const sameBytes = (expected: Buffer, actual: Buffer): boolean =>
  expected.length === actual.length && timingSafeEqual(expected, actual);

/** Constant-time comparison against a stored hash (Argon2id, or a legacy scrypt one); a malformed hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const argon = PHC.exec(stored);
  if (argon) {
    const [, version, memory, passes, lanes, salt = '', hash = ''] = argon;
    if (Number(version) !== ARGON2_VERSION) return false;
    const params = { memoryKiB: Number(memory), passes: Number(passes) };
    const expected = Buffer.from(hash, 'base64');
    return sameBytes(expected, await deriveArgon2id(password, Buffer.from(salt, 'base64'), params, Number(lanes)));
  }
  const [scheme, logN, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !logN || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  return sameBytes(
    expected,
    await deriveScrypt(password, Buffer.from(salt, 'base64url'), Number(logN), Number(r), Number(p)),
  );
}

/**
 * True when `stored` is weaker than `params` (a legacy scheme or a lower cost): sign-in,
 * the only moment the password is known, then replaces it.
 */
export function needsRehash(stored: string, params: PasswordHashParams): boolean {
  const argon = PHC.exec(stored);
  if (!argon) return true;
  return Number(argon[2]) < params.memoryKiB || Number(argon[3]) < params.passes;
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
