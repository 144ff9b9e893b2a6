/**
 * Assertions: how a request proves it comes from the router (or, for an internal API, from
 * the one service allowed to call it) and on whose behalf.
 *
 * The signer holds an Ed25519 private key; every receiver holds only the public key. A
 * compromised subgraph can therefore read assertions but never mint one: it cannot speak
 * for the router to another subgraph, as it could when all of them shared one HMAC secret.
 * Each assertion names one audience (the subgraph it was signed for) and lives at most
 * {@link ASSERTION_MAX_AGE_SECONDS}, so a captured one is useless elsewhere and soon.
 *
 * Ed25519 over node:crypto KeyObjects imported once at start-up keeps this cheap enough for
 * the hot path (one sign per subgraph fetch): tens of microseconds per sign plus verify.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import { SignJWT, errors, jwtVerify, type JWTHeaderParameters } from 'jose';
import { isRole, type Caller } from './caller.ts';

/** Header that carries the router assertion on every router → subgraph request. */
export const ROUTER_ASSERTION_HEADER = 'x-emporium-router-assertion';
/** Issuer of the router's assertions; subgraphs accept no other on their GraphQL endpoint. */
export const ROUTER_ISSUER = 'emporium-router';
/** Issuer of the order service's assertions to the cart service's internal checkout API. */
export const ORDER_SERVICE_ISSUER = 'emporium-order';
/** The only algorithm an assertion may use; `none`, HMAC and everything else are refused. */
export const ASSERTION_ALGORITHM = 'EdDSA';

const ASSERTION_TTL_SECONDS = 25;
/** Clocks of two hosts may disagree this much. */
const CLOCK_TOLERANCE_SECONDS = 5;
/** The longest an assertion is accepted after it was signed, tolerance included. */
export const ASSERTION_MAX_AGE_SECONDS = ASSERTION_TTL_SECONDS + CLOCK_TOLERANCE_SECONDS;

/** A signer's private key, imported once; `kid` lets receivers pick the matching public key. */
export interface AssertionSigningKey {
  readonly issuer: string;
  readonly kid: string;
  readonly key: KeyObject;
}

/** The public keys a receiver accepts from one issuer (more than one while a key is rotated). */
export interface AssertionVerificationKey {
  readonly issuer: string;
  readonly keys: ReadonlyMap<string, KeyObject>;
}

/** A fresh Ed25519 key pair as single-line base64 DER (PKCS#8, SPKI): what the variables hold. */
export interface AssertionKeyPair {
  privateKey: string;
  publicKey: string;
}

const PEM = /-----BEGIN ([A-Z ]+)-----/;

/** PEM (with `\n` escapes allowed, as single-line variables carry it) or base64 DER. */
function readKey(material: string, kind: 'private' | 'public'): KeyObject {
  const pem = PEM.exec(material);
  const expected = kind === 'private' ? 'an Ed25519 private key' : 'Ed25519 public keys';
  const format = kind === 'private' ? 'PKCS#8' : 'SPKI';
  if (kind === 'public' && pem?.[1]?.includes('PRIVATE')) {
    throw new Error('holds a private key: receivers get only the public key');
  }
  let key: KeyObject;
  try {
    if (pem) {
      const text = material.replace(/\\n/g, '\n');
      key = kind === 'private' ? createPrivateKey(text) : createPublicKey(text);
    } else {
      const der = Buffer.from(material, 'base64');
      key =
        kind === 'private'
          ? createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })
          : createPublicKey({ key: der, format: 'der', type: 'spki' });
    }
  } catch {
    throw new Error(`must hold ${expected} (${format}, PEM or base64 DER)`);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new Error(`must hold ${expected}, got a ${key.asymmetricKeyType ?? 'symmetric'} key`);
  }
  return key;
}

/** The key id: a digest of the public key, so signer and receivers agree without configuring it. */
const keyId = (publicKey: KeyObject): string =>
  createHash('sha256')
    .update(publicKey.export({ format: 'der', type: 'spki' }))
    .digest('base64url')
    .slice(0, 16);

/** Imports a signer's private key; throws a message fit for a ConfigError when it is not Ed25519. */
export function assertionSigningKey(issuer: string, privateKey: string): AssertionSigningKey {
  const key = readKey(privateKey.trim(), 'private');
  return { issuer, kid: keyId(createPublicKey(key)), key };
}

/** Imports one or more (comma-separated) public keys of `issuer`. */
export function assertionVerificationKey(issuer: string, publicKeys: string): AssertionVerificationKey {
  const keys = new Map<string, KeyObject>();
  for (const material of publicKeys.split(',')) {
    if (material.trim() === '') continue;
    const key = readKey(material.trim(), 'public');
    keys.set(keyId(key), key);
  }
  if (keys.size === 0) throw new Error('must hold at least one Ed25519 public key');
  return { issuer, keys };
}

/** A new key pair, for the local tooling and tests; production generates its own (see SECURITY.md). */
export function generateAssertionKeyPair(): AssertionKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
  };
}

export interface RouterAssertion {
  caller: Caller | null;
  requestId: string;
  /**
   * The client's IP address as the router saw it, for limits per client (identity's
   * failed-login throttle). Optional: internal callers have none, and anything that is
   * not an IP address is left out rather than trusted.
   */
  clientAddress?: string;
}

/** An IP address, or undefined: the claim is a key in rate-limit tables, never free text. */
const ipAddress = (value: unknown): string | undefined =>
  typeof value === 'string' && isIP(value) !== 0 ? value : undefined;

/** Signs the statement "this request comes from `signer.issuer`, on behalf of `caller`" for one audience. */
export async function signRouterAssertion(
  signer: AssertionSigningKey,
  audience: string,
  { caller, requestId, clientAddress }: RouterAssertion,
): Promise<string> {
  const cip = ipAddress(clientAddress);
  const jwt = new SignJWT({
    roles: caller?.roles ?? [],
    rid: requestId,
    ...(caller?.sessionId ? { sid: caller.sessionId } : {}),
    ...(cip ? { cip } : {}),
  })
    .setProtectedHeader({ alg: ASSERTION_ALGORITHM, kid: signer.kid })
    .setIssuer(signer.issuer)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime(`${ASSERTION_TTL_SECONDS}s`);
  if (caller) jwt.setSubject(caller.userId);
  return jwt.sign(signer.key);
}

/** Thrown when a request lacks a valid assertion. */
export class InvalidAssertionError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'InvalidAssertionError';
  }
}

/** Verifies an assertion addressed to `audience` by `verifier.issuer`; throws {@link InvalidAssertionError}. */
export async function verifyRouterAssertion(
  verifier: AssertionVerificationKey,
  audience: string,
  token: string | undefined,
): Promise<RouterAssertion> {
  if (!token) throw new InvalidAssertionError('missing router assertion');
  const pick = (header: JWTHeaderParameters): KeyObject => {
    const key = verifier.keys.get(header.kid ?? '');
    if (!key) throw new InvalidAssertionError('unknown signing key');
    return key;
  };
  try {
    const { payload } = await jwtVerify(token, pick, {
      algorithms: [ASSERTION_ALGORITHM],
      issuer: verifier.issuer,
      audience,
      requiredClaims: ['iat', 'exp'],
      maxTokenAge: ASSERTION_TTL_SECONDS,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
    });
    const roles = Array.isArray(payload['roles']) ? payload['roles'].filter(isRole) : [];
    const requestId = typeof payload['rid'] === 'string' ? payload['rid'] : '';
    // The session the user's token belongs to, for identity's logout.
    const sessionId = typeof payload['sid'] === 'string' ? payload['sid'] : undefined;
    const caller = payload.sub ? { userId: payload.sub, roles, ...(sessionId ? { sessionId } : {}) } : null;
    const clientAddress = ipAddress(payload['cip']);
    return { caller, requestId, ...(clientAddress ? { clientAddress } : {}) };
  } catch (error) {
    if (error instanceof InvalidAssertionError) throw error;
    if (error instanceof errors.JOSEError) throw new InvalidAssertionError(error.code);
    throw error;
  }
}
