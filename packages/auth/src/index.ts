/**
 * Who is calling, and how services prove it to each other.
 *
 * Shoppers and admins hold user tokens issued by the identity subgraph (asymmetric JWTs the
 * router verifies against identity's JWKS). The router never forwards those to subgraphs:
 * for each subgraph request it signs a short-lived *router assertion* naming the caller and
 * that subgraph, with a secret only the router and the subgraphs hold. A subgraph accepts
 * no request without a valid assertion, so neither a direct call nor a forged identity
 * header gets through.
 */
import { SignJWT, errors, jwtVerify } from 'jose';

export const ROLES = ['SHOPPER', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];

/** An authenticated caller. */
export interface Caller {
  userId: string;
  roles: readonly Role[];
}

export const isRole = (value: unknown): value is Role => ROLES.some((role) => role === value);

/** Issuer and audience of user tokens; identity signs with them, the router checks them. */
export const USER_TOKEN_ISSUER = 'emporium-identity';
export const USER_TOKEN_AUDIENCE = 'emporium';
/** The only algorithm user tokens use; anything else (including `none`) is rejected. */
export const USER_TOKEN_ALGORITHM = 'ES256';

/** Header that carries the router assertion on every router → subgraph request. */
export const ROUTER_ASSERTION_HEADER = 'x-emporium-router-assertion';
const ASSERTION_ISSUER = 'emporium-router';
const ASSERTION_TTL_SECONDS = 60;
const MIN_SECRET_LENGTH = 32;

/** Turns the configured shared secret into key material, refusing one too short to be safe. */
export function routerSecret(value: string): Uint8Array {
  if (value.length < MIN_SECRET_LENGTH) {
    throw new Error(`the router signing secret must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  return new TextEncoder().encode(value);
}

export interface RouterAssertion {
  caller: Caller | null;
  requestId: string;
}

/** Signs the statement "this request comes from the router, on behalf of `caller`" for one subgraph. */
export async function signRouterAssertion(
  secret: Uint8Array,
  audience: string,
  { caller, requestId }: RouterAssertion,
): Promise<string> {
  const jwt = new SignJWT({ roles: caller?.roles ?? [], rid: requestId })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(ASSERTION_ISSUER)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime(`${ASSERTION_TTL_SECONDS}s`);
  if (caller) jwt.setSubject(caller.userId);
  return jwt.sign(secret);
}

/** Thrown when a request lacks a valid router assertion. */
export class InvalidAssertionError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'InvalidAssertionError';
  }
}

/** Verifies a router assertion addressed to `audience`; throws {@link InvalidAssertionError}. */
export async function verifyRouterAssertion(
  secret: Uint8Array,
  audience: string,
  token: string | undefined,
): Promise<RouterAssertion> {
  if (!token) throw new InvalidAssertionError('missing router assertion');
  try {
    const { payload } = await jwtVerify(token, secret, {
      algorithms: ['HS256'],
      issuer: ASSERTION_ISSUER,
      audience,
      maxTokenAge: `${ASSERTION_TTL_SECONDS * 2}s`,
    });
    const roles = Array.isArray(payload['roles']) ? payload['roles'].filter(isRole) : [];
    const requestId = typeof payload['rid'] === 'string' ? payload['rid'] : '';
    return { caller: payload.sub ? { userId: payload.sub, roles } : null, requestId };
  } catch (error) {
    if (error instanceof errors.JOSEError) throw new InvalidAssertionError(error.code);
    throw error;
  }
}
